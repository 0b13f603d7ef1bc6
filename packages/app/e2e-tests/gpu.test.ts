import { test, expect } from '@playwright/test';
import { guestHeaders, INSIGHTS, PLAYGROUND, SHOTS } from './support/portal';

/*
 * GPU utilization end to end on the embedded default: the guest (a member and lead of
 * ml-research) creates an MI355X environment and deploys a model server into it, and sends it
 * nothing. kube-sim's exporter reports its GPU near 0%; the dev Prometheus that start.sh runs
 * scrapes it every 5 s; after the dev idle window (a minute, app-config.yaml) the idle scan
 * flags it. The GPU page shows the fleet heatmap with the server's GPU held and idle, and the
 * idle list with its owner; genai-apps' GPU utilization is refused to the guest.
 */

const ENV_NAME = `e2e-gpu-${Date.now().toString(36)}`;
const ENV_ID = `ml-research-${ENV_NAME}`;
const TEAM = 'group:default/ml-research';
const SERVER = 'idle-llm';

test('the GPU page shows the fleet heatmap and an idle model server with its owner', async ({
  page,
  request,
}) => {
  test.setTimeout(360_000);
  const headers = await guestHeaders(request);
  const created = await request.post(`${PLAYGROUND}/environments`, {
    headers,
    data: {
      name: ENV_NAME,
      team: TEAM,
      gpuPool: 'mi355x',
      gpus: 1,
      cpu: 8,
      memoryGi: 64,
      storageGi: 0,
      ttlHours: 2,
      costCenter: 'CC-2100',
      dataClassification: 'internal',
      securityLevel: 'medium',
      description: 'e2e: an idle model server',
    },
  });
  expect(created.status(), await created.text()).toBe(201);

  try {
    // The environment becomes ready, then takes the model server.
    await expect
      .poll(
        async () => {
          const res = await request.post(
            `${PLAYGROUND}/environments/${ENV_ID}/inference-services`,
            {
              headers,
              data: {
                name: SERVER,
                model: 'meta-llama/Llama-3.1-8B-Instruct',
                gpusPerReplica: 1,
              },
            },
          );
          return res.status();
        },
        { timeout: 60_000, intervals: [2_000] },
      )
      .toBe(201);

    // Idle after the dev window (a minute) and the next scan (every 20 s).
    await expect
      .poll(
        async () => {
          const res = await request.get(`${INSIGHTS}/gpu/idle?teams=${TEAM}`, {
            headers,
          });
          const body = await res.json();
          return (body.episodes ?? []).some(
            (e: { namespace: string; owner?: string }) =>
              e.namespace === ENV_ID && e.owner === 'user:default/guest',
          );
        },
        { timeout: 240_000, intervals: [5_000] },
      )
      .toBe(true);

    await page.goto('/genai-insights/gpu?team=ml-research');
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(
      page.getByRole('heading', { name: 'GPU utilization' }),
    ).toBeVisible();
    const heatmap = page.getByRole('region', { name: 'GPU fleet heatmap' });
    await expect(heatmap).toBeVisible();
    // The default fleet: 2 MI355X and 2 MI300X nodes of 8 GPUs.
    await expect(heatmap.getByTestId('gpu-cell')).toHaveCount(32);
    await expect(
      heatmap.locator('[data-testid="gpu-cell"][data-state="idle"]').first(),
    ).toBeVisible();
    const idle = page.getByRole('table', { name: 'Idle GPUs' });
    await expect(idle).toContainText(ENV_ID);
    await expect(idle).toContainText('guest');
    await expect(page.getByTestId('gpu-prometheus-down')).toHaveCount(0);
    await page.screenshot({ path: `${SHOTS}/gpu-page.png`, fullPage: true });

    // Another team's GPU utilization: refused by the API.
    const refused = await request.get(
      `${INSIGHTS}/gpu/idle?teams=group:default/genai-apps`,
      { headers },
    );
    expect(refused.status()).toBe(403);
  } finally {
    await request.delete(`${PLAYGROUND}/environments/${ENV_ID}`, { headers });
  }
});
