import {
  test,
  expect,
  type APIRequestContext,
  type Page,
} from '@playwright/test';
import { guestToken, PLAYGROUND, SHOTS } from './support/portal';

/*
 * Blueprint GPU jobs end to end, on kube-sim: a guest (a member of ml-research) has an environment
 * with quota for 8 GPUs, submits an 8-GPU job from the portal and sees it run and succeed; a second
 * 8-GPU job in the same environment is refused with a message that names the quota; a job that
 * kube-sim fails (OOMKilled) shows its failure reason. Jobs are kept short with kube-sim's
 * KUBE_SIM_RUN_SECONDS variable.
 */

const API = PLAYGROUND;
const IMAGE =
  'image-registry.openshift-image-registry.svc:5000/ml-research/llama-finetune:1.0';

/** An environment name of this run: e2e-<base36 time>, unique across runs. */
const ENV_NAME = `e2e-jobs-${Date.now().toString(36)}`;
const ENV_ID = `ml-research-${ENV_NAME}`;

/** Deletes the environments earlier runs of this test left (leases keep them for days). */
async function removeEnvironments(
  request: APIRequestContext,
  headers: Record<string, string>,
  keep?: string,
) {
  const res = await request.get(`${API}/environments?team=ml-research`, {
    headers,
  });
  const { items } = (await res.json()) as {
    items: Array<{ id: string; name: string; status: string }>;
  };
  for (const env of items) {
    if (
      env.name.startsWith('e2e-jobs-') &&
      env.id !== keep &&
      env.status === 'ready'
    ) {
      await request.delete(`${API}/environments/${env.id}`, { headers });
    }
  }
}

async function signIn(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: 'GPU Jobs' })).toBeVisible();
}

/** Fills and sends the submit form; returns the job page's URL, or stays on the form. */
async function submitJob(
  page: Page,
  job: { name: string; env: string[]; gpus: number },
) {
  await page.goto('/genai-playground/jobs/submit');
  await expect(page.getByText('Submit a blueprint job')).toBeVisible();
  await page.getByTestId('job-environment-field').getByRole('button').click();
  await page.getByRole('option', { name: new RegExp(ENV_ID) }).click();
  await page.locator('#job-name').fill(job.name);
  await page.locator('#job-image').fill(IMAGE);
  await page.locator('#job-command').fill('python\nfinetune.py');
  await page.locator('#job-env').fill(job.env.join('\n'));
  await page.locator('#job-gpus').fill(String(job.gpus));
  await page.locator('#job-maxRuntimeHours').fill('1');
  await page.getByRole('button', { name: 'Submit job' }).click();
}

test.describe.configure({ mode: 'serial' });

