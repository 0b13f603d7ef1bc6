import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import Ajv from 'ajv';
import express from 'express';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import { toSettings } from '../config';
import { QuotaReader } from '../quota/QuotaReader';
import { createRouter } from '../router';
import { createRequest, LENA, MARCO } from '../__testUtils__/harness';
import {
  createJobServices,
  TRAINER_IMAGE,
  waitFor,
} from '../__testUtils__/jobs';
import { toJobSettings } from './config';
import { createJobsRouter } from './router';

jest.setTimeout(90_000);

// ------------------------------------------------------------------ the OpenAPI document

/** The plugin's OpenAPI document, which the catalog's `genai-jobs-api` entity shows too. */
const spec = yaml.parse(
  fs.readFileSync(path.resolve(__dirname, '../schema/openapi.yaml'), 'utf8'),
);
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(spec, 'spec');

/** The route of a request path, as the OpenAPI document writes it. */
function specPathOf(url: string): string {
  const pathname = url.split('?')[0];
  return (
    Object.keys(spec.paths).find(template =>
      new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname),
    ) ?? `(no path for ${pathname})`
  );
}

/** Checks an answer against the document: documented status, content type and body schema. */
function expectConforms(res: request.Response, method: string, url: string) {
  const template = specPathOf(url);
  const operation = spec.paths[template]?.[method.toLowerCase()];
  expect({ template, method, documented: Boolean(operation) }).toEqual({
    template,
    method,
    documented: true,
  });
  let response = operation.responses[String(res.status)];
  expect({ status: res.status, documented: Boolean(response) }).toEqual({
    status: res.status,
    documented: true,
  });
  if (response.$ref) {
    response = spec.components.responses[response.$ref.split('/').pop()];
  }
  const type = String(res.headers['content-type'] ?? '').split(';')[0];
  const content = response.content?.[type];
  expect({ type, documented: Boolean(content) }).toEqual({
    type,
    documented: true,
  });
  if (type === 'application/json') {
    const validate = ajv.compile(
      content.schema.$ref
        ? { $ref: `spec${content.schema.$ref}` }
        : (withSpecRefs(content.schema) as object),
    );
    const valid = validate(res.body);
    expect({ errors: valid ? [] : validate.errors }).toEqual({ errors: [] });
  }
}

/** A schema with its local `#/...` refs pointing into the registered document. */
function withSpecRefs(schema: unknown): unknown {
  return JSON.parse(
    JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"spec#/'),
  );
}

// ------------------------------------------------------------------ the app

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

let sim: KubeSim;
let counter = 0;
const unique = (base: string) => `${base}-${++counter}`;

beforeAll(async () => {
  sim = await startKubeSim({ port: 0, tickMs: 25, timeScale: 20 });
});
afterAll(() => sim.close());

async function makeApp() {
  const s = await createJobServices({
    sim,
    knex: await databases.init('SQLITE_3'),
  });
  const app = express();
  app.use(
    await createRouter({
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.user(MARCO),
      }),
      auditor: s.auditor,
      environments: s.environments,
      quota: QuotaReader.create({ permissions: s.permissions, quota: s.quota }),
      settings: { ...toSettings(s.config), jobs: toJobSettings(s.jobsConfig) },
      jobs: s.jobs,
    }),
  );
  app.use(mockErrorHandler());
  const env = await s.environments.create(
    createRequest({ name: unique('api'), gpus: 8, cpu: 64, memoryGi: 512 }),
    { credentials: mockCredentials.user(MARCO) },
  );
  /** A request whose answer is checked against the OpenAPI document. */
  const call = async (
    method: 'get' | 'post',
    url: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    let req = request(app)[method](url);
    for (const [k, v] of Object.entries(options.headers ?? {})) {
      req = req.set(k, v);
    }
    const res = await (options.body !== undefined
      ? req.send(options.body as object)
      : req);
    expectConforms(res, method, url);
    return res;
  };
  return { ...s, app, env, call };
}

const RUN = (seconds: number, exit = 'succeed') => [
  { name: 'KUBE_SIM_RUN_SECONDS', value: String(seconds) },
  { name: 'KUBE_SIM_EXIT', value: exit },
];

