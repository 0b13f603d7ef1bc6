import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen } from '@testing-library/react';
import { fakeApi } from '../../testing/fixtures';
import { EnvironmentHistory } from './EnvironmentHistory';

describe('EnvironmentHistory', () => {
  it('lists events newest first with actor and details', async () => {
    const api = fakeApi({
      getEnvironmentHistory: jest.fn().mockResolvedValue({
        items: [
          {
            environmentId: 'ml-research-llama',
            action: 'create',
            actor: 'user:default/guest',
            at: '2025-01-01T00:00:00Z',
            details: { ttlHours: 72 },
          },
          {
            environmentId: 'ml-research-llama',
            action: 'extend',
            actor: 'user:default/marco.rossi',
            at: '2025-01-02T00:00:00Z',
            details: { ttlHours: 48 },
          },
        ],
      }),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
        <EnvironmentHistory id="ml-research-llama" />
      </TestApiProvider>,
    );
    const items = await screen.findAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Lease extended by marco.rossi');
    expect(items[0]).toHaveTextContent('ttlHours: 48');
    expect(items[1]).toHaveTextContent('Created by guest');
    expect(api.getEnvironmentHistory).toHaveBeenCalledWith('ml-research-llama');
  });

  it('says when there is no history', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, fakeApi()]]}>
        <EnvironmentHistory id="x" />
      </TestApiProvider>,
    );
    expect(await screen.findByText('No history yet.')).toBeInTheDocument();
  });
});
