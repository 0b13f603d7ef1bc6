import { readFileSync } from 'node:fs';
import { guestHeaders, INSIGHTS, PLAYGROUND, SHOTS } from './support/portal';
import { test, expect } from '@playwright/test';

/*
 * The team lead's cost page end to end: the guest of the embedded default leads ml-research
 * (catalog/org.yaml). An environment of the team starts costing at once; within a minute the
 * insights plugin has collected it from the playground's feed, and the lead sees it on the cost
 * page's chart and top list, sets the team's monthly budget, and downloads the ledger as CSV.
 * The costs of a team the guest is not in (genai-apps) are refused, in the page and in the API.
 */

const ENV_NAME = `e2e-cost-${Date.now().toString(36)}`;
const ENV_ID = `ml-research-${ENV_NAME}`;
const TEAM = 'group:default/ml-research';

test('a lead sees the team cost, sets a budget and downloads the CSV; another team stays hidden', async ({
  page,
  request,
}) => {
  const headers = await guestHeaders(request);
  const created = await request.post(`${PLAYGROUND}/environments`, {
    headers,
    data: {
      name: ENV_NAME,
      team: TEAM,
      gpuPool: 'mi300x',
      gpus: 2,
      cpu: 8,
      memoryGi: 32,
      storageGi: 0,
      ttlHours: 2,
      costCenter: 'CC-2100',
      dataClassification: 'internal',
      securityLevel: 'medium',
      description: 'e2e: cost',
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const from = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

  try {
    // Within a minute the ledger holds the environment (the collector runs every 30 s).
    await expect
      .poll(
        async () => {
          const res = await request.get(
            `${INSIGHTS}/cost/top?by=environment&from=${from}&to=${to}&teams=${TEAM}&limit=50`,
            { headers },
          );
          const body = await res.json();
          return (body.items ?? []).some(
            (i: { key: string; costMicros: number }) =>
              i.key === ENV_ID && i.costMicros > 0,
          );
        },
        { timeout: 60_000, intervals: [2_000] },
      )
      .toBe(true);

    await page.goto('/genai-insights/cost?team=ml-research');
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(page.getByRole('heading', { name: 'Cost' })).toBeVisible();
    await expect(
      page.getByRole('region', { name: 'Cost over time' }),
    ).toBeVisible();
    await expect(page.getByTestId('cost-total')).toContainText('$');
    await expect(
      page.getByRole('table', { name: 'Top environments' }),
    ).toContainText(ENV_ID);

    // The lead sets the team's monthly budget.
    const row = page.getByTestId(`budget-team|${TEAM}`);
    await row.getByRole('button', { name: 'Set budget' }).click();
    const dialog = page.getByRole('dialog');
    // A negative budget is refused in the form, saying why.
    await dialog.getByLabel(/^Monthly budget/).fill('-5');
    await expect(dialog.getByText(/must be a positive amount/)).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Save' })).toBeDisabled();
    await dialog.getByLabel(/^Monthly budget/).fill('1234');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toContainText('1,234');
    const budgets = await request.get(`${INSIGHTS}/budgets?teams=${TEAM}`, {
      headers,
    });
    expect(
      (await budgets.json()).items.find(
        (b: { scope: string; subject: string }) =>
          b.scope === 'team' && b.subject === TEAM,
      )?.budgetMicros,
    ).toBe(1_234_000_000);
    await page.screenshot({ path: `${SHOTS}/cost-page.png`, fullPage: true });

    // The ledger as CSV, with the environment's rows.
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV' }).click();
    const download = await downloading;
    const csv = readFileSync((await download.path())!, 'utf8');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(header).toMatch(/environment/i);
    expect(lines.some(line => line.includes(ENV_ID))).toBe(true);

    // Another team's costs: refused on the page, with no numbers, and by the API.
    await page.goto('/genai-insights/cost?team=genai-apps');
    await expect(page.getByTestId('cost-refusal')).toContainText(
      "You can't see",
    );
    await expect(page.getByTestId('cost-total')).toHaveCount(0);
    const refused = await request.get(
      `${INSIGHTS}/cost?from=${from}&to=${to}&teams=group:default/genai-apps`,
      { headers },
    );
    expect(refused.status()).toBe(403);
  } finally {
    await request.put(`${INSIGHTS}/budgets`, {
      headers,
      data: { scope: 'team', subject: TEAM, monthlyAmount: null },
    });
    await request.delete(`${PLAYGROUND}/environments/${ENV_ID}`, { headers });
  }
});