describe('the jobs router', () => {
  it('serves exactly the /jobs routes the OpenAPI document describes', () => {
    const router = createJobsRouter({
      httpAuth: mockServices.httpAuth(),
      auditor: mockServices.auditor.mock(),
      jobs: {} as any,
    });
    const served = (router as unknown as express.Router).stack
      .filter(layer => layer.route)
      .flatMap(layer =>
        Object.keys((layer.route as any).methods).map(
          m => `${m.toUpperCase()} ${layer.route!.path}`,
        ),
      )
      .sort();
    const documented = Object.entries(spec.paths)
      .filter(([template]) => template.startsWith('/jobs'))
      .flatMap(([template, item]) =>
        Object.keys(item as object)
          .filter(k => ['get', 'post', 'put', 'patch', 'delete'].includes(k))
          .map(
            m => `${m.toUpperCase()} ${template.replace(/\{(\w+)\}/g, ':$1')}`,
          ),
      )
      .sort();
    expect(served).toEqual(documented);
  });

  it.each([
    [{ gpus: 0 }, /^Invalid request: gpus: must be >= 1$/],
    [{ gpus: 9 }, /^Invalid request: gpus: must be <= 8$/],
    [{ gpus: 'two' }, /^Invalid request: gpus: must be integer$/],
    [
      { command: 'python train.py' },
      /^Invalid request: command: must be array$/,
    ],
    [
      { command: ['python', 3] },
      /^Invalid request: command\.1: must be string$/,
    ],
    [
      { environment: 'ml-research-none' },
      /^Invalid request: environment: there is no environment 'ml-research-none'/,
    ],
    [
      { image: 'someone/miner:latest' },
      /^Invalid request: image: someone\/miner:latest is not from an allowed registry/,
    ],
    [
      { maxRuntimeHours: 100 },
      /^Invalid request: maxRuntimeHours: 100 is above the maximum of 24 hours/,
    ],
    [
      { env: [{ name: 'HF_TOKEN', value: 'hf_abc' }] },
      /^Invalid request: env\.0\.value: HF_TOKEN looks like a secret/,
    ],
    [
      { gpuPool: 'mi355x' },
      /^Invalid request: gpuPool: jobs may run on mi300x; mi355x is not allowed here/,
    ],
  ])('answers %j with a 400 naming the field', async (overrides, message) => {
    const { call, env, jobStore } = await makeApp();
    const res = await call('post', '/jobs', {
      body: {
        environment: env.id,
        image: TRAINER_IMAGE,
        gpus: 1,
        ...overrides,
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(message);
    expect(await jobStore.list()).toEqual([]);
  });

  it('answers an environment of another team with a 403', async () => {
    const { call, env } = await makeApp();
    const res = await call('post', '/jobs', {
      body: { environment: env.id, image: TRAINER_IMAGE, gpus: 1 },
      headers: { Authorization: mockCredentials.user.header(LENA) },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(
      /belongs to group:default\/ml-research; user:default\/lena.fischer may not run jobs in it/,
    );
  });

  it('submits once per Idempotency-Key, lists, reads, and audits the submit', async () => {
    const { call, env, auditor } = await makeApp();
    const key = unique('key');
    const body = {
      environment: env.id,
      name: 'llama-lora',
      image: TRAINER_IMAGE,
      command: ['python', 'train.py'],
      gpus: 8,
      env: RUN(1000),
    };
    const first = await call('post', '/jobs', {
      body,
      headers: { 'Idempotency-Key': key },
    });
    expect(first.status).toBe(201);
    const again = await call('post', '/jobs', {
      body,
      headers: { 'Idempotency-Key': key },
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const viaField = await call('post', '/jobs', {
      body: { ...body, idempotencyKey: key },
    });
    expect(viaField.body.id).toBe(first.body.id);
    const mismatch = await call('post', '/jobs', {
      body: { ...body, idempotencyKey: 'other' },
      headers: { 'Idempotency-Key': key },
    });
    expect(mismatch.status).toBe(400);

    // The second 8-GPU job does not fit the environment's quota.
    const second = await call('post', '/jobs', {
      body: { ...body, name: 'second' },
    });
    expect(second.status).toBe(400);
    expect(second.body.error.message).toMatch(
      /^Invalid request: gpus: refused: the quota allows 8 GPUs \(8 in use\)/,
    );

    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'job-submit',
        severityLevel: 'medium',
        meta: {
          environmentId: env.id,
          image: TRAINER_IMAGE,
          gpus: 8,
          pods: 1,
          gpuPool: 'mi300x',
          idempotencyKey: key,
        },
      }),
    );
    const audit = await (auditor.createEvent as jest.Mock).mock.results[0]
      .value;
    expect(audit.success).toHaveBeenCalledWith({
      meta: { jobId: first.body.id, status: 'Pending' },
    });

    const listed = await call(
      'get',
      `/jobs?environment=${env.id}&status=Pending,Running`,
    );
    expect(listed.body.items.map((j: { id: string }) => j.id)).toEqual([
      first.body.id,
    ]);
    expect((await call('get', '/jobs?team=genai-apps')).body.items).toEqual([]);
    expect((await call('get', '/jobs?status=Done')).status).toBe(400);

    const got = await waitFor(async () => {
      const res = await call('get', `/jobs/${first.body.id}`);
      return res.body.status === 'Running' ? res : undefined;
    });
    expect(got.body.timeline.map((e: { status: string }) => e.status)).toEqual([
      'Pending',
      'Running',
    ]);
    expect(got.body.podDetails).toHaveLength(1);
    expect((await call('get', '/jobs/jnope')).status).toBe(404);
  });

  it('serves logs as text, follows them as a chunked stream or as server-sent events', async () => {
    const { call, env, app } = await makeApp();
    const submitted = await call('post', '/jobs', {
      body: {
        environment: env.id,
        image: TRAINER_IMAGE,
        gpus: 1,
        env: RUN(30),
      },
    });
    const id = submitted.body.id;
    await waitFor(async () => {
      const res = await call('get', `/jobs/${id}`);
      return res.body.status === 'Running';
    });
    const [plain, sse] = await Promise.all([
      request(app).get(`/jobs/${id}/logs?follow=true`).buffer(true),
      request(app)
        .get(`/jobs/${id}/logs?follow=true`)
        .set('Accept', 'text/event-stream')
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.on('end', () => done(null, text));
        }),
    ]);
    expectConforms(plain, 'get', `/jobs/${id}/logs`);
    expect(plain.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(plain.headers['transfer-encoding']).toBe('chunked');
    expect(plain.headers['x-job-pod']).toMatch(new RegExp(`^bp-${id}-`));
    expect(plain.text).toMatch(/^kube-sim: starting container main/);
    expect(plain.text).toMatch(/exiting with code 0\n$/);
    expectConforms(sse, 'get', `/jobs/${id}/logs`);
    expect(sse.body).toMatch(/^data: kube-sim: starting container main/);
    expect(sse.body).toMatch(/event: end\ndata: \n\n$/);

    const tail = await call('get', `/jobs/${id}/logs?tailLines=1`);
    expect(tail.status).toBe(200);
    expect(tail.text.trim().split('\n')).toHaveLength(1);
    expect((await call('get', `/jobs/${id}/logs?pod=nope`)).status).toBe(404);
  });

  it('cancels a job once and audits it', async () => {
    const { call, env, auditor } = await makeApp();
    const submitted = await call('post', '/jobs', {
      body: {
        environment: env.id,
        image: TRAINER_IMAGE,
        gpus: 2,
        env: RUN(1000),
      },
    });
    const id = submitted.body.id;
    const cancelled = await call('post', `/jobs/${id}/cancel`, {
      body: { propagationPolicy: 'Foreground' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'Cancelled',
      cancelledBy: MARCO,
    });
    const again = await call('post', `/jobs/${id}/cancel`, { body: {} });
    expect(again.status).toBe(409);
    expect(
      (
        await call('post', `/jobs/${id}/cancel`, {
          body: { propagationPolicy: 'Orphan' },
        })
      ).status,
    ).toBe(400);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'job-cancel',
        meta: { jobId: id, propagationPolicy: 'Foreground' },
      }),
    );
    const other = await call('post', `/jobs/${id}/cancel`, {
      body: {},
      headers: { Authorization: mockCredentials.user.header(LENA) },
    });
    // The real policy: Lena is not in the job's team, whatever state the job is in.
    expect(other.status).toBe(403);
  });
});
