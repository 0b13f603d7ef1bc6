/**
 * Compliance end to end in the plugin: kube-sim (a process) holds two environments of one team
 * and one of another, created through the Kubernetes API; the built-in checks module is
 * installed, and the plugin answers behind the portal's real permission policy. A member sees
 * their team's environments, the failing checks and the fields that fail; another team's member
 * is refused them; fixing an object moves the scores.
 */
import type {
  ComplianceScorecards,
  EnvironmentCompliance,
} from '@genai-portal/plugin-genai-insights-common';
import { APPS, ML } from '../__testUtils__/fixtures';
import { complianceBackend } from './__testUtils__/complianceBackend';

jest.setTimeout(120_000);

const TOKEN = 'insights-compliance-token';
const USERS = {
  lena: 'user:default/lena.fischer',
  kenji: 'user:default/kenji.sato',
  admin: 'user:default/priya.raman',
};

describe('compliance scorecards on kube-sim', () => {
  const backend = complianceBackend({
    token: TOKEN,
    users: USERS,
    membership: {
      lena: [ML],
      kenji: [APPS],
      admin: ['group:default/platform-team'],
    },
    seed: async ({ core, networking }) => {
      const expires = new Date(Date.now() + 86_400_000).toISOString();
      const namespace = (name: string, team: string, compliant: boolean) =>
        core.createNamespace({
          body: {
            metadata: {
              name,
              labels: {
                'app.kubernetes.io/managed-by': 'genai-playground-portal',
                'genai-playground.io/team': team,
                ...(compliant
                  ? {
                      'security-level': 'medium',
                      'data-classification': 'internal',
                    }
                  : {}),
              },
              annotations: {
                'genai-playground.io/cost-center': 'CC-2100',
                'genai-playground.io/budget': '1200 USD',
                'genai-playground.io/expires-at': expires,
              },
            },
          },
        });
      await namespace('ml-good', 'ml-research', true);
      await namespace('ml-bad', 'ml-research', false);
      await namespace('apps-a', 'genai-apps', true);
      for (const ns of ['ml-good', 'apps-a']) {
        await core.createNamespacedResourceQuota({
          namespace: ns,
          body: {
            metadata: { name: 'quota' },
            spec: { hard: { 'requests.amd.com/gpu': '4' } },
          },
        });
        await networking.createNamespacedNetworkPolicy({
          namespace: ns,
          body: {
            metadata: { name: 'default-deny-ingress' },
            spec: { podSelector: {}, policyTypes: ['Ingress'] },
          },
        });
      }
    },
  });
  const { get, call } = backend;

  beforeAll(() => backend.start());
  afterAll(() => backend.stop());

  it("shows a member their team's environments, the failing checks and their fields", async () => {
    const cards = await get<ComplianceScorecards>(
      'lena',
      '/compliance/scorecards',
    );
    expect(cards.scope).toBe('teams');
    expect(cards.environments.map(e => e.environment)).toEqual([
      'ml-bad',
      'ml-good',
    ]);
    expect(cards.teams.map(t => t.name)).toEqual([ML]);
    expect(cards.checks.map(c => c.id)).toContain('required-labels');
    const good = cards.environments.find(e => e.environment === 'ml-good')!;
    const bad = cards.environments.find(e => e.environment === 'ml-bad')!;
    expect(good.level).toBe('Silver');
    expect(bad.level).toBeUndefined();
    expect(bad.score.percent!).toBeLessThan(good.score.percent!);

    const env = await get<EnvironmentCompliance>(
      'lena',
      '/compliance/environments/ml-bad',
    );
    const byId = new Map(env.checks.map(c => [c.checkId, c]));
    expect(byId.get('required-labels')).toMatchObject({
      status: 'fail',
      failureCount: 2,
      failures: [
        {
          kind: 'Namespace',
          name: 'ml-bad',
          fieldPath: 'metadata.labels.security-level',
        },
        {
          kind: 'Namespace',
          name: 'ml-bad',
          fieldPath: 'metadata.labels.data-classification',
          message: 'is missing',
        },
      ],
    });
    expect(byId.get('quota-gpu')).toMatchObject({ status: 'fail' });
    expect(byId.get('cost-annotations')).toMatchObject({ status: 'pass' });
    // The scorecards carry each check's status and count: the same as the environment's own.
    expect(bad.checks['required-labels']).toEqual({
      status: 'fail',
      failureCount: 2,
    });
    expect(bad.checks['cost-annotations']).toEqual({
      status: 'pass',
      failureCount: 0,
    });
    expect(bad.checks).toEqual(
      Object.fromEntries(
        env.checks.map(c => [
          c.checkId,
          { status: c.status, failureCount: c.failureCount },
        ]),
      ),
    );
    expect(Object.keys(good.checks).sort()).toEqual(
      cards.checks.map(c => c.id).sort(),
    );
    expect(good.checks['quota-gpu']).toEqual({
      status: 'pass',
      failureCount: 0,
    });
    expect(
      await get<EnvironmentCompliance>(
        'lena',
        '/compliance/environments/ml-good',
      ),
    ).toMatchObject({ environment: 'ml-good', team: ML, level: 'Silver' });
  });

  it("refuses another team's environment, and names an unknown one", async () => {
    await get('kenji', '/compliance/environments/ml-bad', 403);
    await get('lena', '/compliance/environments/apps-a', 403);
    await get('kenji', `/compliance/scorecards?teams=${ML}`, 403);
    const kenji = await get<ComplianceScorecards>(
      'kenji',
      '/compliance/scorecards',
    );
    expect(kenji.environments.map(e => e.environment)).toEqual(['apps-a']);
    const missing = await get<{ error: { message: string } }>(
      'lena',
      '/compliance/environments/ml-nowhere',
      404,
    );
    expect(missing.error.message).toContain('ml-nowhere');
  });

  it('gives the admin the platform score, and moves the scores when an object is fixed', async () => {
    const before = await get<ComplianceScorecards>(
      'admin',
      '/compliance/scorecards',
    );
    expect(before.scope).toBe('platform');
    expect(before.environments).toHaveLength(3);
    const badBefore = before.environments.find(
      e => e.environment === 'ml-bad',
    )!;

    await backend.kube.core.patchNamespace({
      name: 'ml-bad',
      body: [
        {
          op: 'add',
          path: '/metadata/labels/security-level',
          value: 'medium',
        },
        {
          op: 'add',
          path: '/metadata/labels/data-classification',
          value: 'internal',
        },
      ],
    });

    const after = await get<ComplianceScorecards>(
      'admin',
      '/compliance/scorecards',
    );
    const badAfter = after.environments.find(e => e.environment === 'ml-bad')!;
    expect(badAfter.score.percent!).toBeGreaterThan(badBefore.score.percent!);
    expect(badBefore.checks['required-labels']).toEqual({
      status: 'fail',
      failureCount: 2,
    });
    expect(badAfter.checks['required-labels']).toEqual({
      status: 'pass',
      failureCount: 0,
    });
    expect(
      Object.keys(
        after.environments.find(e => e.environment === 'apps-a')!.checks,
      ),
    ).toEqual(Object.keys(badAfter.checks));
    expect(after.platform.percent!).toBeGreaterThan(before.platform.percent!);
    const env = await get<EnvironmentCompliance>(
      'lena',
      '/compliance/environments/ml-bad',
    );
    expect(env.checks.find(c => c.checkId === 'required-labels')).toMatchObject(
      { status: 'pass', failures: [], failureCount: 0 },
    );
  });

  it("gives a waived check's status and count in the scorecards, waivers applied", async () => {
    await call('admin', 'post', '/compliance/waivers', 201, {
      checkId: 'quota-gpu',
      environment: 'ml-bad',
      justification: 'the GPU quota comes with the next namespace template',
      expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    });
    const env = await get<EnvironmentCompliance>(
      'lena',
      '/compliance/environments/ml-bad',
    );
    const quota = env.checks.find(c => c.checkId === 'quota-gpu')!;
    expect(quota).toMatchObject({ status: 'waived' });
    expect(quota.failureCount).toBeGreaterThan(0);
    for (const who of ['lena', 'admin'] as const) {
      const cards = await get<ComplianceScorecards>(
        who,
        '/compliance/scorecards',
      );
      const bad = cards.environments.find(e => e.environment === 'ml-bad')!;
      expect(bad.checks['quota-gpu']).toEqual({
        status: 'waived',
        failureCount: quota.failureCount,
      });
      expect(bad.checks['required-labels']).toEqual({
        status: 'pass',
        failureCount: 0,
      });
    }
  });
});
