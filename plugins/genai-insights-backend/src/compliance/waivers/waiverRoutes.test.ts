/**
 * Waivers end to end in the plugin: kube-sim (a process) holds environments of two teams and
 * one of no team; the built-in checks module is installed and the plugin answers behind the
 * portal's real permission policy. A lead waives a failing check and the scores move at once; a
 * member and another team's lead are refused; an expired or revoked waiver stops counting at
 * the next answer.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type {
  ComplianceScorecards,
  ComplianceWaiver,
  ComplianceWaiverList,
  EnvironmentCompliance,
} from '@genai-portal/plugin-genai-insights-common';
import { APPS, ML } from '../../__testUtils__/fixtures';
import { complianceBackend } from '../__testUtils__/complianceBackend';

jest.setTimeout(120_000);

const TOKEN = 'insights-waivers-token';
const DAY = 86_400_000;
const USERS = {
  lena: 'user:default/lena.fischer',
  marco: 'user:default/marco.rossi',
  kenji: 'user:default/kenji.sato',
  ava: 'user:default/ava.lead',
  admin: 'user:default/priya.raman',
};
type Who = keyof typeof USERS;

const JUSTIFICATION = 'the labels come with the platform release in January';
const inDays = (days: number) =>
  new Date(Date.now() + days * DAY).toISOString();

describe('compliance waivers on kube-sim', () => {
  const auditor = mockServices.auditor.mock();
  const backend = complianceBackend({
    token: TOKEN,
    users: USERS,
    membership: {
      lena: [ML],
      marco: [ML],
      kenji: [APPS],
      ava: [APPS],
      admin: ['group:default/platform-team'],
    },
    leads: { marco: [ML], ava: [APPS] },
    features: [auditor.factory],
    seed: async ({ core }) => {
      const namespace = (name: string, team?: string) =>
        core.createNamespace({
          body: {
            metadata: {
              name,
              labels: {
                'app.kubernetes.io/managed-by': 'genai-playground-portal',
                ...(team ? { 'genai-playground.io/team': team } : {}),
              },
            },
          },
        });
      await namespace('ml-bad', 'ml-research');
      await namespace('apps-a', 'genai-apps');
      await namespace('orphan');
    },
  });
  const { get, call } = backend;
  const waive = <T = ComplianceWaiver>(who: Who, body: object, status = 201) =>
    call<T>(who, 'post', '/compliance/waivers', status, body);
  const revoke = <T = ComplianceWaiver>(who: Who, id: string, status = 200) =>
    call<T>(who, 'delete', `/compliance/waivers/${id}`, status);
  const errorOf = (body: unknown) =>
    (body as { error: { message: string } }).error.message;

  const checkOf = async (namespace: string, checkId: string) => {
    const env = await get<EnvironmentCompliance>(
      'lena',
      `/compliance/environments/${namespace}`,
    );
    return env.checks.find(c => c.checkId === checkId)!;
  };
  const scoreOf = async (who: Who, namespace: string) => {
    const cards = await get<ComplianceScorecards>(
      who,
      '/compliance/scorecards',
    );
    return cards.environments.find(e => e.environment === namespace)!.score
      .percent!;
  };

  beforeAll(() => backend.start());
  afterAll(() => backend.stop());

  let leadWaiver: ComplianceWaiver;

  it("lets a lead waive a failing check of their team's environment: the score goes up, the failures stay listed", async () => {
    expect(await checkOf('ml-bad', 'required-labels')).toMatchObject({
      status: 'fail',
    });
    const before = await scoreOf('lena', 'ml-bad');
    const expiresAt = inDays(30);
    leadWaiver = await waive('marco', {
      checkId: 'required-labels',
      environment: 'ml-bad',
      justification: JUSTIFICATION,
      expiresAt,
    });
    expect(leadWaiver).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      checkId: 'required-labels',
      environment: 'ml-bad',
      team: ML,
      justification: JUSTIFICATION,
      expiresAt,
      createdBy: USERS.marco,
      createdAt: expect.any(String),
      state: 'active',
    });

    expect(await scoreOf('lena', 'ml-bad')).toBeGreaterThan(before);
    expect(await scoreOf('admin', 'ml-bad')).toBeGreaterThan(before);
    const check = await checkOf('ml-bad', 'required-labels');
    expect(check).toMatchObject({
      status: 'waived',
      waiver: {
        id: leadWaiver.id,
        justification: JUSTIFICATION,
        expiresAt,
        createdBy: USERS.marco,
      },
      failureCount: 2,
    });
    expect(check.failures).toHaveLength(2);

    // Listed to the team, not to another team's member.
    const listed = await get<ComplianceWaiverList>(
      'lena',
      '/compliance/waivers',
    );
    expect(listed.items.map(w => w.id)).toEqual([leadWaiver.id]);
    expect(
      (await get<ComplianceWaiverList>('kenji', '/compliance/waivers')).items,
    ).toEqual([]);
    await get('kenji', `/compliance/waivers?teams=${ML}`, 403);

    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'compliance-waiver-create',
        severityLevel: 'medium',
        meta: {
          checkId: 'required-labels',
          team: ML,
          environment: 'ml-bad',
          expiresAt,
        },
      }),
    );
  });

  it("refuses members and other teams' leads, and lets an admin", async () => {
    const body = {
      checkId: 'quota-gpu',
      environment: 'ml-bad',
      justification: JUSTIFICATION,
      expiresAt: inDays(10),
    };
    for (const who of ['lena', 'kenji', 'ava'] as const) {
      expect(errorOf(await waive(who, body, 403))).toBe(
        `Not allowed: genai-insights.compliance.waive on ${ML}`,
      );
    }
    // A team's waiver needs the team: another team's lead is refused.
    await waive('marco', { ...body, environment: undefined, team: APPS }, 403);
    const admins = await waive('admin', body);
    expect(admins).toMatchObject({ createdBy: USERS.admin, team: ML });
    expect((await checkOf('ml-bad', 'quota-gpu')).status).toBe('waived');

    // The same check and environment again: a conflict naming the waiver in force.
    expect(errorOf(await waive('marco', body, 409))).toContain(admins.id);

    // Refused revocations change nothing.
    await revoke('lena', admins.id, 403);
    await revoke('ava', admins.id, 403);
    expect((await checkOf('ml-bad', 'quota-gpu')).status).toBe('waived');

    // An environment of no team: only for those who waive for every team.
    const orphan = { ...body, environment: 'orphan' };
    expect(errorOf(await waive('marco', orphan, 403))).toBe(
      'Not allowed: genai-insights.compliance.waive',
    );
    expect(await waive('admin', orphan)).toMatchObject({
      environment: 'orphan',
    });
  });

  it('answers bad grants with a 400 naming the field, an unknown environment or waiver with a 404', async () => {
    const body = {
      checkId: 'limit-range',
      environment: 'ml-bad',
      justification: JUSTIFICATION,
      expiresAt: inDays(10),
    };
    const bad = async (change: object, field: string) =>
      expect(
        errorOf(await waive('marco', { ...body, ...change }, 400)),
      ).toContain(field);
    await bad(
      { checkId: 'no-such-check' },
      "checkId: no check 'no-such-check'",
    );
    await bad({ expiresAt: inDays(-1) }, 'expiresAt: must be in the future');
    await bad({ expiresAt: inDays(367) }, 'expiresAt: must be at most 366');
    await bad({ expiresAt: 'soon' }, 'expiresAt');
    await bad({ team: ML }, 'environment: name exactly one');
    await bad({ environment: undefined }, 'environment: name exactly one');
    await bad({ justification: 'because' }, 'justification');
    // Bad input is a 400 before the policy, for anyone.
    await waive('kenji', { ...body, checkId: 'no-such-check' }, 400);

    expect(
      errorOf(
        await waive('marco', { ...body, environment: 'ml-nowhere' }, 404),
      ),
    ).toContain('ml-nowhere');
    await revoke('marco', 'not-a-uuid', 400);
    const unknown = '4b7c2a3e-0000-4000-8000-000000000000';
    expect(errorOf(await revoke('marco', unknown, 404))).toContain(unknown);
  });

  it('stops counting a revoked waiver at once', async () => {
    const waived = await checkOf('ml-bad', 'quota-gpu');
    expect(waived.status).toBe('waived');
    const before = await scoreOf('lena', 'ml-bad');
    const revoked = await revoke('marco', waived.waiver!.id);
    expect(revoked).toMatchObject({
      id: waived.waiver!.id,
      state: 'revoked',
      revokedBy: USERS.marco,
    });
    expect(await checkOf('ml-bad', 'quota-gpu')).toMatchObject({
      status: 'fail',
    });
    expect(await scoreOf('lena', 'ml-bad')).toBeLessThan(before);
    expect(errorOf(await revoke('marco', revoked.id, 409))).toContain(
      'revoked already',
    );
    const lists = await get<ComplianceWaiverList>(
      'lena',
      '/compliance/waivers?state=revoked',
    );
    expect(lists.items.map(w => w.id)).toEqual([revoked.id]);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'compliance-waiver-revoke',
        meta: expect.objectContaining({ id: revoked.id }),
      }),
    );
  });

  it('stops counting an expired waiver at once, and lists it expired', async () => {
    expect((await checkOf('ml-bad', 'network-default-deny')).status).toBe(
      'fail',
    );
    const expiresAt = new Date(Date.now() + 2500).toISOString();
    const short = await waive('marco', {
      checkId: 'network-default-deny',
      environment: 'ml-bad',
      justification: JUSTIFICATION,
      expiresAt,
    });
    expect((await checkOf('ml-bad', 'network-default-deny')).status).toBe(
      'waived',
    );
    // The clock moves past expiresAt: the next answer no longer counts it.
    await new Promise(r =>
      setTimeout(r, Date.parse(expiresAt) - Date.now() + 50),
    );
    expect(await checkOf('ml-bad', 'network-default-deny')).toMatchObject({
      status: 'fail',
    });
    expect(
      (
        await get<ComplianceWaiverList>('lena', '/compliance/waivers')
      ).items.map(w => w.id),
    ).toEqual([leadWaiver.id]);
    const expired = await get<ComplianceWaiverList>(
      'lena',
      '/compliance/waivers?state=expired',
    );
    expect(expired.items).toEqual([
      expect.objectContaining({ id: short.id, state: 'expired' }),
    ]);
    expect(errorOf(await revoke('marco', short.id, 409))).toContain(
      'expired already',
    );
    const all = await get<ComplianceWaiverList>(
      'admin',
      '/compliance/waivers?state=all',
    );
    expect(all.items.map(w => w.state).sort()).toEqual([
      'active',
      'active',
      'expired',
      'revoked',
    ]);
  });
});
