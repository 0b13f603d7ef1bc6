import type { V1Namespace, V1Pod } from '@kubernetes/client-node';
import { podRequest, toPodInterval } from './podIntervals';

const NOW = new Date('2026-12-01T12:00:00Z');

const namespace: V1Namespace = {
  metadata: {
    name: 'ml-research-demo',
    labels: {
      'app.kubernetes.io/managed-by': 'genai-playground-portal',
      'genai-playground.io/environment': 'demo',
      'genai-playground.io/team': 'ml-research',
      'genai-playground.io/gpu-pool': 'mi300x',
    },
    annotations: { 'genai-playground.io/cost-center': 'CC-100' },
  },
};

function pod(overrides: Partial<V1Pod> = {}, phase = 'Running'): V1Pod {
  return {
    metadata: { uid: 'uid-1', name: 'server', namespace: 'ml-research-demo' },
    spec: {
      containers: [
        {
          name: 'vllm',
          resources: {
            requests: { cpu: '1500m', memory: '1536Mi' },
            limits: { 'amd.com/gpu': '2' },
          },
        },
        { name: 'sidecar', resources: { requests: { cpu: '500m' } } },
      ],
    },
    status: { phase, startTime: new Date('2026-12-01T10:00:00Z') },
    ...overrides,
  };
}

describe('toPodInterval', () => {
  it('counts a running pod with its effective requests, from its namespace labels', () => {
    expect(
      toPodInterval(pod(), namespace, { now: NOW, nodeLabels: { spot: 'no' } }),
    ).toEqual({
      id: 'uid-1',
      environmentId: 'ml-research-demo',
      team: 'group:default/ml-research',
      costCenter: 'CC-100',
      pool: 'mi300x',
      // a GPU limit alone is the request, as the API server defaults it
      gpus: 2,
      cpu: 2,
      memoryGi: 1.5,
      start: '2026-12-01T10:00:00.000Z',
      nodeLabels: { spot: 'no' },
    });
  });

  it('ends a finished pod when its last container did, and prefers the pod labels', () => {
    const finished = pod(
      {
        metadata: {
          uid: 'uid-2',
          namespace: 'ml-research-demo',
          labels: {
            'genai-playground.io/cost-center': 'CC-9',
            'genai-playground.io/gpu-pool': 'mi355x',
          },
        },
      },
      'Succeeded',
    );
    finished.status!.containerStatuses = [
      {
        name: 'vllm',
        image: 'x',
        imageID: 'x',
        ready: false,
        restartCount: 0,
        state: {
          terminated: {
            exitCode: 0,
            finishedAt: new Date('2026-12-01T11:00:00Z'),
          },
        },
      },
      {
        name: 'sidecar',
        image: 'x',
        imageID: 'x',
        ready: false,
        restartCount: 0,
        state: {
          terminated: {
            exitCode: 0,
            finishedAt: new Date('2026-12-01T11:30:00Z'),
          },
        },
      },
    ];
    expect(toPodInterval(finished, namespace, { now: NOW })).toMatchObject({
      costCenter: 'CC-9',
      pool: 'mi355x',
      end: '2026-12-01T11:30:00.000Z',
    });
    // without container statuses: it ended by now at the latest
    finished.status!.containerStatuses = [];
    expect(toPodInterval(finished, namespace, { now: NOW })?.end).toBe(
      NOW.toISOString(),
    );
  });

  it.each([
    [
      'a pod of a job',
      pod({
        metadata: {
          uid: 'u',
          ownerReferences: [
            { apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'j' },
          ],
        },
      }),
    ],
    ['a pod not started', pod({ status: { phase: 'Pending' } })],
    [
      'a pod requesting nothing',
      pod({ spec: { containers: [{ name: 'c' }] } }),
    ],
  ])('leaves out %s', (_, p) => {
    expect(toPodInterval(p, namespace, { now: NOW })).toBeUndefined();
  });

  it('leaves out pods of a namespace without a team', () => {
    expect(
      toPodInterval(pod(), { metadata: { name: 'x' } }, { now: NOW }),
    ).toBeUndefined();
  });
});

describe('podRequest', () => {
  it('is the larger of the containers and an init container, plus the overhead', () => {
    const p: V1Pod = {
      spec: {
        initContainers: [
          {
            name: 'i',
            resources: { requests: { memory: '4Gi', cpu: '100m' } },
          },
        ],
        containers: [
          {
            name: 'a',
            resources: { requests: { memory: '1536Mi', cpu: '500m' } },
          },
          {
            name: 'b',
            resources: { requests: { memory: '512Mi', cpu: '250m' } },
          },
        ],
        overhead: { cpu: '250m' },
      },
    };
    expect(podRequest(p, 'memory')).toBe(4 * 2 ** 30);
    expect(podRequest(p, 'cpu')).toBe(1);
    expect(podRequest(p, 'amd.com/gpu')).toBe(0);
  });
});
