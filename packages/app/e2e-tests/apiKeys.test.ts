import { test, expect } from '@playwright/test';
import { guestHeaders, PLAYGROUND, SHOTS } from './support/portal';
import OpenAI from 'openai';

/*
 * API keys end to end: on an environment's page a guest (a member of ml-research) creates a key
 * scoped to one model, sees it once, uses it with the `openai` npm client (as their app would),
 * sees the call counted against the key, is refused a model outside its scope, revokes it, and
 * the gateway refuses the key from then on.
 */

const API = PLAYGROUND;
const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';
const QWEN = 'Qwen/Qwen2.5-7B-Instruct';
const ENV_NAME = `e2e-keys-${Date.now().toString(36)}`;
const ENV_ID = `ml-research-${ENV_NAME}`;

test('a user issues an API key, calls the gateway with the openai client, and revokes it', async ({
  page,
  request,
}) => {
  const headers = await guestHeaders(request);
  const created = await request.post(`${API}/environments`, {
    headers,
    data: {
      name: ENV_NAME,
      team: 'group:default/ml-research',
      gpuPool: 'mi355x',
      gpus: 1,
      cpu: 4,
      memoryGi: 16,
      storageGi: 0,
      ttlHours: 2,
      costCenter: 'CC-2100',
      dataClassification: 'internal',
      securityLevel: 'medium',
      description: 'e2e: API keys',
    },
  });
  expect(created.status(), await created.text()).toBe(201);

  try {
    await page.goto(`/genai-playground/environments/${ENV_ID}`);
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(page.getByText('No API keys yet.')).toBeVisible();

    // Create a key for one model with a budget; the secret is shown once.
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Name/).fill('e2e-app');
    await dialog.getByRole('checkbox', { name: LLAMA }).check();
    await dialog.getByLabel(/^Monthly budget/).fill('5');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect(dialog.getByText(/shown only once/)).toBeVisible();
    const key = (await dialog.getByTestId('api-key-secret').innerText()).trim();
    expect(key).toMatch(/^gpk-/);
    await page.screenshot({ path: `${SHOTS}/api-key-created.png` });
    await dialog.getByRole('button', { name: 'Done' }).click();

    const row = page.getByRole('row', { name: /e2e-app/ });
    await expect(row).toContainText(LLAMA);
    await expect(row).toContainText('active');
    await expect(row).not.toContainText(key); // listed by prefix only

    // The app calls the gateway with the key, as the openai client does.
    const openai = new OpenAI({
      apiKey: key,
      baseURL: `${API}/v1`,
      maxRetries: 0,
    });
    const answer = await openai.chat.completions.create({
      model: LLAMA,
      messages: [{ role: 'user', content: 'Say hello to the e2e test' }],
      max_tokens: 16,
    });
    expect(answer.choices[0].message.content).toBeTruthy();
    expect(answer.usage?.total_tokens).toBeGreaterThan(0);

    // A model outside the key's scope is refused, in OpenAI's shape.
    const outOfScope = await openai.chat.completions
      .create({ model: QWEN, messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        e => e,
      );
    expect(outOfScope).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(outOfScope.code).toBe('model_not_allowed');

    // The key's row counts the call once metering has written it (batches, every second).
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole('row', { name: /e2e-app/ })).toContainText(
        /[1-9]\d* requests? · [1-9][\d,]* tokens/,
        {
          timeout: 2_000,
        },
      );
    }).toPass({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/api-key-usage.png` });

    // Revoke it from the page: the gateway refuses it from then on.
    await page.getByRole('button', { name: 'Revoke e2e-app' }).click();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    await expect(page.getByRole('row', { name: /e2e-app/ })).toContainText(
      'revoked',
    );
    const refused = await openai.models.list().then(
      () => undefined,
      e => e,
    );
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(refused.message).toMatch(/revoked/);
  } finally {
    await request.delete(`${API}/environments/${ENV_ID}`, { headers });
  }
});
