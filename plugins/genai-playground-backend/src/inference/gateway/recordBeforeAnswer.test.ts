import { TestDatabases } from '@backstage/backend-test-utils';
import type { UsageRecord } from '../../metering/UsageStore';
import {
  CHAT_MODEL,
  startGateway,
  type GatewayHarness,
} from '../__testUtils__/gatewayHarness';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Acknowledged means recorded: the client must not have an answer's end (the whole body, the
 * stream's `[DONE]` and end, an error) before the recorder took the call's usage record. The
 * recorder here resolves `record()` only when the test lets it.
 */
describe('the usage record is taken before the answer ends', () => {
  let h: GatewayHarness;
  let key: string;
  let release: () => void = () => undefined;
  const taken: UsageRecord[] = [];

  beforeAll(async () => {
    h = await startGateway({ knex: await databases.init('SQLITE_3') });
    key = (await h.createKey(await h.addEnvironment('late-recorder'))).key;
    const recorder = h.gateway.recorder;
    const record = recorder.record.bind(recorder);
    jest.spyOn(recorder, 'record').mockImplementation(async r => {
      taken.push(r);
      await new Promise<void>(resolve => {
        release = resolve;
      });
      await record(r);
    });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    taken.length = 0;
  });

  const call = (body: unknown) =>
    fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });

  /** Waits until the proxy handed a record over (and is waiting on it). */
  async function recordTaken() {
    for (let i = 0; i < 200 && taken.length === 0; i++) await sleep(10);
    expect(taken).toHaveLength(1);
  }

  it('a whole answer', async () => {
    let answered = false;
    const pending = call({
      model: CHAT_MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 4,
    }).then(async res => {
      const text = await res.text();
      answered = true;
      return { status: res.status, text };
    });
    await recordTaken();
    await sleep(300);
    expect(answered).toBe(false);
    release();
    const { status, text } = await pending;
    expect(status).toBe(200);
    expect(JSON.parse(text).usage.completion_tokens).toBe(
      taken[0].outputTokens,
    );
  });

  it("a stream's [DONE] and end", async () => {
    const res = await call({
      model: CHAT_MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 4,
      stream: true,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    let ended = false;
    const reading = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
      }
      ended = true;
    })();
    await recordTaken();
    await sleep(300);
    // the tokens went out as they came; the end waits for the record
    expect(text).toContain('chat.completion.chunk');
    expect(text).not.toContain('[DONE]');
    expect(ended).toBe(false);
    release();
    await reading;
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('an error answer', async () => {
    let answered = false;
    const pending = call({
      model: 'no/such-model',
      messages: [{ role: 'user', content: 'hi' }],
    }).then(async res => {
      await res.text();
      answered = true;
      return res.status;
    });
    await recordTaken();
    await sleep(300);
    expect(answered).toBe(false);
    release();
    expect(await pending).toBe(404);
    expect(taken[0].status).toBe(404);
  });
});