test('a user runs an 8-GPU blueprint job, a second is refused by the quota, a failing one shows why', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const token = await guestToken(request);
  const headers = { Authorization: `Bearer ${token}` };
  await removeEnvironments(request, headers);

  // An environment of the guest's team with quota for 8 MI300X GPUs.
  const created = await request.post(`${API}/environments`, {
    headers,
    data: {
      name: ENV_NAME,
      team: 'group:default/ml-research',
      gpuPool: 'mi300x',
      gpus: 8,
      cpu: 32,
      memoryGi: 256,
      storageGi: 0,
      ttlHours: 2,
      costCenter: 'CC-2100',
      dataClassification: 'internal',
      securityLevel: 'medium',
      description: 'e2e: blueprint jobs',
    },
  });
  expect(created.status(), await created.text()).toBe(201);

  try {
    await signIn(page);

    // 1. An 8-GPU job (a whole node) that runs for 20 seconds.
    await submitJob(page, {
      name: 'llama-lora',
      env: ['KUBE_SIM_RUN_SECONDS=20', 'HF_HOME=/tmp/hf'],
      gpus: 8,
    });
    await expect(page).toHaveURL(/\/genai-playground\/jobs\/j[a-z0-9]+$/);
    const jobUrl = page.url();
    await expect(
      page.getByRole('heading', { name: 'llama-lora' }),
    ).toBeVisible();
    await expect(page.getByTestId('job-status-Running').first()).toBeVisible({
      timeout: 30_000,
    });
    await expect(page.getByTestId('job-logs')).toContainText(
      'starting container main',
    );
    await expect(page.getByText('following')).toBeVisible();
    await page.screenshot({
      path: `${SHOTS}/jobs-running.png`,
      fullPage: true,
    });

    // 2. A second 8-GPU job in the same environment: the quota has no room.
    await submitJob(page, {
      name: 'second-lora',
      env: ['KUBE_SIM_RUN_SECONDS=20'],
      gpus: 8,
    });
    const refusal = page.getByTestId('job-submit-error');
    await expect(refusal).toContainText(
      'refused: the quota allows 8 GPUs (8 in use)',
    );
    await expect(refusal).toContainText('ResourceQuota genai-playground-quota');
    await expect(page).toHaveURL(/\/genai-playground\/jobs\/submit$/);
    await page.screenshot({
      path: `${SHOTS}/jobs-refused.png`,
      fullPage: true,
    });

    // The first job succeeds, with its logs and timeline.
    await page.goto(jobUrl);
    await expect(page.getByTestId('job-status-Succeeded').first()).toBeVisible({
      timeout: 60_000,
    });
    await expect(page.getByTestId('job-timeline')).toContainText('Running');
    await expect(page.getByTestId('job-logs')).toContainText(
      'exiting with code 0',
    );
    await expect(page.getByText('Completed').first()).toBeVisible();
    await page.screenshot({
      path: `${SHOTS}/jobs-succeeded.png`,
      fullPage: true,
    });

    // 3. A job kube-sim kills for running out of memory: its page says why.
    await submitJob(page, {
      name: 'oom-eval',
      env: ['KUBE_SIM_RUN_SECONDS=3', 'KUBE_SIM_EXIT=oom'],
      gpus: 8,
    });
    await expect(page).toHaveURL(/\/genai-playground\/jobs\/j[a-z0-9]+$/);
    const failure = page.getByTestId('job-failure');
    await expect(failure).toBeVisible({ timeout: 60_000 });
    await expect(failure).toContainText('Failed: OOMKilled');
    await expect(failure).toContainText('ran out of memory');
    await page.screenshot({
      path: `${SHOTS}/jobs-failed.png`,
      fullPage: true,
    });

    // The jobs page lists all three with their status, GPUs and GPU-hours.
    await page.goto('/genai-playground/jobs');
    await expect(
      page.getByRole('heading', { name: 'Blueprint jobs' }),
    ).toBeVisible();
    await page
      .getByTestId('jobs-filter-environment')
      .getByRole('button')
      .click();
    await page.getByRole('option', { name: ENV_ID, exact: true }).click();
    const row = (name: string) =>
      page.getByRole('row').filter({ hasText: name });
    await expect(row('llama-lora')).toContainText('Succeeded');
    await expect(row('oom-eval')).toContainText('OOMKilled');
    await expect(
      page.getByRole('row').filter({ hasText: 'second-lora' }),
    ).toHaveCount(0);
    await page.screenshot({
      path: `${SHOTS}/jobs-list.png`,
      fullPage: true,
    });

    // The team's page in the catalog shows its recent jobs.
    await page.goto('/catalog/default/group/ml-research');
    const card = page.getByTestId('recent-jobs');
    await card.scrollIntoViewIfNeeded();
    await expect(card).toContainText('llama-lora', { timeout: 30_000 });
    await expect(card).toContainText('OOMKilled');
    await page.screenshot({
      path: `${SHOTS}/jobs-group-card.png`,
      fullPage: true,
    });
  } finally {
    // The next run removes it too, should this fail.
    await request
      .delete(`${API}/environments/${ENV_ID}`, { headers })
      .catch(() => undefined);
  }
});
