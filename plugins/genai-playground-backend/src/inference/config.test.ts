import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { readInferenceConfig } from './config';

const read = (inference: object | undefined, extra: object = {}) =>
  readInferenceConfig(
    new ConfigReader({
      genaiPlayground: { currency: 'EUR', inference },
      ...extra,
    }),
  );

const llama = {
  name: 'llama',
  upstreams: ['http://10.0.0.1:8000/v1/', 'http://10.0.0.2:8000'],
  pricePer1MInput: 0.2,
  pricePer1MOutput: 0.6,
  contextLength: 8192,
};

describe('readInferenceConfig', () => {
  it('has defaults for everything but the models', () => {
    const config = read(undefined);
    expect(config).toMatchObject({
      currency: 'EUR',
      models: [],
      maxBodyBytes: 1_048_576,
      timeouts: { connectMs: 5000, firstTokenMs: 120_000, chunkMs: 30_000 },
      retries: { attempts: 2, baseDelayMs: 25 },
      cooldown: { failures: 5, seconds: 10 },
      keyDefaults: { rpm: 600, tpm: 1_000_000 },
      userLimits: { rpm: 120, tpm: 2_000_000 },
      keyCacheSeconds: 10,
      environmentBudgets: false,
      metering: { flushIntervalMs: 1000, batchSize: 500 },
      limits: { store: 'memory', keyPrefix: 'genai-playground:limits:' },
      metrics: { public: true },
      discovery: {
        enabled: true,
        intervalSeconds: 30,
        allowUpstreamAnnotation: false,
      },
      deploy: {
        image: 'rocm/vllm:rocm7.0.0_vllm_0.11.1_20251024',
        nodeSelector: { 'gpu-type': 'mi355x' },
        tolerations: [
          { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        ],
        modelCache: { type: 'emptyDir', sizeGi: 200 },
        port: 8000,
      },
    });
  });

  it('reads models, normalising upstream URLs to base URLs', () => {
    const config = read({
      models: [
        llama,
        {
          name: 'bge',
          kind: 'embedding',
          upstreams: ['https://bge.example'],
          pricePer1MInput: 0.01,
          contextLength: 8192,
        },
      ],
    });
    expect(config.models).toEqual([
      {
        name: 'llama',
        upstreams: ['http://10.0.0.1:8000', 'http://10.0.0.2:8000'],
        gpuPool: 'mi355x',
        pricePer1MInput: 0.2,
        pricePer1MOutput: 0.6,
        contextLength: 8192,
        kind: 'chat',
      },
      {
        name: 'bge',
        upstreams: ['https://bge.example'],
        gpuPool: 'mi355x',
        pricePer1MInput: 0.01,
        pricePer1MOutput: 0,
        contextLength: 8192,
        kind: 'embedding',
      },
    ]);
  });

  it('keeps limits in Redis when the backend cache is Redis', () => {
    const config = read(undefined, {
      backend: { cache: { store: 'redis', connection: 'redis://cache:6379' } },
    });
    expect(config.limits).toEqual({
      store: 'redis',
      redisUrl: 'redis://cache:6379',
      keyPrefix: 'genai-playground:limits:',
    });
    expect(
      read(
        { limits: { store: 'memory' } },
        {
          backend: { cache: { store: 'redis', connection: 'redis://c' } },
        },
      ).limits.store,
    ).toBe('memory');
  });

  it.each([
    [
      { models: [{ ...llama, upstreams: [] }] },
      'genaiPlayground.inference.models[0].upstreams: needs at least one URL',
    ],
    [
      { models: [{ ...llama, upstreams: ['ftp://x'] }] },
      "genaiPlayground.inference.models[0].upstreams[0]: must be an http(s) URL, got 'ftp://x'",
    ],
    [
      { models: [{ ...llama, upstreams: ['not a url'] }] },
      "genaiPlayground.inference.models[0].upstreams[0]: 'not a url' is not a URL",
    ],
    [
      { models: [{ ...llama, kind: 'rerank' }] },
      "genaiPlayground.inference.models[0].kind: must be chat or embedding, got 'rerank'",
    ],
    [
      { models: [{ ...llama, pricePer1MOutput: undefined }] },
      'genaiPlayground.inference.models[0].pricePer1MOutput: missing',
    ],
    [
      { models: [{ ...llama, contextLength: 0 }] },
      'genaiPlayground.inference.models[0].contextLength: must be a number of at least 1, got 0',
    ],
    [
      { models: [llama, llama] },
      "genaiPlayground.inference.models: model 'llama' is listed twice",
    ],
    [
      { maxBodyBytes: 1.5 },
      'genaiPlayground.inference.maxBodyBytes: must be a whole number, got 1.5',
    ],
    [
      { limits: { store: 'etcd' } },
      "genaiPlayground.inference.limits.store: must be memory or redis, got 'etcd'",
    ],
    [
      { limits: { store: 'redis' } },
      'genaiPlayground.inference.limits.redisUrl: limits are kept in Redis but neither it nor backend.cache.connection names a Redis URL',
    ],
    [
      { deploy: { modelCache: { type: 'hostPath' } } },
      "genaiPlayground.inference.deploy.modelCache.type: must be emptyDir or pvc, got 'hostPath'",
    ],
  ])('names the key at fault (case %#)', (inference, message) => {
    expect(() => read(inference)).toThrow(`Invalid config at ${message}`);
  });

  it('reads the dev and production app-configs', () => {
    const root = path.resolve(__dirname, '../../../..');
    const dev = parse(
      fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8'),
    );
    const config = readInferenceConfig(new ConfigReader(dev));
    expect(config.models.map(m => [m.name, m.upstreams, m.kind])).toEqual([
      [
        'meta-llama/Llama-3.1-8B-Instruct',
        ['http://127.0.0.1:7081', 'http://127.0.0.1:7082'],
        'chat',
      ],
      ['Qwen/Qwen2.5-7B-Instruct', ['http://127.0.0.1:7083'], 'chat'],
      ['BAAI/bge-m3', ['http://127.0.0.1:7084'], 'embedding'],
    ]);
    expect(config.limits.store).toBe('memory');
    const prod = parse(
      fs.readFileSync(path.join(root, 'app-config.production.yaml'), 'utf8'),
    );
    const merged = readInferenceConfig(
      ConfigReader.fromConfigs([
        { context: 'dev', data: dev },
        {
          context: 'prod',
          data: {
            ...prod,
            backend: {
              cache: { store: 'redis', connection: 'redis://r:6379' },
            },
          },
        },
      ]),
    );
    expect(merged.limits.store).toBe('redis');
    expect(merged.discovery.allowUpstreamAnnotation).toBe(false);
    expect(merged.models[0].upstreams[0]).toMatch(/\.svc:8000$/);
  });
});
