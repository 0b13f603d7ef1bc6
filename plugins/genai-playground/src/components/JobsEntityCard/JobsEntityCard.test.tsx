import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen } from '@testing-library/react';
import { jobsRouteRef } from '../../routes';
import { fakeApi } from '../../testing/fixtures';
import { makeJob } from '../../testing/jobFixtures';
import { JobsEntityCard } from './JobsEntityCard';

const environmentEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'ml-research-llama-finetune', namespace: 'default' },
  spec: { type: 'playground-environment' },
};
const groupEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'ml-research', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

async function renderCard(entity: Entity, api: ReturnType<typeof fakeApi>) {
  await renderInTestApp(
    <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
      <EntityProvider entity={entity}>
        <JobsEntityCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/genai-playground/jobs': jobsRouteRef } },
  );
}

describe('JobsEntityCard', () => {
  it("lists an environment's recent jobs with links", async () => {
    const api = fakeApi({
      listJobs: jest.fn().mockResolvedValue({
        items: [
          makeJob({ status: 'Failed', reason: 'OOMKilled', gpuSeconds: 3600 }),
        ],
      }),
    });
    await renderCard(environmentEntity, api);
    expect(
      await screen.findByRole('link', { name: 'llama-lora' }),
    ).toHaveAttribute('href', '/genai-playground/jobs/j7k2m9x4q1ab');
    expect(screen.getByText(/8 GPUs · 1 GPU-h · guest/)).toHaveTextContent(
      /OOMKilled/,
    );
    expect(screen.getByTestId('job-status-Failed')).toBeInTheDocument();
    expect(api.listJobs).toHaveBeenCalledWith({
      environment: 'ml-research-llama-finetune',
      limit: 8,
      team: undefined,
      owner: undefined,
      status: undefined,
    });
  });

  it("lists a team's jobs on its Group, and says when there are none", async () => {
    const api = fakeApi({
      listJobs: jest.fn().mockResolvedValue({ items: [] }),
    });
    await renderCard(groupEntity, api);
    expect(
      await screen.findByText(/No blueprint jobs of this team yet/),
    ).toBeInTheDocument();
    expect(api.listJobs).toHaveBeenCalledWith(
      expect.objectContaining({ team: 'group:default/ml-research' }),
    );
  });
});
