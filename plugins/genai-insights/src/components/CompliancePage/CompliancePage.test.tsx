import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import {
  complianceRouteRef,
  costRouteRef,
  genaiInsightsApiRef,
} from '@genai-portal/plugin-genai-insights-react';
import {
  APPS,
  backendError,
  makeClient,
  ML,
  serveBackend,
  TOKEN,
} from '../../__testUtils__/fixtures';
import {
  CHAT,
  emptyHistory,
  environmentCompliance,
  LLAMA,
  mistralWaiver,
  MISTRAL,
  platformHistory,
  scorecards,
  serveCompliance,
  WAIVER_ID,
} from '../../__testUtils__/compliance';
import { CompliancePageContent } from './CompliancePage';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Leads of ml-research may waive its checks; nobody may waive genai-apps'. */
// AuthorizeResult's values, without depending on permission-common for its enum.
const permissions = new MockPermissionApi(request =>
  'resourceRef' in request && request.resourceRef === ML
    ? ('ALLOW' as any)
    : ('DENY' as any),
);

function renderPage(url = '/') {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [genaiInsightsApiRef, makeClient()],
        [permissionApiRef, permissions],
      ]}
    >
      <CompliancePageContent />
    </TestApiProvider>,
    {
      routeEntries: [url],
      mountedRoutes: {
        '/genai-insights/cost': costRouteRef,
        '/genai-insights/compliance': complianceRouteRef,
      },
    },
  );
}

const matrix = () =>
  screen.findByRole('table', { name: 'Environments by check' });

async function openEnvironment(name: string) {
  await userEvent.click(within(await matrix()).getByRole('button', { name }));
  return screen.findByRole('dialog', { name });
}

