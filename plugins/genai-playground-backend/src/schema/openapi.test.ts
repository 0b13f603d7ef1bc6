import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { createRouter } from '../router';

/** Services that fail the test when called: a request breaking the spec must not reach them. */
function untouchable(name: string) {
  return new Proxy(
    {},
    {
      get: (_target, method) => () => {
        throw new Error(`${name}.${String(method)} was called`);
      },
    },
  ) as any;
}

async function makeApp() {
  const router = express();
  router.use(
    await createRouter({
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.user(),
      }),
      auditor: untouchable('auditor'),
      environments: untouchable('environments'),
      quota: untouchable('quota'),
      settings: {} as any,
      inference: {
        keys: untouchable('keys'),
        usage: untouchable('usage'),
        deployer: untouchable('deployer'),
      },
      jobs: untouchable('jobs'),
    }),
  );
  router.use(mockErrorHandler());
  return router;
}

const LONG = 'x'.repeat(254);
const ENVIRONMENT = {
  name: 'lab',
  team: 'ml-research',
  gpuPool: 'mi300x',
  gpus: 1,
  cpu: 4,
  memoryGi: 16,
  ttlHours: 24,
  costCenter: 'CC-1234',
  dataClassification: 'internal',
  securityLevel: 'medium',
};

describe('the validated router refuses requests that break the spec', () => {
  let app: express.Express;
  beforeAll(async () => {
    app = await makeApp();
  });

  it.each([
    // environments
    [
      'POST',
      '/environments',
      { ...ENVIRONMENT, gpus: 65 },
      'Invalid request: gpus: must be <= 64',
    ],
    [
      'POST',
      '/environments',
      { ...ENVIRONMENT, colour: 'red' },
      /^Invalid request: colour: unknown field/,
    ],
    [
      'GET',
      `/environments?owner=${LONG}`,
      undefined,
      /^Invalid query: owner: must NOT have more than 253 characters/,
    ],
    [
      'GET',
      '/environments?includeDeleted=yes',
      undefined,
      /^Invalid query: includeDeleted: must be equal to one of the allowed values/,
    ],
    [
      'POST',
      '/environments/ml-x/extend',
      { ttlHours: 0 },
      'Invalid request: ttlHours: must be >= 1',
    ],
    [
      'GET',
      `/environments/${LONG}`,
      undefined,
      /^Invalid request: id: must NOT have more than 253 characters/,
    ],
    // quota
    [
      'GET',
      `/quota/teams?team=${LONG}`,
      undefined,
      /^Invalid query: team: must NOT have more than 253 characters/,
    ],
    [
      'GET',
      '/quota/teams?teem=ml',
      undefined,
      'Invalid query: teem: unknown query parameter',
    ],
    // jobs
    [
      'GET',
      '/jobs?limit=many',
      undefined,
      'Invalid query: limit: must be integer',
    ],
    [
      'GET',
      '/jobs?status=Sleeping',
      undefined,
      /^Invalid query: status: must match pattern/,
    ],
    [
      'POST',
      '/jobs',
      {
        environment: 'e',
        image: 'r.example.com/a:1',
        gpus: 1,
        env: [
          {
            name: 'A',
            valueFrom: {
              secretKeyRef: { name: 's', key: 'k', optional: true },
            },
          },
        ],
      },
      /^Invalid request: env\.0\.valueFrom\.secretKeyRef\.optional: unknown field/,
    ],
    [
      'POST',
      '/jobs',
      { environment: 'e', image: 'r.example.com/a:1', gpus: 1, pods: 65 },
      'Invalid request: pods: must be <= 64',
    ],
    [
      'POST',
      '/jobs/j-1/cancel',
      { propagationPolicy: 'Orphan' },
      /^Invalid request: propagationPolicy: must be equal to one of the allowed values/,
    ],
    [
      'GET',
      '/jobs/j-1/logs?tailLines=0',
      undefined,
      'Invalid query: tailLines: must be >= 1',
    ],
    // keys
    [
      'POST',
      '/environments/ml-x/keys',
      { name: 'ci', rpm: 0 },
      'Invalid request: rpm: must be >= 1',
    ],
    [
      'POST',
      '/environments/ml-x/keys',
      { models: ['llama'] },
      'Invalid request: name: is required',
    ],
    [
      'POST',
      '/environments/ml-x/keys',
      { name: 'ci', scope: 'all' },
      /^Invalid request: scope: unknown field/,
    ],
    // usage
    [
      'GET',
      '/usage?groupBy=hour',
      undefined,
      /^Invalid query: groupBy: must be equal to one of the allowed values/,
    ],
    [
      'GET',
      '/usage?from=yesterday',
      undefined,
      'Invalid query: from: must match format "date-time"',
    ],
    // inference-services
    [
      'POST',
      '/environments/ml-x/inference-services',
      { name: 'llama', model: 'meta/llama', replicas: 17 },
      'Invalid request: replicas: must be <= 16',
    ],
    [
      'POST',
      '/environments/ml-x/inference-services',
      { name: 'llama', model: 'llama' },
      /^Invalid request: model: must match pattern/,
    ],
  ])('%s %s %j', async (method, url, body, message) => {
    const call =
      method === 'GET' ? request(app).get(url) : request(app).post(url);
    const res = await (body === undefined ? call : call.send(body));
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(message);
  });

  it('still refuses a body that is not JSON, naming the content type', async () => {
    const res = await request(app)
      .post('/jobs/j-1/cancel')
      .set('content-type', 'text/plain')
      .send('cancel it');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^Invalid request: content-type:/);
  });
});
