import type {
  LedgerFacts,
  TokenUsage,
} from '@genai-portal/plugin-genai-insights-common';
import { PrometheusUnavailableError, type PromSample } from '../types';
import { gpuPod, MIN } from './__testUtils__/fakes';
import {
  anyRequestActivity,
  MeteredRequestActivity,
  PrometheusRequestActivity,
  type RequestActivity,
} from './RequestActivity';

const NOW = Date.parse('2026-12-30T12:00:00.000Z');
const SINCE = NOW - 30 * MIN;

const server = gpuPod('llama-8b-7d9f-abcde', {
  kind: 'inference',
  model: 'llama-8b',
});
const replica = gpuPod('llama-8b-7d9f-fghij', {
  kind: 'inference',
  model: 'llama-8b',
});
const other = gpuPod('qwen-7b-5c4d-klmno', {
  kind: 'inference',
  model: 'qwen-7b',
});

function prometheus(samples: PromSample[] | Error) {
  const instant = jest.fn(async (_query: string, _at?: Date) => {
    if (samples instanceof Error) throw samples;
    return samples;
  });
  return { instant };
}

describe('PrometheusRequestActivity', () => {
  it('asks once per window for vLLM request counts by pod and model', async () => {
    const prom = prometheus([]);
    const activity = new PrometheusRequestActivity({ prometheus: prom });
    await activity.servedSince(server, SINCE, NOW);
    await activity.servedSince(other, SINCE, NOW);
    expect(prom.instant).toHaveBeenCalledTimes(1);
    expect(prom.instant).toHaveBeenCalledWith(
      'sum by (namespace, pod, model_name) (increase(vllm:request_success_total[1800s]))',
      new Date(NOW),
    );
    await activity.servedSince(server, SINCE + MIN, NOW + MIN);
    expect(prom.instant).toHaveBeenCalledTimes(2);
  });

  it('answers per pod when the series carry pod labels', async () => {
    const activity = new PrometheusRequestActivity({
      prometheus: prometheus([
        {
          labels: {
            namespace: server.namespace,
            pod: server.pod,
            model_name: 'llama-8b',
          },
          value: 3,
        },
        {
          labels: {
            namespace: replica.namespace,
            pod: replica.pod,
            model_name: 'llama-8b',
          },
          value: 0,
        },
      ]),
    });
    expect(await activity.servedSince(server, SINCE, NOW)).toBe(true);
    expect(await activity.servedSince(replica, SINCE, NOW)).toBe(false);
    // No series of the pod: unknown.
    expect(await activity.servedSince(other, SINCE, NOW)).toBeUndefined();
  });

  it('answers per model when the series carry no pod labels', async () => {
    const activity = new PrometheusRequestActivity({
      prometheus: prometheus([
        { labels: { model_name: 'llama-8b' }, value: 0.8 },
        { labels: { model_name: 'qwen-7b' }, value: 0 },
      ]),
    });
    expect(await activity.servedSince(server, SINCE, NOW)).toBe(true);
    expect(await activity.servedSince(replica, SINCE, NOW)).toBe(true);
    expect(await activity.servedSince(other, SINCE, NOW)).toBe(false);
    expect(
      await activity.servedSince(
        gpuPod('no-model', { kind: 'inference' }),
        SINCE,
        NOW,
      ),
    ).toBeUndefined();
  });

  it('uses the configured labels, and throws when Prometheus is down', async () => {
    const prom = prometheus([
      {
        labels: {
          exported_namespace: server.namespace,
          exported_pod: server.pod,
        },
        value: 1,
      },
    ]);
    const activity = new PrometheusRequestActivity({
      prometheus: prom,
      podLabel: 'exported_pod',
      namespaceLabel: 'exported_namespace',
      clock: () => new Date(NOW),
    });
    expect(await activity.servedSince(server, SINCE)).toBe(true);
    expect(prom.instant.mock.calls[0][0]).toContain(
      'sum by (exported_namespace, exported_pod, model_name)',
    );
    const down = new PrometheusRequestActivity({
      prometheus: prometheus(new PrometheusUnavailableError('timed out')),
    });
    await expect(down.servedSince(server, SINCE, NOW)).rejects.toThrow(
      'timed out',
    );
  });
});

describe('MeteredRequestActivity', () => {
  const call = (model: string, at: number): TokenUsage => ({
    id: `${model}-${at}`,
    // The caller's environment, not the server's: not used.
    environmentId: 'genai-apps-chatbot',
    team: 'group:default/genai-apps',
    model,
    inputTokens: 10,
    outputTokens: 20,
    at: new Date(at).toISOString(),
  });

  it('finds calls to the pod model in the window, reading the facts once', async () => {
    const read = jest.fn(
      async (_range: { from: string; to: string }): Promise<LedgerFacts> => ({
        environmentEvents: [],
        jobs: [],
        pods: [],
        tokens: [call('llama-8b', NOW - 5 * MIN), call('qwen-7b', SINCE - 1)],
      }),
    );
    const activity = new MeteredRequestActivity({ facts: { read } });
    expect(await activity.servedSince(server, SINCE, NOW)).toBe(true);
    expect(await activity.servedSince(replica, SINCE, NOW)).toBe(true);
    // A call before the window does not count.
    expect(await activity.servedSince(other, SINCE, NOW)).toBe(false);
    expect(
      await activity.servedSince(gpuPod('train-0'), SINCE, NOW),
    ).toBeUndefined();
    expect(read).toHaveBeenCalledTimes(1);
    expect(read).toHaveBeenCalledWith({
      from: new Date(SINCE).toISOString(),
      to: new Date(NOW).toISOString(),
    });
  });
});

describe('anyRequestActivity', () => {
  const source = (answer: boolean | undefined | Error): RequestActivity => ({
    servedSince: async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    },
  });
  const ask = (...answers: Array<boolean | undefined | Error>) =>
    anyRequestActivity(answers.map(source)).servedSince(server, SINCE, NOW);

  it('is served when any source says so', async () => {
    expect(await ask(false, true)).toBe(true);
    expect(await ask(new Error('down'), true)).toBe(true);
    expect(await ask(undefined, false)).toBe(false);
    expect(await ask(undefined, undefined)).toBeUndefined();
    expect(await ask()).toBeUndefined();
    await expect(ask(false, new Error('down'))).rejects.toThrow('down');
  });
});
