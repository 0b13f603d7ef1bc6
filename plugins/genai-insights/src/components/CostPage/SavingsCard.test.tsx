import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  CostSavings,
  GpuIdleList,
} from '@genai-portal/plugin-genai-insights-common';
import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  genaiInsightsApiRef,
  gpuRouteRef,
} from '@genai-portal/plugin-genai-insights-react';
import {
  backendError,
  baseUrl,
  idleList,
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
// Every card also asks for the GPUs held but idle now; the tests below answer otherwise.
beforeEach(() => serveIdle(idleList));

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

/** `GET /gpu/idle` on the msw server, answering `answer`; the requests it saw. */
function serveIdle(answer: GpuIdleList | (() => Response)) {
  const seen: Array<{ url: URL; auth: string | null }> = [];
  server.use(
    http.get(`${baseUrl}/gpu/idle`, ({ request }) => {
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

function renderCard(options: { gpuPage?: boolean } = {}) {
  return renderInTestApp(
    <TestApiProvider apis={[[genaiInsightsApiRef, makeClient()]]}>
      <SavingsCard query={QUERY} />
    </TestApiProvider>,
    options.gpuPage
      ? { mountedRoutes: { '/genai-insights/gpu': gpuRouteRef } }
      : undefined,
  );
}

const rowsOf = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map(r =>
      within(r)
        .getAllByRole('cell')
        .map(c => c.textContent),
    );

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
    expect(
      screen.queryByRole('table', { name: 'Savings by environment' }),
    ).toBeNull();
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

  it('shows the GPUs held but idle now: how many, their cost, the top pods and the rule', async () => {
    serveSavings(savings);
    const seen = serveIdle(idleList);
    await renderCard({ gpuPage: true });
    expect(await screen.findByTestId('savings-idle-summary')).toHaveTextContent(
      '2 GPUs are held but idle, $22.34 so far.',
    );
    const section = screen.getByTestId('savings-idle-now');
    expect(within(section).getByText('Held but idle now')).toBeInTheDocument();
    const table = within(section).getByRole('table', {
      name: 'Held but idle now',
    });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(c => c.textContent),
    ).toEqual(['Pod', 'Owner', 'GPUs', 'Idle since', 'Cost so far']);
    // Both GPUs are one pod's: one row, idle since the first went idle.
    expect(rowsOf(table)).toEqual([
      [
        'ml-research-llama/llama-infer-0',
        'marco.rossi',
        '2',
        '3 h 30 min ago',
        '$22.34',
      ],
    ]);
    expect(screen.getByTestId('savings-idle-rule')).toHaveTextContent(
      'Idle: held GPUs under 5% activity for 30 min; inference servers also served no request.',
    );
    expect(
      within(section).getByRole('link', {
        name: 'All idle GPUs on the GPU page',
      }),
    ).toHaveAttribute('href', '/genai-insights/gpu?team=ml-research');
    expect(Object.fromEntries(seen[0].url.searchParams)).toEqual({
      teams: ML,
    });
    expect(seen[0].auth).toBe(`Bearer ${TOKEN}`);
    // The savings above are still there.
    expect(
      screen.getByRole('table', { name: 'Savings by environment' }),
    ).toBeInTheDocument();
  });

  it('lists the 3 pods whose idle GPUs cost most, and counts all', async () => {
    serveSavings(savings);
    const [first] = idleList.episodes;
    const episodes = [5, 40, 20, 30, 10].map((dollars, i) => ({
      ...first,
      id: `ep-${i}`,
      gpuId: i,
      pod: `pod-${i}`,
      owner: i === 2 ? undefined : first.owner,
      costMicros: dollars * 1_000_000,
    }));
    serveIdle({ ...idleList, episodes, totalMicros: 105_000_000 });
    await renderCard();
    expect(await screen.findByTestId('savings-idle-summary')).toHaveTextContent(
      '5 GPUs are held but idle, $105.00 so far.',
    );
    const rows = rowsOf(
      screen.getByRole('table', { name: 'Held but idle now' }),
    );
    expect(rows.map(r => [r[0], r[1], r[4]])).toEqual([
      ['ml-research-llama/pod-1', 'marco.rossi', '$40.00'],
      ['ml-research-llama/pod-3', 'marco.rossi', '$30.00'],
      ['ml-research-llama/pod-2', '—', '$20.00'],
    ]);
    // Without a GPU page in the app, no link.
    expect(
      screen.queryByRole('link', { name: 'All idle GPUs on the GPU page' }),
    ).toBeNull();
  });

  it('says so when no held GPU is idle', async () => {
    serveSavings(savings);
    serveIdle({ ...idleList, episodes: [], totalMicros: 0 });
    await renderCard();
    expect(await screen.findByTestId('savings-idle-summary')).toHaveTextContent(
      'No held GPU is idle now.',
    );
    expect(
      screen.queryByRole('table', { name: 'Held but idle now' }),
    ).toBeNull();
  });

  it('shows nothing of idle GPUs when the caller may not see them', async () => {
    serveSavings(savings);
    const seen = serveIdle(() =>
      backendError(403, 'NotAllowedError', 'Not allowed: ml-research'),
    );
    await renderCard();
    expect(
      await screen.findByRole('table', { name: 'Savings by environment' }),
    ).toBeInTheDocument();
    // The idle request was answered, and its refusal rendered as nothing.
    await waitFor(() => expect(seen).toHaveLength(1));
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(screen.queryByTestId('savings-idle-now')).toBeNull();
    expect(screen.queryByText(/Not allowed/)).toBeNull();
    expect(screen.queryByText('Held but idle now')).toBeNull();
  });

  it('says in one line that idle GPUs are unknown without Prometheus', async () => {
    serveSavings(savings);
    serveIdle({
      ...idleList,
      prometheus: { available: false, reason: 'Prometheus timed out.' },
      episodes: [],
      totalMicros: 0,
    });
    await renderCard();
    expect(
      await screen.findByTestId('savings-idle-unavailable'),
    ).toHaveTextContent(
      'Unknown: GPU activity is unavailable (Prometheus timed out).',
    );
    expect(screen.queryByTestId('savings-idle-summary')).toBeNull();
    expect(
      screen.getByRole('table', { name: 'Savings by environment' }),
    ).toBeInTheDocument();
  });

  it('keeps the card when the idle GPUs cannot be read', async () => {
    serveSavings(savings);
    serveIdle(() => backendError(500, 'Error', 'the database is down'));
    await renderCard();
    expect(
      await screen.findByText(
        'Held but idle GPUs could not be read: the database is down',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Savings by environment' }),
    ).toBeInTheDocument();
  });

  it("is on the cost page, for the page's teams", async () => {
    serveBackend(server);
    const seen = serveSavings(savings);
    const seenIdle = serveIdle(idleList);
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
    expect(await screen.findByTestId('savings-idle-summary')).toHaveTextContent(
      '2 GPUs are held but idle, $22.34 so far.',
    );
    expect(seenIdle[0].url.searchParams.get('teams')).toBe(ML);
  });
});