describe('CompliancePageContent', () => {
  it('shows the score, the levels, the teams and the environments by check', async () => {
    serveBackend(server);
    const seen = serveCompliance(server);
    await renderPage();

    expect(await screen.findByLabelText('Teams score')).toHaveTextContent(
      '68.5%',
    );
    expect(screen.queryByLabelText('Platform score')).toBeNull();
    expect(screen.getByTestId('compliance-counts')).toHaveTextContent(
      '9 passed, 3 failed, 1 waived, 1 could not run, 1 not applicable',
    );
    expect(
      within(screen.getAllByRole('list', { name: 'Environments by level' })[0])
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual(['Gold: 1', 'Silver: 0', 'Bronze: 1', 'No level: 1']);

    // The levels, explained.
    const levels = screen.getByRole('list', { name: 'Levels' });
    expect(levels).toHaveTextContent('Bronze: Required labels, GPU quota.');
    expect(levels).toHaveTextContent(
      'Silver: Bronze, and Pod security: restricted, Network: default deny.',
    );
    expect(levels).toHaveTextContent('Gold: every check passes');

    // Per team: score, environments, levels.
    const teams = screen.getByRole('table', { name: 'Team scores' });
    expect(
      within(teams).getByTestId(`compliance-team-${ML}`),
    ).toHaveTextContent('ml-research80.3%21010');
    expect(
      within(teams).getByTestId(`compliance-team-${APPS}`),
    ).toHaveTextContent('genai-apps34.7%10001');

    // The matrix: a row per environment, a labelled cell per check.
    const table = await matrix();
    const cell = (environment: string, name: string) =>
      within(
        within(table).getByTestId(`compliance-row-${environment}`),
      ).findByRole('button', { name });
    expect(
      await cell(LLAMA, 'Pod security: restricted: Fail, 5 failing'),
    ).toHaveTextContent('✗');
    expect(
      await cell(MISTRAL, 'Images pinned: Waived, 1 failing'),
    ).toHaveTextContent('W');
    expect(await cell(CHAT, 'GPU quota: Error')).toHaveTextContent('!');
    expect(
      await cell(CHAT, 'Pod security: restricted: Not applicable'),
    ).toHaveTextContent('–');
    expect(await cell(CHAT, 'Network: default deny: Pass')).toHaveTextContent(
      '✓',
    );
    // One button per row names the environment: the cells leave it to the row's header.
    expect(
      within(table).getAllByRole('button', { name: new RegExp(LLAMA) }),
    ).toHaveLength(1);
    expect(screen.getByTestId(`compliance-row-${LLAMA}`)).toHaveTextContent(
      `${LLAMA}ml-research60.6%Bronze`,
    );
    // The severity is in the check's tooltip.
    fireEvent.mouseOver(
      within(table).getByTestId('compliance-check-pod-security-restricted'),
    );
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Severity: Critical',
    );

    // Every read carried the user's token; no team asked for: none sent.
    const scorecardsRead = seen.filter(s =>
      s.url.pathname.endsWith('/compliance/scorecards'),
    );
    expect(scorecardsRead).toHaveLength(1);
    expect(scorecardsRead[0].url.search).toBe('');
    expect(seen.every(s => s.auth === `Bearer ${TOKEN}`)).toBe(true);
    // The matrix is drawn from the scorecards alone: no environment's checks were read.
    const environmentReads = () =>
      seen
        .filter(s => s.url.pathname.includes('/compliance/environments/'))
        .map(s => s.url.pathname.split('/').pop());
    expect(environmentReads()).toEqual([]);

    // Opening an environment reads its checks, and only its.
    const dialog = await openEnvironment(LLAMA);
    await within(dialog).findByRole('region', {
      name: 'Pod security: restricted',
    });
    expect(environmentReads()).toEqual([LLAMA]);
  });

  it("says Platform score for those who read every team, and shows the platform's trend", async () => {
    serveBackend(server);
    serveCompliance(server, {
      'GET /compliance/scorecards': scorecards({ scope: 'platform' }) as any,
      'GET /compliance/history': platformHistory as any,
    });
    await renderPage();
    expect(await screen.findByLabelText('Platform score')).toHaveTextContent(
      '68.5%',
    );
    expect(
      await screen.findByRole('region', {
        name: 'Compliance score over time',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('list', { name: 'Latest daily scores' }),
    ).toHaveTextContent('Platform: 68.5%');
  });

  it("asks for the teams in ?team=, and shows each team's trend", async () => {
    serveBackend(server);
    const seen = serveCompliance(server);
    await renderPage('/?team=ml-research');
    await screen.findByLabelText('Teams score');
    expect(
      await screen.findByRole('list', { name: 'Latest daily scores' }),
    ).toHaveTextContent('genai-apps: 34.8%ml-research: 80.3%');
    const reads = seen.filter(s => s.method === 'GET');
    for (const path of ['scorecards', 'history', 'waivers']) {
      const read = reads.find(s =>
        s.url.pathname.endsWith(`/compliance/${path}`),
      )!;
      expect(read.url.searchParams.get('teams')).toBe(ML);
    }
    const history = reads.find(s => s.url.pathname.endsWith('/history'))!;
    expect(history.url.searchParams.get('from')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(
      screen.getByRole('link', { name: /What these teams spend/ }),
    ).toHaveAttribute('href', '/genai-insights/cost?team=ml-research');
  });

  it("opens an environment's checks: failing objects, what to do, and the waiver it counts under", async () => {
    serveBackend(server);
    serveCompliance(server);
    await renderPage();

    let dialog = await openEnvironment(LLAMA);
    const pod = await within(dialog).findByRole('region', {
      name: 'Pod security: restricted',
    });
    expect(pod).toHaveTextContent('Fail');
    expect(pod).toHaveTextContent('Severity: Critical');
    const objects = within(pod).getByRole('list', {
      name: 'Failing objects of Pod security: restricted',
    });
    expect(
      within(objects)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      'Pod/llama-infer-0 spec.containers[0].securityContext.runAsNonRoot is missing',
      'Pod/llama-infer-1 spec.containers[0].securityContext.runAsNonRoot is false',
    ]);
    expect(pod).toHaveTextContent('and 3 more');
    expect(pod).toHaveTextContent(
      'To fix: Run as non-root and drop every capability.',
    );
    // Failing checks first, the most severe first.
    expect(
      within(dialog)
        .getAllByRole('heading', { level: 3 })
        .map(h => h.textContent),
    ).toEqual([
      'Pod security: restricted',
      'Images pinned',
      'GPU quota',
      'Network: default deny',
      'Required labels',
    ]);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    // A cell opens its environment too; a waived check stays listed, with who, why and until when.
    await userEvent.click(
      within(
        within(await matrix()).getByTestId(`compliance-row-${MISTRAL}`),
      ).getByRole('button', { name: 'Images pinned: Waived, 1 failing' }),
    );
    dialog = await screen.findByRole('dialog', { name: MISTRAL });
    const images = within(dialog).getByRole('region', {
      name: 'Images pinned',
    });
    expect(images).toHaveTextContent('Waived');
    expect(images).toHaveTextContent(
      'Waived by marco.rossi until Jan 15, 2027: “The vendor image has no version tag until its next release”',
    );
    expect(images).toHaveTextContent('Deployment/llama-ui');
    expect(within(images).queryByRole('button', { name: 'Waive' })).toBeNull();
  });

  it('offers Waive only on failing checks of teams the user may waive for', async () => {
    serveBackend(server);
    serveCompliance(server);
    await renderPage();
    let dialog = await openEnvironment(LLAMA);
    await within(dialog).findByRole('region', {
      name: 'Pod security: restricted',
    });
    await waitFor(() =>
      expect(
        within(dialog).getAllByRole('button', { name: 'Waive' }),
      ).toHaveLength(2),
    );
    expect(
      within(
        within(dialog).getByRole('region', { name: 'GPU quota' }),
      ).queryByRole('button', { name: 'Waive' }),
    ).toBeNull();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    // genai-apps: failing, but this user may not waive its checks.
    dialog = await openEnvironment(CHAT);
    const labels = await within(dialog).findByRole('region', {
      name: 'Required labels',
    });
    expect(labels).toHaveTextContent('Fail');
    expect(labels).toHaveTextContent('Namespace/genai-apps-chat');
    expect(within(dialog).queryByRole('button', { name: 'Waive' })).toBeNull();
    expect(
      within(dialog).getByRole('region', { name: 'GPU quota' }),
    ).toHaveTextContent('Could not run: ResourceQuotas could not be listed');
  });

  it('waives a failing check: the form checks its fields, the score changes', async () => {
    serveBackend(server);
    let waived = false;
    const seen = serveCompliance(server, {
      'GET /compliance/scorecards': () =>
        scorecards({ llamaWaived: waived }) as any,
      'GET /compliance/environments': url =>
        environmentCompliance(url.pathname.split('/').pop()!, {
          llamaWaived: waived,
        }) as any,
    });
    server.events.on('request:end', ({ request }) => {
      if (request.method === 'POST') waived = true;
    });
    await renderPage();
    expect(await screen.findByLabelText('Teams score')).toHaveTextContent(
      '68.5%',
    );

    const dialog = await openEnvironment(LLAMA);
    const pod = await within(dialog).findByRole('region', {
      name: 'Pod security: restricted',
    });
    await userEvent.click(
      await within(pod).findByRole('button', { name: 'Waive' }),
    );
    const form = within(pod).getByRole('form', {
      name: 'Waive Pod security: restricted',
    });
    const expires = within(form).getByLabelText(/Expires on/);
    // 30 days on by default, at most a year on.
    const in30 = new Date(Date.now() + 30 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    expect(expires).toHaveValue(in30);
    expect(expires).toHaveAttribute('max');

    // Too short: said in the form, nothing sent.
    await userEvent.type(
      within(form).getByLabelText(/Justification/),
      'Because',
    );
    await userEvent.click(
      within(form).getByRole('button', { name: 'Waive check' }),
    );
    expect(form).toHaveTextContent('Say why in at least 10 characters');
    fireEvent.change(expires, { target: { value: '2099-01-01' } });
    await userEvent.click(
      within(form).getByRole('button', { name: 'Waive check' }),
    );
    expect(form).toHaveTextContent('A waiver lasts at most 366 days');
    expect(seen.filter(s => s.method === 'POST')).toHaveLength(0);

    fireEvent.change(expires, { target: { value: in30 } });
    await userEvent.type(
      within(form).getByLabelText(/Justification/),
      ' root is needed until the driver update',
    );
    await userEvent.click(
      within(form).getByRole('button', { name: 'Waive check' }),
    );

    // The score is read again and changes; the check shows as waived.
    await waitFor(() =>
      expect(screen.getByLabelText('Teams score')).toHaveTextContent('79.7%'),
    );
    const post = seen.find(s => s.method === 'POST')!;
    expect(post.body).toEqual({
      checkId: 'pod-security-restricted',
      environment: LLAMA,
      justification: 'Because root is needed until the driver update',
      expiresAt: `${in30}T00:00:00.000Z`,
    });
    expect(post.auth).toBe(`Bearer ${TOKEN}`);
    const after = await within(
      screen.getByRole('dialog', { name: LLAMA }),
    ).findByTestId('compliance-waiver-pod-security-restricted');
    expect(after).toHaveTextContent('Waived by lead until Jan 4, 2027');
    expect(
      within(screen.getByRole('dialog', { name: LLAMA })).queryByRole('form'),
    ).toBeNull();
    // The matrix's cell too, from the scorecards read again.
    expect(
      within(
        within(
          screen.getByRole('table', {
            name: 'Environments by check',
            hidden: true,
          }),
        ).getByTestId(`compliance-row-${LLAMA}`),
      ).getByRole('button', {
        name: 'Pod security: restricted: Waived, 5 failing',
        hidden: true,
      }),
    ).toHaveTextContent('W');
    server.events.removeAllListeners();
  });

  it.each([
    [
      409,
      'ConflictError',
      'An active waiver already covers pod-security-restricted in ml-research-llama',
    ],
    [400, 'InputError', 'expiresAt: must be at most 366 days from now'],
  ])(
    "shows the backend's %s refusal in the form",
    async (status, name, message) => {
      serveBackend(server);
      serveCompliance(server, {
        'POST /compliance/waivers': () => backendError(status, name, message),
      });
      await renderPage();
      const dialog = await openEnvironment(LLAMA);
      const pod = await within(dialog).findByRole('region', {
        name: 'Pod security: restricted',
      });
      await userEvent.click(
        await within(pod).findByRole('button', { name: 'Waive' }),
      );
      await userEvent.type(
        within(pod).getByLabelText(/Justification/),
        'Root is needed until the driver update',
      );
      await userEvent.click(
        within(pod).getByRole('button', { name: 'Waive check' }),
      );
      expect(await within(pod).findByRole('alert')).toHaveTextContent(message);
      // The form stays, with what was typed.
      expect(within(pod).getByLabelText(/Justification/)).toHaveValue(
        'Root is needed until the driver update',
      );
      expect(screen.getByLabelText('Teams score')).toHaveTextContent('68.5%');
    },
  );

  it('lists the active waivers, filters by state, and revokes after asking', async () => {
    serveBackend(server);
    let revoked = false;
    const seen = serveCompliance(server, {
      'GET /compliance/waivers': url => {
        const state = url.searchParams.get('state');
        if (state === 'revoked' || state === 'all' || !revoked) {
          return {
            items:
              state === 'revoked' && !revoked
                ? []
                : [
                    revoked
                      ? {
                          ...mistralWaiver,
                          state: 'revoked',
                          revokedBy: 'user:default/lead',
                          revokedAt: '2026-12-05T11:00:00.000Z',
                        }
                      : mistralWaiver,
                  ],
          } as any;
        }
        return { items: [] };
      },
      'DELETE /compliance/waivers': () => {
        revoked = true;
        return new Response(null, { status: 204 });
      },
    });
    await renderPage();

    const table = await screen.findByRole('table', { name: 'Waivers' });
    const row = within(table).getByTestId(`compliance-waiver-row-${WAIVER_ID}`);
    expect(row).toHaveTextContent('Images pinned');
    expect(row).toHaveTextContent(MISTRAL);
    expect(row).toHaveTextContent('ml-research');
    expect(row).toHaveTextContent(mistralWaiver.justification);
    expect(row).toHaveTextContent('Jan 15, 2027');
    expect(row).toHaveTextContent('marco.rossi, Dec 1, 2026');
    expect(row).toHaveTextContent('Active');
    const first = seen.find(s => s.url.pathname.endsWith('/waivers'))!;
    expect(first.url.searchParams.get('state')).toBe('active');

    // Asks first; Cancel leaves it.
    await userEvent.click(
      await within(row).findByRole('button', { name: 'Revoke' }),
    );
    let confirm = await screen.findByRole('dialog', {
      name: 'Revoke this waiver?',
    });
    expect(confirm).toHaveTextContent(
      `Images pinned in ${MISTRAL} counts as failing again at once.`,
    );
    await userEvent.click(
      within(confirm).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('dialog', { name: 'Revoke this waiver?' }),
      ).toBeNull(),
    );
    expect(seen.filter(s => s.method === 'DELETE')).toHaveLength(0);

    await userEvent.click(within(row).getByRole('button', { name: 'Revoke' }));
    confirm = await screen.findByRole('dialog', {
      name: 'Revoke this waiver?',
    });
    await userEvent.click(
      within(confirm).getByRole('button', { name: 'Revoke waiver' }),
    );
    expect(
      await screen.findByTestId('compliance-waivers-empty'),
    ).toHaveTextContent('No active waiver.');
    const del = seen.find(s => s.method === 'DELETE')!;
    expect(del.url.pathname).toBe(
      `/api/genai-insights/compliance/waivers/${WAIVER_ID}`,
    );

    // The state filter: revoked ones, with who revoked them, and no Revoke.
    await userEvent.click(screen.getByRole('button', { name: /State/ }));
    await userEvent.click(screen.getByRole('option', { name: 'Revoked' }));
    const revokedRow = await within(
      await screen.findByRole('table', { name: 'Waivers' }),
    ).findByTestId(`compliance-waiver-row-${WAIVER_ID}`);
    expect(revokedRow).toHaveTextContent('Revoked by lead on Dec 5, 2026');
    expect(
      within(revokedRow).queryByRole('button', { name: 'Revoke' }),
    ).toBeNull();
    expect(
      seen
        .filter(s => s.url.pathname.endsWith('/waivers') && s.method === 'GET')
        .map(s => s.url.searchParams.get('state')),
    ).toContain('revoked');
  });

  it('shows a failing revoke in the confirmation', async () => {
    serveBackend(server);
    serveCompliance(server, {
      'DELETE /compliance/waivers': () =>
        backendError(404, 'NotFoundError', `No waiver '${WAIVER_ID}'`),
    });
    await renderPage();
    const table = await screen.findByRole('table', { name: 'Waivers' });
    await userEvent.click(
      await within(table).findByRole('button', { name: 'Revoke' }),
    );
    const confirm = await screen.findByRole('dialog', {
      name: 'Revoke this waiver?',
    });
    await userEvent.click(
      within(confirm).getByRole('button', { name: 'Revoke waiver' }),
    );
    expect(
      await within(confirm).findByText(`No waiver '${WAIVER_ID}'`),
    ).toBeInTheDocument();
  });

  it('says when nothing is evaluated, there is no history yet and no waiver', async () => {
    serveBackend(server);
    serveCompliance(server, {
      'GET /compliance/scorecards': {
        ...scorecards(),
        platform: { ...scorecards().platform, percent: null },
        environments: [],
        teams: [],
      } as any,
      'GET /compliance/history': emptyHistory as any,
      'GET /compliance/waivers': { items: [] },
    });
    await renderPage();
    expect(await screen.findByLabelText('Teams score')).toHaveTextContent('—');
    expect(
      await screen.findByTestId('compliance-no-environments'),
    ).toHaveTextContent(
      'No environment has been evaluated for these teams yet',
    );
    expect(
      await screen.findByTestId('compliance-trend-empty'),
    ).toHaveTextContent(
      'No history yet: history starts after the first daily snapshot',
    );
    expect(
      await screen.findByTestId('compliance-waivers-empty'),
    ).toHaveTextContent('No active waiver.');
    expect(screen.queryByRole('table', { name: 'Waivers' })).toBeNull();
  });

  it('says the user does not read compliance for these teams on a 403', async () => {
    serveBackend(server);
    serveCompliance(server, {
      'GET /compliance/scorecards': () =>
        backendError(
          403,
          'NotAllowedError',
          'Not allowed: genai-insights.compliance.read on group:default/finance',
        ),
    });
    await renderPage('/?team=finance');
    const refusal = await screen.findByTestId('compliance-refusal');
    expect(refusal).toHaveTextContent(
      'You do not read compliance for these teams',
    );
    expect(refusal).toHaveTextContent(
      'Not allowed: genai-insights.compliance.read on group:default/finance',
    );
    expect(
      screen.queryByRole('table', { name: 'Environments by check' }),
    ).toBeNull();
    expect(screen.queryByLabelText('Teams score')).toBeNull();
  });

  it("says when the backend is down, and when one environment's checks cannot be read", async () => {
    serveBackend(server);
    serveCompliance(server, {
      'GET /compliance/scorecards': () =>
        backendError(
          503,
          'ServiceUnavailableError',
          'The cluster is not reachable',
        ),
    });
    await renderPage();
    expect(await screen.findByTestId('compliance-error')).toHaveTextContent(
      'Could not read the compliance scorecardsThe compliance service did not answer: The cluster is not reachable',
    );

    server.resetHandlers();
    serveBackend(server);
    serveCompliance(server, {
      'GET /compliance/environments': url =>
        url.pathname.endsWith(CHAT)
          ? backendError(500, 'Error', 'boom')
          : (environmentCompliance(url.pathname.split('/').pop()!) as any),
    });
    await renderPage();
    // The matrix does not need it: every row is drawn from the scorecards.
    expect(
      within(
        within(await matrix()).getByTestId(`compliance-row-${CHAT}`),
      ).getByRole('button', { name: 'Required labels: Fail, 1 failing' }),
    ).toBeInTheDocument();
    expect(
      within(
        within(await matrix()).getByTestId(`compliance-row-${LLAMA}`),
      ).getByRole('button', {
        name: 'Pod security: restricted: Fail, 5 failing',
      }),
    ).toBeInTheDocument();
    // Its dialog says it.
    const dialog = await openEnvironment(CHAT);
    expect(
      await within(dialog).findByTestId('compliance-error'),
    ).toHaveTextContent(
      'Could not read its checksThe compliance service did not answer: boom',
    );
  });
});
