import { Content, Header, Page } from '@backstage/core-components';
import { Route, Routes } from 'react-router-dom';
import { JobsDetailPage } from '../JobsDetailPage';
import { JobsPage } from '../JobsPage';
import { JobsSubmitForm } from '../JobsSubmitForm';

/**
 * The jobs pages below their mount point: the list at `/`, the submit form at `/submit` and one
 * job at `/:id`. The new frontend system puts its own page header around this.
 * @public
 */
export function JobsRootContent() {
  return (
    <Content>
      <Routes>
        <Route path="/" element={<JobsPage />} />
        <Route path="/submit" element={<JobsSubmitForm />} />
        <Route path="/:id" element={<JobsDetailPage />} />
      </Routes>
    </Content>
  );
}

/** The same pages with a Backstage header, for apps on the legacy frontend system. @public */
export function JobsRootPage() {
  return (
    <Page themeId="tool">
      <Header
        title="GPU Jobs"
        subtitle="Blueprint jobs on the MI300X pool: submit, follow, cancel"
      />
      <JobsRootContent />
    </Page>
  );
}
