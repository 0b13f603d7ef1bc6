import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import {
  genaiInsightsApiRef,
  costRouteRef,
  gpuRouteRef,
} from '@genai-portal/plugin-genai-insights-react';
import {
  backendError,
  fleet,
  fleetWithoutPrometheus,
  makeClient,
  ML,
  serveBackend,
  TOKEN,
} from '../../__testUtils__/fixtures';
import { GpuPageContent } from './GpuPage';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function renderPage(url = '/') {
  return renderInTestApp(
    <TestApiProvider apis={[[genaiInsightsApiRef, makeClient()]]}>
      <GpuPageContent />
    </TestApiProvider>,
    {
      routeEntries: [url],
      mountedRoutes: {
        '/genai-insights/cost': costRouteRef,
        '/genai-insights/gpu': gpuRouteRef,
      },
    },
  );
}

/** Any amount of money on the page. */
const MONEY = /\$\d/;

describe('GpuPageContent', () => {
  it('shows the pools, the heatmap, the idle GPUs, the GPU-hours, the breakdown and the pending pods', async () => {
    const seen = serveBackend(server);
    await renderPage('/?team=ml-research');

    // Pools: capacity, allocated, active, idle, free and pending GPUs.
    const pool = await screen.findByTestId('gpu-pool-mi355x');
    const stat = (name: string) =>
      within(pool).getByTestId(`stat-${name}`).textContent;
    expect(
      ['capacity', 'allocated', 'active', 'idle', 'free', 'pending'].map(stat),
    ).toEqual(['16', '14', '12', '2', '2', '8']);
    expect(pool).toHaveTextContent('$3.50 per GPU-hour');

    // The heatmap: a cell per GPU, coloured by state.
    const map = screen.getByRole('region', { name: 'GPU fleet heatmap' });
    const cells = within(map).getAllByTestId('gpu-cell');
    expect(cells).toHaveLength(24);
    const states = cells.map(c => c.getAttribute('data-state'));
    expect(states.filter(s => s === 'free')).toHaveLength(9);
    expect(states.filter(s => s === 'idle')).toHaveLength(2);
    expect(
      within(map).getByRole('gridcell', {
        name: 'mi355x-node-0 GPU 4: 2% active, idle, held by ml-research',
      }),
    ).toBeInTheDocument();
    expect(
      within(map).getByRole('gridcell', {
        name: 'mi300x-node-0 GPU 0: 40% active, held by genai-apps, partitioned (CPX)',
      }),
    ).toBeInTheDocument();
    // Grouped by pool, pools by name.
    expect(
      within(map)
        .getAllByRole('rowgroup')
        .map(g => g.getAttribute('aria-label')),
    ).toEqual(['Pool mi300x', 'Pool mi355x']);

    // Idle GPUs: the rule, then who holds them and what they cost so far.
    expect(
      screen.getByRole('heading', { name: 'Idle GPUs' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /^Idle: held GPUs under 5% activity for 30 min; inference servers also served no request\. Owners and leads are told once per episode\.$/,
      ),
    ).toBeInTheDocument();
    const idle = await screen.findByRole('table', { name: 'Idle GPUs' });
    const first = within(idle).getByTestId('gpu-idle-ep-4');
    expect(first).toHaveTextContent('mi355x-node-0 / GPU 4');
    expect(first).toHaveTextContent('marco.rossi');
    expect(first).toHaveTextContent('Model llama-3.3-70b');
    expect(first).toHaveTextContent('3 h 30 min ago');
    expect(first).toHaveTextContent('$12.34');
    expect(first).toHaveTextContent(/Yes, 3 h/);
    expect(
      within(first).getByRole('link', { name: 'ml-research-llama' }),
    ).toHaveAttribute('href', '/catalog/default/resource/ml-research-llama');
    expect(within(idle).getByTestId('gpu-idle-ep-5')).toHaveTextContent(
      'Not yet',
    );
    expect(screen.getByTestId('gpu-idle-total')).toHaveTextContent(
      '2 idle GPUs have cost $22.34 so far',
    );

    // GPU-hours over time, per pool, with the totals in the legend.
    const chart = await screen.findByRole('region', {
      name: 'GPU-hours over time in mi355x',
    });
    expect(
      within(chart).getByRole('list', { name: 'GPU-hours in mi355x' })
        .textContent,
    ).toBe('Active: 36 GPU-hoursIdle: 6 GPU-hoursAllocated: 42 GPU-hours');
    expect(
      screen.getByRole('region', { name: 'GPU-hours over time in mi300x' }),
    ).toBeInTheDocument();

    // The breakdown by team.
    const byTeam = await screen.findByRole('table', {
      name: 'GPU use by team',
    });
    expect(within(byTeam).getByTestId(`gpu-breakdown-${ML}`)).toHaveTextContent(
      'ml-research33673%48$168.001.2M3,5713,869',
    );

    // Pending demand.
    const pending = screen.getByRole('table', { name: 'Pending GPU demand' });
    expect(pending).toHaveTextContent('ml-research-llama/job-pretrain-3-0');
    expect(pending).toHaveTextContent('0/3 nodes are available');
    expect(screen.getByTestId('gpu-pending-totals')).toHaveTextContent(
      'mi355x: 8 GPUs waiting',
    );

    // No Prometheus banner; a link to the same team's costs.
    expect(screen.queryByTestId('gpu-prometheus-down')).toBeNull();
    expect(
      screen.getByRole('link', { name: /What these GPUs cost/ }),
    ).toHaveAttribute('href', '/genai-insights/cost?team=ml-research');

    // Every query was for the team in ?team=, with the user's token.
    const reads = seen.filter(
      s => s.url.pathname !== '/api/genai-insights/scope',
    );
    expect(reads.map(r => r.url.pathname).sort()).toEqual([
      '/api/genai-insights/gpu/breakdown',
      '/api/genai-insights/gpu/fleet',
      '/api/genai-insights/gpu/idle',
      '/api/genai-insights/gpu/usage',
    ]);
    for (const read of reads) {
      expect(read.url.searchParams.get('teams')).toBe(ML);
      expect(read.auth).toBe(`Bearer ${TOKEN}`);
    }
    const usage = reads.find(r => r.url.pathname.endsWith('/usage'))!;
    const from = Date.parse(usage.url.searchParams.get('from')!);
    const to = Date.parse(usage.url.searchParams.get('to')!);
    expect(to - from).toBe(7 * 86_400_000);
  });

  it('shows the pod, team and numbers of a GPU in one tooltip, and only "another team" for others', async () => {
    serveBackend(server);
    await renderPage();
    const map = await screen.findByRole('region', {
      name: 'GPU fleet heatmap',
    });
    const cell = (node: string, gpu: number) =>
      map.querySelector(`[data-node="${node}"][data-gpu="${gpu}"]`)!;

    fireEvent.mouseOver(cell('mi355x-node-0', 0));
    let tooltip = screen.getByRole('tooltip');
    expect(tooltip).toHaveTextContent('Nodemi355x-node-0 (mi355x)');
    expect(tooltip).toHaveTextContent('Activity85%');
    expect(tooltip).toHaveTextContent('Power1100 W');
    expect(tooltip).toHaveTextContent('VRAM146.5 GB of 288 GB');
    expect(tooltip).toHaveTextContent('Podjob-ft-7-0');
    expect(tooltip).toHaveTextContent('Namespaceml-research-llama');
    expect(tooltip).toHaveTextContent('Teamml-research');
    expect(tooltip).toHaveTextContent('Ownermarco.rossi');

    fireEvent.mouseOver(cell('mi355x-node-1', 3));
    tooltip = screen.getByRole('tooltip');
    expect(tooltip).toHaveTextContent('Held byanother team');
    expect(tooltip).not.toHaveTextContent('Pod');

    fireEvent.mouseLeave(map.querySelector('[role="grid"]')!);
    expect(screen.queryByRole('tooltip')).toBeNull();

    // The keyboard moves the same tooltip.
    const grid = within(map).getByRole('grid');
    act(() => grid.focus());
    expect(screen.getByRole('tooltip')).toHaveTextContent('Nodemi300x-node-0');
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'ArrowRight' });
    expect(screen.getByRole('tooltip')).toHaveTextContent(
      /Nodemi355x-node-0.*GPU1/,
    );
    expect(grid.getAttribute('aria-activedescendant')).toBe(
      cell('mi355x-node-0', 1).id,
    );
  });

  it('says when Prometheus is down, and still shows the allocation', async () => {
    serveBackend(server, {
      'GET /gpu/fleet': fleetWithoutPrometheus as any,
      'GET /gpu/idle': {
        at: fleet.at,
        currency: 'USD',
        rule: fleet.idleRule,
        prometheus: fleetWithoutPrometheus.prometheus,
        episodes: [],
        totalMicros: 0,
      } as any,
    });
    await renderPage();
    expect(await screen.findByTestId('gpu-prometheus-down')).toHaveTextContent(
      'GPU activity is unavailable: Prometheus timed out. Allocation below is from the cluster.',
    );
    const pool = screen.getByTestId('gpu-pool-mi355x');
    expect(within(pool).getByTestId('stat-allocated')).toHaveTextContent('14');
    expect(within(pool).getByTestId('stat-active')).toHaveTextContent('—');
    const cells = screen.getAllByTestId('gpu-cell');
    expect(cells).toHaveLength(24);
    expect(
      cells.filter(c => c.getAttribute('data-state') === 'unknown'),
    ).toHaveLength(15);
    expect(screen.getByTestId('gpu-idle-none')).toHaveTextContent(
      'Idle GPUs are found from their activity, which is unavailable now.',
    );
  });

  it('asks again by model when the breakdown changes', async () => {
    const seen = serveBackend(server);
    await renderPage();
    await screen.findByRole('table', { name: 'GPU use by team' });
    await userEvent.click(screen.getByRole('button', { name: /Group by/ }));
    await userEvent.click(screen.getByRole('option', { name: 'Model' }));
    const byModel = await screen.findByRole('table', {
      name: 'GPU use by model',
    });
    expect(
      within(byModel).getByTestId('gpu-breakdown-llama-3.3-70b'),
    ).toHaveTextContent(
      'llama-3.3-70bml-research483.5%44$154.001.2M25,000125,000',
    );
    expect(
      seen.some(
        s =>
          s.url.pathname === '/api/genai-insights/gpu/breakdown' &&
          s.url.searchParams.get('by') === 'model',
      ),
    ).toBe(true);
    // "All my teams": no teams parameter, the backend answers the caller's.
    expect(seen.every(s => !s.url.searchParams.has('teams'))).toBe(true);
  });

  it('asks for the last 24 hours when the range changes', async () => {
    const seen = serveBackend(server);
    await renderPage();
    await screen.findByRole('region', {
      name: 'GPU-hours over time in mi355x',
    });
    await userEvent.click(screen.getByRole('button', { name: /Range/ }));
    await userEvent.click(
      screen.getByRole('option', { name: 'Last 24 hours' }),
    );
    await waitFor(() =>
      expect(
        seen.some(s => {
          const p = s.url.searchParams;
          return (
            s.url.pathname === '/api/genai-insights/gpu/usage' &&
            Date.parse(p.get('to')!) - Date.parse(p.get('from')!) === 86_400_000
          );
        }),
      ).toBe(true),
    );
  });

  it('shows a 403 from the backend as the refusal, with no numbers', async () => {
    const refuse = () =>
      backendError(
        403,
        'NotAllowedError',
        'Not allowed: genai-insights.gpu.read for group:default/genai-apps',
      );
    serveBackend(server, {
      'GET /gpu/fleet': refuse,
      'GET /gpu/idle': refuse,
      'GET /gpu/usage': refuse,
      'GET /gpu/breakdown': refuse,
    });
    await renderPage('/?team=genai-apps');
    expect(
      await screen.findByText("You can't see genai-apps's GPU utilization"),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Not allowed: genai-insights.gpu.read for group:default/genai-apps',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(MONEY)).not.toBeInTheDocument();
    expect(screen.queryByTestId('gpu-cell')).toBeNull();
  });

  it("refuses a team outside the caller's scope without asking for its numbers", async () => {
    const seen = serveBackend(server);
    await renderPage('/?team=finance');
    expect(
      await screen.findByText("You can't see finance's GPU utilization"),
    ).toBeInTheDocument();
    expect(seen.map(s => s.url.pathname)).toEqual([
      '/api/genai-insights/scope',
    ]);
  });

  it('shows a 400 where it happened, naming the field', async () => {
    serveBackend(server, {
      'GET /gpu/usage': () =>
        backendError(
          400,
          'InputError',
          'Invalid query: to: must be at most 31 days after from',
        ),
    });
    await renderPage();
    expect(
      await screen.findByText(
        'Invalid query: to: must be at most 31 days after from',
      ),
    ).toBeInTheDocument();
    // The rest of the page is still there.
    expect(await screen.findAllByTestId('gpu-cell')).toHaveLength(24);
  });
});
