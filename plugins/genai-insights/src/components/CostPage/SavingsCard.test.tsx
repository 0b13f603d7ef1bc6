import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { CostSavings } from '@genai-portal/plugin-genai-insights-common';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { genaiInsightsApiRef } from '../../api';
import {
  backendError,
  baseUrl,
  makeClient,
  ML,
  serveBackend,
  TOKEN,
} from '../../__testUtils__/fixtures';
import { CostPageContent } from './CostPage';
import { SavingsCard } from './SavingsCard';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const usage = (reserved: number, used: number, quantity = [0, 0]) => ({
  reservedQuantity: quantity[0],
  usedQuantity: quantity[1],
  reservedMicros: reserved,
  usedMicros: used,
  idleMicros: Math.max(0, reserved - used),
  utilization: quantity[0] > 0 ? quantity[1] / quantity[0] : null,
});

/** ml-research-llama: 8 GPUs held, at most 2 busy; ml-research-mistral: 2 held, both busy. */
const savings: CostSavings = {
  currency: 'USD',
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-12-01T00:00:00.000Z',
  items: [
    {
      environment: 'ml-research-llama',
      team: ML,
      gpu: usage(800_000_000, 50_000_000, [240, 30]),
      cpu: usage(10_000_000, 2_000_000, [480, 96]),
      memory: usage(5_000_000, 0, [3840, 0]),
      idleMicros: 763_000_000,
      recommendation: {
        currentGpus: 8,
        peakUsedGpus: 1.5,
        recommendedGpus: 2,
        savingMicros: 600_000_000,
      },
    },
    {
      environment: 'ml-research-mistral',
      team: ML,
      gpu: usage(200_000_000, 150_000_000, [60, 45]),
      cpu: usage(0, 0),
      memory: usage(0, 0),
      idleMicros: 50_000_000,
      recommendation: {
        currentGpus: 2,
        peakUsedGpus: 2,
        recommendedGpus: 2,
        savingMicros: 0,
      },
    },
  ],
  totals: {
    reservedMicros: 1_015_000_000,
    idleMicros: 813_000_000,
    idleRatio: 813 / 1015,
    gpuReservedMicros: 1_000_000_000,
    gpuIdleMicros: 800_000_000,
    gpuIdleRatio: 0.8,
    savingMicros: 600_000_000,
  },
};

const empty: CostSavings = {
  ...savings,
  items: [],
  totals: {
    reservedMicros: 0,
    idleMicros: 0,
    idleRatio: null,
    gpuReservedMicros: 0,
    gpuIdleMicros: 0,
    gpuIdleRatio: null,
    savingMicros: 0,
  },
};

/** `GET /cost/savings` on the msw server, answering `answer`; the requests it saw. */
function serveSavings(answer: CostSavings | (() => Response)) {
  const seen: Array<{ url: URL; auth: string | null }> = [];
  server.use(
    http.get(`${baseUrl}/cost/savings`, ({ request }) => {
      seen.push({
        url: new URL(request.url),
        auth: request.headers.get('authorization'),
      });
      return typeof answer === 'function'
        ? answer()
        : HttpResponse.json(answer as any);
    }),
  );
  return seen;
}

const QUERY = {
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-12-01T00:00:00.000Z',
  teams: [ML],
};

function renderCard() {
  return renderInTestApp(
    <TestApiProvider apis={[[genaiInsightsApiRef, makeClient()]]}>
      <SavingsCard query={QUERY} />
    </TestApiProvider>,
  );
}

describe('SavingsCard', () => {
  it('shows the idle GPUs, and per environment the quota that would have been enough', async () => {
    const seen = serveSavings(savings);
    await renderCard();
    expect(await screen.findByTestId('savings-headline')).toHaveTextContent(
      'Idle GPUs cost $800.00 (80% of reserved) in this period',
    );
    expect(screen.getByTestId('savings-total')).toHaveTextContent(
      "Quotas sized to each environment's busiest hour would have saved $600.00.",
    );
    const table = screen.getByRole('table', { name: 'Savings by environment' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(c => c.textContent),
    ).toEqual([
      'Environment',
      'Team',
      'GPUs reserved',
      'Peak used',
      'Utilization',
      'Idle cost',
      'Recommendation',
    ]);
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(r =>
        within(r)
          .getAllByRole('cell')
          .map(c => c.textContent),
      );
    expect(rows).toEqual([
      [
        'ml-research-llama',
        'ml-research',
        '8',
        '1.5',
        '12.5%',
        '$763.00',
        'Shrink to 2 GPUs: save $600.00',
      ],
      [
        'ml-research-mistral',
        'ml-research',
        '2',
        '2',
        '75%',
        '$50.00',
        'Keep 2 GPUs',
      ],
    ]);
    expect(Object.fromEntries(seen[0].url.searchParams)).toEqual({
      from: QUERY.from,
      to: QUERY.to,
      teams: ML,
    });
    expect(seen[0].auth).toBe(`Bearer ${TOKEN}`);
  });

  it('says so when nothing was reserved', async () => {
    serveSavings(empty);
    await renderCard();
    expect(await screen.findByTestId('savings-empty')).toHaveTextContent(
      'Nothing was reserved in this period, so nothing sat idle.',
    );
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByTestId('savings-headline')).toBeNull();
  });

  it("shows the backend's message when it fails", async () => {
    serveSavings(() =>
      backendError(400, 'InputError', 'Invalid query: limit: too big'),
    );
    await renderCard();
    expect(
      await screen.findByText('Invalid query: limit: too big'),
    ).toBeInTheDocument();
  });

  it("is on the cost page, for the page's teams", async () => {
    serveBackend(server);
    const seen = serveSavings(savings);
    await renderInTestApp(
      <TestApiProvider apis={[[genaiInsightsApiRef, makeClient()]]}>
        <CostPageContent />
      </TestApiProvider>,
      { routeEntries: ['/?team=ml-research'] },
    );
    expect(
      await screen.findByRole('table', { name: 'Savings by environment' }),
    ).toBeInTheDocument();
    expect(seen[0].url.searchParams.get('teams')).toBe(ML);
  });
});
