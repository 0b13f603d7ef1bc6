import { renderTestApp } from '@backstage/frontend-test-utils';
import { fetchApiRef } from '@backstage/frontend-plugin-api';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen } from '@testing-library/react';
import plugin from './alpha';
import { fakeApi } from './testing/fixtures';

describe('genai-playground inference (new frontend system)', () => {
  it('serves the inference playground with its nav item', async () => {
    const fetch = jest.fn(
      async (_url: string) =>
        ({
          ok: true,
          status: 200,
          json: async () => ({
            object: 'list',
            data: [{ id: 'llama-8b', genai: { kind: 'chat' } }],
          }),
        } as unknown as Response),
    );
    renderTestApp({
      features: [plugin],
      apis: [
        [genaiPlaygroundApiRef, fakeApi()],
        [fetchApiRef, { fetch }],
      ] as any,
      initialRouteEntries: ['/genai-playground/inference'],
    });
    expect(await screen.findByLabelText('Model')).toHaveValue('llama-8b');
    expect(fetch.mock.calls[0][0]).toMatch(/\/v1\/models$/);
    expect(
      screen
        .getAllByText('Inference Playground')
        .some(
          el =>
            el.closest('a')?.getAttribute('href') ===
            '/genai-playground/inference',
        ),
    ).toBe(true);
  });
});
