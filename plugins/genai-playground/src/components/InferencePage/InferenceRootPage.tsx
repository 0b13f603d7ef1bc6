import { Content, Header, Page } from '@backstage/core-components';
import { InferencePage } from './InferencePage';

/** The inference playground without a header, for the new frontend system. @public */
export function InferenceContent() {
  return (
    <Content>
      <InferencePage />
    </Content>
  );
}

/** The inference playground with a Backstage header, for legacy apps. @public */
export function InferenceRootPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Inference Playground"
        subtitle="Chat with the gateway's models, compare them, and get the code"
      />
      <InferenceContent />
    </Page>
  );
}

export { InferencePage };
