import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { mockErrorHandler } from '@backstage/backend-test-utils';
import { DatabaseEnvironmentStore } from '../environments/DatabaseEnvironmentStore';
import { environmentRecord } from '../inference/__testUtils__/gatewayHarness';
import { DatabaseUsageStore } from '../metering/DatabaseUsageStore';
import { ApiKeyService } from './ApiKeyService';
import { DatabaseApiKeyStore } from './DatabaseApiKeyStore';
import { hashApiKey } from './apiKeySecret';
import { createApiKeysRouter } from './router';
import { migrateDatabase } from '../lib/migrateDatabase';
import { PermissionGate } from '../permissions/PermissionGate';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const MARCO = 'user:default/marco.rossi';

async function setup(options: { deny?: string[] } = {}) {
  const knex = await databases.init('SQLITE_3');
  const database = mockServices.database({ knex });
  await migrateDatabase(database);
  const environments = await DatabaseEnvironmentStore.create({ database });
  const keys = await DatabaseApiKeyStore.create({ database });
  const usage = await DatabaseUsageStore.create({ database });
  const permissions = mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(r => ({
        result: options.deny?.includes(r.permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      })),
  });
  const onRevoke = jest.fn();
  const service = new ApiKeyService({
    keys,
    environments,
    usage,
    gate: new PermissionGate({ permissions }),
    modelNames: () => ['llama', 'qwen'],
    defaults: { rpm: 600, tpm: 1_000_000 },
    currency: 'USD',
    onRevoke,
  });
  const addEnv = async (name: string, overrides = {}) => {
    const env = environmentRecord(name, overrides);
    await environments.claimForCreate(env, {
      lockToken: 't',
      lockUntil: env.expiresAt,
      now: env.createdAt,
    });
    await environments.finishCreate(env.id, {
      lockToken: 't',
      status: 'ready',
      now: env.createdAt,
    });
    return env.id;
  };
  const auditor = mockServices.auditor.mock();
  const app = express();
  app.use(express.json());
  app.use(
    createApiKeysRouter({
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.user(MARCO),
      }),
      auditor,
      keys: service,
    }),
  );
  app.use(mockErrorHandler());
  return {
    app,
    service,
    keys,
    usage,
    permissions,
    auditor,
    onRevoke,
    addEnv,
    environments,
  };
}

describe('API keys: service and /environments/:id/keys', () => {
  it('issues a key, shown once and stored hashed, with defaults and the environment’s lease', async () => {
    const { app, keys, auditor, addEnv } = await setup();
    const env = await addEnv('keys');
    const res = await request(app)
      .post(`/environments/${env}/keys`)
      .send({ name: 'notebook', models: ['llama'], monthlyBudget: 25 })
      .expect(201);
    expect(res.body).toMatchObject({
      key: expect.stringMatching(/^gpk-/),
      id: expect.any(String),
      prefix: res.body.key.slice(0, 12),
      name: 'notebook',
      environmentId: env,
      team: 'group:default/ml-research',
      models: ['llama'],
      rpm: 600,
      tpm: 1_000_000,
      monthlyBudget: 25,
      currency: 'USD',
      createdBy: MARCO,
      status: 'active',
    });
    const stored = await keys.get(res.body.id);
    expect(stored?.hash).toBe(hashApiKey(res.body.key));
    expect(JSON.stringify(stored)).not.toContain(res.body.key);
    // the audit event never holds the secret
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({ eventId: 'apikey-create' }),
    );
    const event = (auditor.createEvent as jest.Mock).mock.calls[0][0];
    expect(JSON.stringify(event.meta)).not.toContain(res.body.key);
    const audit = await (auditor.createEvent as jest.Mock).mock.results[0]
      .value;
    expect(audit.success).toHaveBeenCalledWith({
      meta: { keyId: res.body.id },
    });
    // the list never shows it again, and says how much was used this month
    const list = await request(app)
      .get(`/environments/${env}/keys`)
      .expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].key).toBeUndefined();
    expect(list.body.items[0].usage).toMatchObject({ requests: 0, cost: 0 });
  });

  it('lists usage of this month per key', async () => {
    const { app, usage, addEnv } = await setup();
    const env = await addEnv('usage');
    const created = (
      await request(app).post(`/environments/${env}/keys`).send({ name: 'a' })
    ).body;
    await usage.insert([
      {
        at: new Date().toISOString(),
        keyId: created.id,
        team: 'group:default/ml-research',
        model: 'llama',
        endpoint: 'chat',
        inputTokens: 10,
        outputTokens: 5,
        cost: 0.25,
        latencyMs: 3,
        status: 200,
        stream: false,
      },
    ]);
    const list = await request(app)
      .get(`/environments/${env}/keys`)
      .expect(200);
    expect(list.body.items[0].usage).toMatchObject({
      month: new Date().toISOString().slice(0, 7),
      requests: 1,
      inputTokens: 10,
      outputTokens: 5,
      cost: 0.25,
    });
  });

  it('revokes, telling the gateway at once; audited', async () => {
    const { app, onRevoke, auditor, addEnv } = await setup();
    const env = await addEnv('revoke');
    const created = (
      await request(app).post(`/environments/${env}/keys`).send({ name: 'a' })
    ).body;
    const res = await request(app)
      .delete(`/environments/${env}/keys/${created.id}`)
      .expect(200);
    expect(res.body).toMatchObject({
      id: created.id,
      status: 'revoked',
      revokedAt: expect.any(String),
    });
    expect(onRevoke).toHaveBeenCalledWith(created.id);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'apikey-revoke',
        meta: { environmentId: env, keyId: created.id },
      }),
    );
    // a key of another environment is not found through this one
    const other = await addEnv('other');
    await request(app)
      .delete(`/environments/${other}/keys/${created.id}`)
      .expect(404);
  });

  it.each([
    ['genai-playground.apikey.create', 'post'],
    ['genai-playground.apikey.read', 'get'],
  ])('answers 403 without %s', async (permission, method) => {
    const { app, addEnv } = await setup({ deny: [permission] });
    const env = await addEnv('denied');
    const res = await (request(app) as any)
      [method](`/environments/${env}/keys`)
      .send({ name: 'x' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      `not allowed: ${permission} on environment ${env}`,
    );
  });

  it('refuses bad requests: unknown models, limits out of range, missing or unready environments', async () => {
    const { app, addEnv, environments } = await setup();
    const env = await addEnv('bad');
    const unknown = await request(app)
      .post(`/environments/${env}/keys`)
      .send({ name: 'x', models: ['gpt-4'] })
      .expect(400);
    expect(unknown.body.error.message).toBe(
      "Invalid request: models: unknown model 'gpt-4'; the gateway serves llama, qwen",
    );
    await request(app)
      .post(`/environments/${env}/keys`)
      .send({ name: 'x', rpm: 0 })
      .expect(400);
    await request(app).post(`/environments/${env}/keys`).send({}).expect(400);
    await request(app)
      .post('/environments/nope/keys')
      .send({ name: 'x' })
      .expect(404);
    await environments.setStatus(env, {
      status: 'deleting',
      now: new Date().toISOString(),
    });
    const conflict = await request(app)
      .post(`/environments/${env}/keys`)
      .send({ name: 'x' })
      .expect(409);
    expect(conflict.body.error.message).toMatch(
      /is deleting: keys can only be issued for a ready environment/,
    );
  });
});
