import {
  createExtensionTester,
  mockApis,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen } from '@testing-library/react';
import plugin from './alpha';
import { entityJobsCard } from './alpha/extensions';
import { fakeApi } from './testing/fixtures';
import { makeJob, withJobDetails } from './testing/jobFixtures';

const entity = (
  kind: string,
  name: string,
  spec: Entity['spec'] = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name },
  spec,
});

describe('genai-playground jobs (new frontend system)', () => {
  const apis = (api: ReturnType<typeof fakeApi>) =>
    [
      [genaiPlaygroundApiRef, api],
      mockApis.identity({
        userEntityRef: 'user:default/guest',
        ownershipEntityRefs: ['group:default/ml-research'],
      }),
    ] as const;

  it('serves the jobs page with its nav item, and a job below it', async () => {
    const job = makeJob();
    const api = fakeApi({
      listJobs: jest.fn().mockResolvedValue({ items: [job] }),
      getJob: jest.fn().mockResolvedValue(withJobDetails(job)),
    });
    renderTestApp({
      features: [plugin],
      apis: apis(api) as any,
      initialRouteEntries: ['/genai-playground/jobs'],
    });
    expect(
      await screen.findByRole('heading', { name: 'Blueprint jobs' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('llama-lora')).toBeInTheDocument();
    expect(
      screen
        .getAllByText('GPU Jobs')
        .some(
          el =>
            el.closest('a')?.getAttribute('href') === '/genai-playground/jobs',
        ),
    ).toBe(true);
  });

  it('serves one job at /genai-playground/jobs/:id', async () => {
    const job = makeJob({ status: 'Succeeded', gpuSeconds: 3600 });
    const api = fakeApi({
      getJob: jest.fn().mockResolvedValue(withJobDetails(job)),
    });
    renderTestApp({
      features: [plugin],
      apis: apis(api) as any,
      initialRouteEntries: [`/genai-playground/jobs/${job.id}`],
    });
    expect(
      await screen.findByRole('heading', { name: job.name }),
    ).toBeInTheDocument();
    expect(api.getJob).toHaveBeenCalledWith(job.id);
  });

  it('shows the jobs card on environments and groups', () => {
    const filter = createExtensionTester(entityJobsCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    expect(
      filter(
        entity('Resource', 'ml-research-llama', {
          type: 'playground-environment',
        }),
      ),
    ).toBe(true);
    expect(filter(entity('Group', 'ml-research', { type: 'team' }))).toBe(true);
    expect(filter(entity('Resource', 'genai-redis', { type: 'cache' }))).toBe(
      false,
    );
    expect(filter(entity('User', 'guest'))).toBe(false);
  });
});
