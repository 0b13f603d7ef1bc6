import { renderTestApp } from '@backstage/frontend-test-utils';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen } from '@testing-library/react';
import plugin from './alpha';
import { fakeApi } from './testing/fixtures';

describe('genai-playground inference (new frontend system)', () => {
  it('serves the inference playground with its nav item', async () => {
    const api = fakeApi({
      listModels: jest.fn().mockResolvedValue({
        data: [{ id: 'llama-8b', genai: { kind: 'chat' } }],
      }),
    });
    renderTestApp({
      features: [plugin],
      apis: [[genaiPlaygroundApiRef, api]] as any,
      initialRouteEntries: ['/genai-playground/inference'],
    });
    expect(await screen.findByLabelText('Model')).toHaveValue('llama-8b');
    // the models come through the plugin's API, not a fetch of the page's own
    expect(api.listModels).toHaveBeenCalled();
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
