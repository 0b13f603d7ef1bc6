import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { genaiInsightsApiRef } from '@genai-portal/plugin-genai-insights-react';
import {
  APPS,
  backendError,
  comparison,
  costOverTime,
  makeClient,
  ML,
  scope,
  serveBackend,
  TOKEN,
} from '../../__testUtils__/fixtures';
import { CostPageContent } from './CostPage';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  jest.restoreAllMocks();
});
afterAll(() => server.close());

function renderPage(url = '/') {
  return renderInTestApp(
    <TestApiProvider apis={[[genaiInsightsApiRef, makeClient()]]}>
      <CostPageContent />
    </TestApiProvider>,
    { routeEntries: [url] },
  );
}

/** Any amount of money on the page. */
const MONEY = /\$\d/;

describe('CostPageContent', () => {
  it('shows the chart, the totals, the change, the idle GPUs, the top lists and the budgets', async () => {
    const seen = serveBackend(server);
    await renderPage('/?team=ml-research');

    const chart = await screen.findByRole('region', { name: 'Cost over time' });
    // The stack's totals, most expensive first.
    const legend = within(chart).getByRole('list', {
      name: 'Total by category',
    });
    expect(
      within(legend)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual(['gpu: $2,000.00', 'cpu: $34.50']);
    // One stacked series per key, drawn as bars.
    expect(chart.querySelectorAll('.recharts-bar')).toHaveLength(2);

    expect(await screen.findByTestId('cost-total')).toHaveTextContent(
      '$2,034.50',
    );
    expect(screen.getByTestId('cost-change')).toHaveTextContent(
      /^Up 12.5% from \$1,808.44 in the previous period \(\w+ \d+, \d+ to \w+ \d+, \d+\)$/,
    );
    expect(await screen.findByTestId('idle-headline')).toHaveTextContent(
      'Idle GPUs cost $750.00 this period',
    );

    const environments = await screen.findByRole('table', {
      name: 'Top environments',
    });
    expect(
      within(environments).getByRole('row', { name: /ml-research-llama/ }),
    ).toHaveTextContent('ml-research-llamaml-research$1,500.00');
    const models = screen.getByRole('table', { name: 'Top models' });
    expect(within(models).getByText('llama-3.3-70b')).toBeInTheDocument();

    const idle = await screen.findByRole('table', {
      name: 'Reserved, used and idle cost by category',
    });
    expect(within(idle).getByRole('row', { name: /GPUs/ })).toHaveTextContent(
      'GPUs$2,000.00$1,250.00$750.00',
    );

    const budgets = await screen.findByRole('table', { name: 'Budgets' });
    const team = within(budgets).getByTestId(`budget-team|${ML}`);
    expect(team).toHaveTextContent('$2,034.50');
    expect(team).toHaveTextContent('$5,000.00');
    expect(team).toHaveTextContent('$5,400.00$4,900.00 to $5,900.00');
    expect(within(team).getByText('Forecast over budget')).toBeInTheDocument();
    expect(
      within(budgets).getByTestId('budget-environment|ml-research-llama'),
    ).toHaveTextContent('50% spent');
    expect(
      await screen.findByRole('region', {
        name: 'Month to date against the budget of ml-research',
      }),
    ).toBeInTheDocument();

    // Every query was for the team in ?team=, with the user's token.
    const reads = seen.filter(
      s => s.url.pathname !== '/api/genai-insights/scope',
    );
    expect(reads.length).toBeGreaterThanOrEqual(7);
    for (const read of reads) {
      expect(read.url.searchParams.get('teams')).toBe(ML);
      expect(read.auth).toBe(`Bearer ${TOKEN}`);
    }
    const cost = seen.find(s => s.url.pathname === '/api/genai-insights/cost')!;
    expect(cost.url.searchParams.get('interval')).toBe('day');
    expect(cost.url.searchParams.get('stackBy')).toBe('category');
  });

  it('asks again when the stacking changes', async () => {
    const seen = serveBackend(server);
    await renderPage();
    await screen.findByRole('region', { name: 'Cost over time' });
    await userEvent.click(screen.getByRole('button', { name: /Stack by/ }));
    await userEvent.click(screen.getByRole('option', { name: 'GPU pool' }));
    await waitFor(() =>
      expect(
        seen.some(
          s =>
            s.url.pathname === '/api/genai-insights/cost' &&
            s.url.searchParams.get('stackBy') === 'pool',
        ),
      ).toBe(true),
    );
    // "All my teams": no teams parameter, the backend answers the caller's.
    expect(seen.every(s => !s.url.searchParams.has('teams'))).toBe(true);
  });

  it("refuses a team outside the caller's scope without asking for its numbers", async () => {
    const seen = serveBackend(server);
    await renderPage('/?team=finance');
    expect(
      await screen.findByText("You can't see finance's costs"),
    ).toBeInTheDocument();
    expect(screen.queryByText(MONEY)).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Cost over time' })).toBeNull();
    expect(seen.map(s => s.url.pathname)).toEqual([
      '/api/genai-insights/scope',
    ]);
  });

  it('shows a 403 from the backend as the refusal, with no numbers', async () => {
    const refuse = () =>
      backendError(
        403,
        'NotAllowedError',
        'Not allowed: genai-insights.cost.read for group:default/genai-apps',
      );
    serveBackend(server, {
      'GET /cost': refuse,
      'GET /cost/compare': refuse,
      'GET /cost/top': refuse,
      'GET /cost/idle': refuse,
      'GET /budgets': refuse,
    });
    await renderPage(`/?team=${APPS}`);
    const refusal = await screen.findByTestId('cost-refusal');
    expect(refusal).toHaveTextContent("You can't see genai-apps's costs");
    expect(refusal).toHaveTextContent(
      'Not allowed: genai-insights.cost.read for group:default/genai-apps',
    );
    expect(screen.queryByText(MONEY)).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Download CSV' })).toBeNull();
  });

  it("shows the backend's message when a part fails", async () => {
    serveBackend(server, {
      'GET /cost/idle': () =>
        backendError(400, 'InputError', 'to: must be after from'),
    });
    await renderPage();
    expect(
      await screen.findByText('to: must be after from'),
    ).toBeInTheDocument();
  });

  it('says what to do when there are no costs yet', async () => {
    serveBackend(server, {
      'GET /cost': { ...costOverTime, points: [] },
      'GET /cost/compare': {
        currency: 'USD',
        basis: 'reserved',
        current: { ...comparison.current, costMicros: 0 },
        previous: { ...comparison.previous, costMicros: 0 },
        changeMicros: 0,
        changeRatio: null,
      },
      'GET /budgets': { items: [] },
    });
    await renderPage();
    expect(await screen.findByTestId('cost-empty')).toHaveTextContent(
      /^No costs yet: create an environment/,
    );
  });

  it('says so when the caller is in no team', async () => {
    const seen = serveBackend(server, {
      'GET /scope': { ...scope, teams: [], manageableTeams: [] },
    });
    await renderPage();
    expect(await screen.findByTestId('cost-no-teams')).toHaveTextContent(
      "You're not in a team yet",
    );
    expect(seen).toHaveLength(1);
  });

  it('sets a budget: checks the amount, then PUTs it and reloads the budgets', async () => {
    const seen = serveBackend(server, {
      'GET /budgets': { items: [] },
    });
    await renderPage();
    const budgets = await screen.findByRole('table', { name: 'Budgets' });
    // Leads set their teams' budgets: ml-research, not genai-apps.
    expect(
      within(within(budgets).getByTestId(`budget-team|${APPS}`)).queryByRole(
        'button',
        { name: 'Set budget' },
      ),
    ).toBeNull();
    await userEvent.click(
      within(within(budgets).getByTestId(`budget-team|${ML}`)).getByRole(
        'button',
        { name: 'Set budget' },
      ),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Set budget for ml-research',
    });
    const amount = within(dialog).getByLabelText('Monthly budget (USD)');

    await userEvent.type(amount, '-5');
    expect(
      within(dialog).getByText(
        'The budget must be a positive amount (use Remove budget to drop it)',
      ),
    ).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Save' })).toBeDisabled();

    await userEvent.clear(amount);
    await userEvent.type(amount, '5k');
    expect(
      within(dialog).getByText(/^Enter a number, like 5000/),
    ).toBeInTheDocument();

    await userEvent.clear(amount);
    await userEvent.type(amount, '5000');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const puts = seen.filter(s => s.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual({
      scope: 'team',
      subject: ML,
      monthlyAmount: 5000,
    });
    expect(puts[0].auth).toBe(`Bearer ${TOKEN}`);
    await waitFor(() =>
      expect(
        seen.filter(s => s.url.pathname === '/api/genai-insights/budgets'),
      ).toHaveLength(3),
    );
  });

  it("shows the backend's refusal of a budget in the dialog", async () => {
    serveBackend(server, {
      'PUT /budgets': () =>
        backendError(
          403,
          'NotAllowedError',
          'Not allowed: genai-insights.budget.manage',
        ),
    });
    await renderPage(`/?team=ml-research`);
    const budgets = await screen.findByRole('table', { name: 'Budgets' });
    await userEvent.click(
      within(within(budgets).getByTestId(`budget-team|${ML}`)).getByRole(
        'button',
        { name: 'Set budget' },
      ),
    );
    const dialog = await screen.findByRole('dialog');
    // The current budget to start from.
    expect(within(dialog).getByLabelText('Monthly budget (USD)')).toHaveValue(
      '5000',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(
      await within(dialog).findByText(
        'Not allowed: genai-insights.budget.manage',
      ),
    ).toBeInTheDocument();
    // The budgets table behind the dialog is still the page's, with its numbers.
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('removes a budget with null', async () => {
    const seen = serveBackend(server);
    await renderPage(`/?team=ml-research`);
    const budgets = await screen.findByRole('table', { name: 'Budgets' });
    await userEvent.click(
      within(budgets).getByRole('button', { name: 'Remove budget' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Remove the budget of ml-research?',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Remove' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(seen.find(s => s.method === 'PUT')?.body).toEqual({
      scope: 'team',
      subject: ML,
      monthlyAmount: null,
    });
  });

  it.each([
    ['Download CSV', 'csv', 'genai-ledger-test.csv'],
    ['Download FOCUS', 'focus', 'genai-focus-test.csv'],
  ])(
    '%s fetches the export of the view with the token and saves it',
    async (button, format, filename) => {
      const seen = serveBackend(server);
      const createObjectURL = jest
        .spyOn(URL, 'createObjectURL')
        .mockReturnValue('blob:export');
      jest.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
      const clicked: Array<{ href: string; download: string }> = [];
      jest
        .spyOn(HTMLAnchorElement.prototype, 'click')
        .mockImplementation(function click(this: HTMLAnchorElement) {
          clicked.push({ href: this.href, download: this.download });
        });

      await renderPage('/?team=ml-research');
      await userEvent.click(
        await screen.findByRole('button', { name: button }),
      );

      await waitFor(() => expect(clicked).toHaveLength(1));
      expect(clicked[0]).toEqual({ href: 'blob:export', download: filename });
      const blob = createObjectURL.mock.calls[0][0] as Blob;
      expect(await blob.text()).toBe('hour,cost\n');
      const request = seen.find(
        s => s.url.pathname === `/api/genai-insights/export/${format}`,
      )!;
      expect(request.auth).toBe(`Bearer ${TOKEN}`);
      expect(request.url.searchParams.get('teams')).toBe(ML);
      expect(request.url.searchParams.get('from')).toMatch(
        /-01T00:00:00.000Z$/,
      );
    },
  );
});
