import { createNamespace, Harness, startHarness } from '../testing/harness';

describe('fieldValidation=Strict', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await createNamespace(h, 'strict');
  });
  afterAll(() => h.sim.close());

  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replica: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'web', image: 'nginx:1.27', resource: { limits: {} } },
          ],
        },
      },
    },
  };
  const post = (query: string) =>
    fetch(
      `${h.sim.url}/apis/apps/v1/namespaces/strict/deployments?dryRun=All${query}`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${h.sim.token}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(deployment),
      },
    );

  it('refuses every unknown field with 400, naming each by its path', async () => {
    const res = await post('&fieldValidation=Strict');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      reason: 'BadRequest',
      message:
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica", unknown field "spec.template.spec.containers[0].resource"',
    });
  });

  it('accepts them without it, as clients that do not ask for strict validation get', async () => {
    expect((await post('')).status).toBe(201);
  });
});
