import { test, expect } from '@playwright/test';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  guestHeaders,
  INSIGHTS,
  kubeSimConfig,
  PLAYGROUND,
  SHOTS,
} from './support/portal';

/*
 * Compliance end to end on the embedded default: the guest (a member and lead of ml-research)
 * has an environment the portal created, compliant. Someone with access to the namespace runs a
 * pod straight through the Kubernetes API with an image tagged `:latest`: the environment now
 * fails `image-registry-and-tag`. The lead opens the compliance page, drills into the
 * environment, sees the failing pod and the field path, waives the check for a month with a
 * justification, and sees the environment's score go up and the check shown as waived.
 */

const ENV_NAME = `e2e-comp-${Date.now().toString(36)}`;
const ENV_ID = `ml-research-${ENV_NAME}`;
const TEAM = 'group:default/ml-research';
const CHECK = 'image-registry-and-tag';

const kubeCore = () => kubeSimConfig().makeApiClient(CoreV1Api);

/** A pod that meets every policy but pulls `:latest`, as someone would run it by hand. */
function latestPod() {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'debug-shell',
      namespace: ENV_ID,
      labels: {
        'security-level': 'medium',
        'data-classification': 'internal',
        'genai-playground.io/team': 'ml-research',
      },
    },
    spec: {
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'shell',
          image: 'quay.io/genai/debug-shell:latest',
          resources: {
            requests: { cpu: '100m', memory: '128Mi' },
            limits: { cpu: '200m', memory: '256Mi' },
          },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
      ],
    },
  };
}

test('a lead drills into a failing environment, waives the check with an expiry and sees the score change', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const headers = await guestHeaders(request);
  const created = await request.post(`${PLAYGROUND}/environments`, {
    headers,
    data: {
      name: ENV_NAME,
      team: TEAM,
      gpuPool: 'mi300x',
      gpus: 1,
      cpu: 8,
      memoryGi: 32,
      storageGi: 0,
      ttlHours: 2,
      costCenter: 'CC-2100',
      dataClassification: 'internal',
      securityLevel: 'medium',
      description: 'e2e: compliance',
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const waivers: string[] = [];

  try {
    const core = kubeCore();
    await expect
      .poll(
        async () =>
          core
            .readNamespace({ name: ENV_ID })
            .then(() => true)
            .catch(() => false),
        { timeout: 30_000 },
      )
      .toBe(true);
    await core.createNamespacedPod({ namespace: ENV_ID, body: latestPod() });

    // Within the evaluation's cache (10 s on the embedded default) the check fails.
    const environment = async () => {
      const res = await request.get(
        `${INSIGHTS}/compliance/environments/${ENV_ID}`,
        { headers },
      );
      return res.ok() ? res.json() : undefined;
    };
    await expect
      .poll(
        async () =>
          (
            await environment()
          )?.checks?.find((c: { checkId: string }) => c.checkId === CHECK)
            ?.status,
        { timeout: 60_000, intervals: [2_000] },
      )
      .toBe('fail');
    const before = (await environment()).score.percent as number;
    expect(before).toBeLessThan(100);

    await page.goto(`/genai-insights/compliance?team=ml-research`);
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(
      page.getByRole('heading', { name: 'Compliance', exact: true }),
    ).toBeVisible();
    const matrix = page.getByRole('table', { name: 'Environments by check' });
    await expect(matrix).toBeVisible();
    await page.screenshot({
      path: `${SHOTS}/compliance-page.png`,
      fullPage: true,
    });
    await matrix.getByRole('button', { name: ENV_ID }).click();

    const dialog = page.getByRole('dialog', { name: ENV_ID });
    await expect(dialog).toBeVisible();
    const check = dialog.getByRole('region', { name: /Images from allowed/ });
    await expect(check).toContainText('debug-shell');
    await expect(check).toContainText('spec.containers[0].image');
    await page.screenshot({ path: `${SHOTS}/compliance-drill-down.png` });

    await check.getByRole('button', { name: 'Waive' }).click();
    await dialog
      .getByLabel('Justification')
      .fill('A debugging shell for the incident this week; removed by Friday.');
    const expiry = new Date(Date.now() + 30 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    await dialog.getByLabel('Expires on').fill(expiry);
    await dialog.getByRole('button', { name: 'Waive check' }).click();
    await expect(check).toContainText(/waived/i);
    await expect(check).toContainText('removed by Friday');

    // The score counts the waived check as passed, at once (waivers are read at every answer).
    const after = await environment();
    expect(after.score.percent).toBeGreaterThan(before);
    expect(
      after.checks.find((c: { checkId: string }) => c.checkId === CHECK),
    ).toMatchObject({
      status: 'waived',
      waiver: { expiresAt: expect.any(String) },
    });
    waivers.push(
      after.checks.find((c: { checkId: string }) => c.checkId === CHECK).waiver
        .id,
    );
    await page.screenshot({ path: `${SHOTS}/compliance-waived.png` });

    await page.keyboard.press('Escape');
    await expect(page.getByRole('table', { name: 'Waivers' })).toContainText(
      ENV_ID,
    );
  } finally {
    for (const id of waivers) {
      await request.delete(`${INSIGHTS}/compliance/waivers/${id}`, { headers });
    }
    await request.delete(`${PLAYGROUND}/environments/${ENV_ID}`, { headers });
  }
});
