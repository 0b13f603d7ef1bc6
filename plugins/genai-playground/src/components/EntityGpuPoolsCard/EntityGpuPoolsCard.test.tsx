import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen } from '@testing-library/react';
import { fakeApi } from '../../testing/fixtures';
import { EntityGpuPoolsCard, poolOfEntity } from './EntityGpuPoolsCard';

const poolResource = (
  name: string,
  annotations?: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, annotations },
  spec: { type: 'gpu-node-pool', owner: 'group:default/platform-team' },
});

describe('poolOfEntity', () => {
  it('reads the gpu-type annotation, else the name', () => {
    expect(
      poolOfEntity(
        poolResource('inference-pool', {
          'genai-playground.io/gpu-type': 'mi355x',
        }),
      ),
    ).toBe('mi355x');
    expect(poolOfEntity(poolResource('gpu-pool-mi300x'))).toBe('mi300x');
    expect(poolOfEntity(poolResource('other'))).toBeUndefined();
  });
});

describe('EntityGpuPoolsCard', () => {
  it('shows the one pool of a gpu-node-pool resource', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, fakeApi()]]}>
        <EntityProvider entity={poolResource('gpu-pool-mi355x')}>
          <EntityGpuPoolsCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('pool-mi355x')).toBeInTheDocument();
    expect(screen.queryByTestId('pool-mi300x')).toBeNull();
    expect(screen.getByText('GPU pool usage')).toBeInTheDocument();
  });

  it('shows every pool on the system page', async () => {
    const system: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: 'genai-playground' },
      spec: { owner: 'group:default/platform-team' },
    };
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, fakeApi()]]}>
        <EntityProvider entity={system}>
          <EntityGpuPoolsCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('pool-mi355x')).toBeInTheDocument();
    expect(screen.getByTestId('pool-mi300x')).toBeInTheDocument();
  });
});
