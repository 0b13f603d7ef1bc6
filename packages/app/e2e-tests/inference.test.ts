import { test, expect, type APIRequestContext } from '@playwright/test';
import { guestHeaders, PLAYGROUND, SHOTS } from './support/portal';

/*
 * The inference playground end to end: a guest (a member of ml-research) chats with a model on
 * llm-sim through the gateway and watches the answer arrive token by token, with its tokens and
 * cost; compares two models on one prompt; opens "View code"; and the call is metered to the team.
 */

const API = PLAYGROUND;
const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';
const QWEN = 'Qwen/Qwen2.5-7B-Instruct';

/** Requests of the guest's team to a model this month, from the usage report. */
async function meteredRequests(
  request: APIRequestContext,
  headers: Record<string, string>,
  model: string,
): Promise<number> {
  const res = await request.get(
    `${API}/usage?groupBy=model&team=ml-research&model=${encodeURIComponent(
      model,
    )}`,
    { headers },
  );
  expect(res.status(), await res.text()).toBe(200);
  const { items } = (await res.json()) as {
    items: Array<{ group: string; requests: number }>;
  };
  return items.find(i => i.group === model)?.requests ?? 0;
}

test('a user chats in the inference playground and sees the answer stream in', async ({
  page,
  request,
}) => {
  const headers = await guestHeaders(request);
  const before = await meteredRequests(request, headers, LLAMA);

  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  // the GPU Playground's pages sit together in the sidebar
  // (polled: the sidebar fills in after the first paint)
  const gpuNav = async () => {
    const texts = (await page.locator('nav a').allInnerTexts()).map(t =>
      t.trim(),
    );
    const first = texts.indexOf('GPU Playground');
    return first < 0 ? [] : texts.slice(first, first + 3);
  };
  await expect
    .poll(gpuNav)
    .toEqual(['GPU Playground', 'GPU Jobs', 'GPU Inference']);
  await page.getByRole('link', { name: 'GPU Inference' }).click();
  await expect(page).toHaveURL(/\/genai-playground\/inference$/);
  const modelPicker = page.getByLabel('Model', { exact: true });
  await expect(modelPicker).toBeVisible();
  await modelPicker.selectOption(LLAMA);
  await page.locator('#inference-system-prompt').fill('Answer briefly.');

  // Record every text the answer shows while it streams, from inside the page.
  const conversation = page.getByTestId(`conversation-${LLAMA}`);
  await conversation.evaluate(box => {
    const seen: string[] = [];
    (window as any).__answerTexts = seen;
    new MutationObserver(() => {
      const answer =
        box.querySelector('[data-testid="turn-assistant"]')?.textContent ?? '';
      if (answer && seen[seen.length - 1] !== answer) seen.push(answer);
    }).observe(box, { subtree: true, childList: true, characterData: true });
  });

  await page.locator('#inference-message').fill('What does a GPU quota do?');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(conversation).toContainText('What does a GPU quota do?');
  // Done: the answer shows its token counts and cost (llm-sim's answers are 16 to 64 tokens).
  const usageLine = conversation.getByText(
    /\d+ input \+ \d+ output tokens · [\d.]+ USD/,
  );
  await expect(usageLine).toBeVisible();
  // and how fast it came: time to the first token, in all, and the token rate
  await expect(conversation.getByTestId('turn-timing')).toHaveText(
    /^first token \d+ ms · \d+\.\d s · \d+ tokens\/s$/,
  );
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled(); // empty message
  await expect(page.getByRole('button', { name: 'Stop' })).toBeDisabled();

  const texts: string[] = await page.evaluate(
    () => (window as any).__answerTexts,
  );
  const final = texts[texts.length - 1];
  const outputTokens = Number(
    /\+ (\d+) output tokens/.exec((await usageLine.textContent()) ?? '')?.[1],
  );
  expect(outputTokens).toBeGreaterThanOrEqual(16);
  // Streamed, not delivered at once: the page showed many growing prefixes of the final answer.
  expect(texts.length).toBeGreaterThanOrEqual(5);
  for (const text of texts) expect(final.startsWith(text)).toBe(true);
  expect(final.split(' ').length).toBeGreaterThan(8);
  await page.screenshot({
    path: `${SHOTS}/inference-chat.png`,
    fullPage: true,
  });

  // The call is metered to the team, off the request path (batched), so it shows up shortly.
  await expect
    .poll(() => meteredRequests(request, headers, LLAMA), { timeout: 20_000 })
    .toBeGreaterThan(before);

  // Compare two models on one prompt: both answer, each with its own usage.
  await page.getByLabel('Compare two models').check();
  await page.getByLabel('Model B').selectOption(QWEN);
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.locator('#inference-message').fill('Name three GPU pools.');
  await page.getByRole('button', { name: 'Send' }).click();
  for (const model of [LLAMA, QWEN]) {
    await expect(
      page
        .getByTestId(`conversation-${model}`)
        .getByText(/\d+ input \+ \d+ output tokens/),
    ).toBeVisible();
  }
  // Different models give different answers to the same prompt.
  const answers = await Promise.all(
    [LLAMA, QWEN].map(model =>
      page
        .getByTestId(`conversation-${model}`)
        .getByTestId('turn-assistant')
        .textContent(),
    ),
  );
  expect(answers[0]).not.toBe(answers[1]);
  await page.screenshot({
    path: `${SHOTS}/inference-compare.png`,
    fullPage: true,
  });

  // "View code" gives a curl call of this gateway for the selected model.
  await page.getByRole('button', { name: 'View code' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(
    `/api/genai-playground/v1/chat/completions`,
  );
  await expect(dialog).toContainText(LLAMA);
  await expect(dialog).toContainText('GENAI_API_KEY');
  await dialog.getByRole('button', { name: 'Close' }).click();
});
