import { mockServices } from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import {
  closedPort,
  startFakeApiServer,
  status,
} from '../__testUtils__/fakeApiServer';
import { KubernetesClient, statusOf } from './KubernetesClient';

const logger = mockServices.logger.mock();

function client(
  url: string,
  opts: { retries?: number; timeoutMs?: number; token?: string } = {},
) {
  const sleeps: number[] = [];
  const kube = KubernetesClient.create({
    cluster: {
      name: 'test-cluster',
      url,
      serviceAccountToken: opts.token ?? 'kube-sim-dev-token',
      skipTLSVerify: false,
    },
    requestTimeoutMs: opts.timeoutMs ?? 2000,
    retries: opts.retries ?? 3,
    retryBaseDelayMs: 10,
    logger,
    sleep: async ms => {
      sleeps.push(ms);
    },
  });
  return { kube, sleeps };
}

const namespace = {
  kind: 'Namespace',
  apiVersion: 'v1',
  metadata: { name: 'x' },
};

describe('KubernetesClient', () => {
  it('retries a 500 with exponential backoff and returns the answer that follows', async () => {
    const fake = await startFakeApiServer([
      { status: 500, body: status(500, 'InternalError', 'etcd hiccup') },
      { status: 503, body: status(503, 'ServiceUnavailable', 'busy') },
      { status: 200, body: namespace },
    ]);
    try {
      const { kube, sleeps } = client(fake.url);
      const ns = await kube.call('read namespace x', ({ core }) =>
        core.readNamespace({ name: 'x' }),
      );
      expect(ns.metadata?.name).toBe('x');
      expect(fake.requests).toHaveLength(3);
      expect(fake.requests[0]).toEqual({
        method: 'GET',
        url: '/api/v1/namespaces/x',
      });
      expect(sleeps).toEqual([10, 20]);
    } finally {
      await fake.close();
    }
  });

  it('gives up after the configured retries with a 503 naming the cluster', async () => {
    const fake = await startFakeApiServer([
      { status: 500, body: status(500, 'InternalError', 'etcd is down') },
    ]);
    try {
      const { kube, sleeps } = client(fake.url, { retries: 2 });
      const error = await kube
        .call('read namespace x', ({ core }) =>
          core.readNamespace({ name: 'x' }),
        )
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        'the cluster test-cluster is not reachable: read namespace x: HTTP 500: etcd is down (after 3 attempts)',
      );
      expect(fake.requests).toHaveLength(3);
      expect(sleeps).toEqual([10, 20]);
    } finally {
      await fake.close();
    }
  });

  it('retries a request that times out', async () => {
    const fake = await startFakeApiServer([
      { status: 200, body: namespace, delayMs: 5000 },
      { status: 200, body: namespace },
    ]);
    try {
      const { kube } = client(fake.url, { timeoutMs: 100 });
      const started = Date.now();
      const ns = await kube.call('read namespace x', ({ core }) =>
        core.readNamespace({ name: 'x' }),
      );
      expect(ns.metadata?.name).toBe('x');
      expect(fake.requests).toHaveLength(2);
      // the answer came from the retry, long before the first request's (with room for a
      // loaded machine)
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      await fake.close();
    }
  });

  it('reports timeouts as 503 after the retries', async () => {
    const fake = await startFakeApiServer([
      { status: 200, body: namespace, delayMs: 1000 },
    ]);
    try {
      const { kube } = client(fake.url, { timeoutMs: 50, retries: 1 });
      const error = await kube
        .call('list nodes', ({ core }) => core.listNode())
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        'the cluster test-cluster is not reachable: list nodes: the request timed out (after 2 attempts)',
      );
      expect(fake.requests).toHaveLength(2);
    } finally {
      await fake.close();
    }
  });

  it('does not retry 4xx answers and maps them to Backstage errors', async () => {
    const fake = await startFakeApiServer([
      {
        status: 409,
        body: status(409, 'AlreadyExists', 'namespaces "x" already exists'),
      },
    ]);
    try {
      const { kube, sleeps } = client(fake.url);
      const error = await kube
        .call('create namespace x', ({ core }) =>
          core.createNamespace({ body: namespace }),
        )
        .catch(e => e);
      expect(statusOf(error)).toEqual({
        code: 409,
        reason: 'AlreadyExists',
        message: 'namespaces "x" already exists',
      });
      expect(fake.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
      const mapped = kube.toBackstageError('create namespace x', error);
      expect(mapped).toBeInstanceOf(ConflictError);
      expect(mapped.message).toBe(
        'the cluster test-cluster refused to create namespace x: namespaces "x" already exists',
      );
    } finally {
      await fake.close();
    }
  });

  it('fails at once with a 503 when nothing listens', async () => {
    const port = await closedPort();
    const { kube, sleeps } = client(`http://127.0.0.1:${port}`);
    const started = Date.now();
    const error = await kube
      .call('list namespaces', ({ core }) => core.listNamespace())
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      /^the cluster test-cluster is not reachable: list namespaces: .*ECONNREFUSED/,
    );
    expect(sleeps).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  describe('against kube-sim', () => {
    let sim: KubeSim;
    beforeAll(async () => {
      sim = await startKubeSim({ port: 0, tickMs: 50 });
    });
    afterAll(() => sim.close());

    it('talks to kube-sim and maps its 404, 409 and 422 answers', async () => {
      const { kube } = client(sim.url, { token: sim.token });
      await kube.call('create namespace kc-test', ({ core }) =>
        core.createNamespace({ body: { metadata: { name: 'kc-test' } } }),
      );
      const conflict = await kube
        .call('create namespace kc-test', ({ core }) =>
          core.createNamespace({ body: { metadata: { name: 'kc-test' } } }),
        )
        .catch(e => e);
      expect(statusOf(conflict)?.reason).toBe('AlreadyExists');
      expect(
        kube.toBackstageError('create namespace kc-test', conflict),
      ).toBeInstanceOf(ConflictError);

      const missing = await kube
        .call('read namespace nope', ({ core }) =>
          core.readNamespace({ name: 'nope' }),
        )
        .catch(e => e);
      expect(
        kube.toBackstageError('read namespace nope', missing),
      ).toBeInstanceOf(NotFoundError);

      const invalid = await kube
        .call('create namespace Bad_Name', ({ core }) =>
          core.createNamespace({ body: { metadata: { name: 'Bad_Name' } } }),
        )
        .catch(e => e);
      expect(statusOf(invalid)?.code).toBe(422);
      expect(
        kube.toBackstageError('create namespace Bad_Name', invalid),
      ).toBeInstanceOf(InputError);
    });
  });
});
