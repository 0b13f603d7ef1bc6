import { Content, Header, Page } from '@backstage/core-components';
import { Route, Routes } from 'react-router-dom';
import { EnvironmentDetailPage } from '../EnvironmentDetailPage';
import { EnvironmentsPage } from '../EnvironmentsPage';

/**
 * The plugin's pages below its mount point: the environments list at `/` and one environment at
 * `/:id`. The new frontend system puts its own page header around this.
 * @public
 */
export function GenaiPlaygroundContent() {
  return (
    <Content>
      <Routes>
        <Route path="/" element={<EnvironmentsPage />} />
        <Route path="/:id" element={<EnvironmentDetailPage />} />
      </Routes>
    </Content>
  );
}

/** The same pages with a Backstage header, for apps on the legacy frontend system. @public */
export function GenaiPlaygroundPage() {
  return (
    <Page themeId="tool">
      <Header
        title="GPU Playground"
        subtitle="Self-service playground environments with GPU quotas"
      />
      <GenaiPlaygroundContent />
    </Page>
  );
}
