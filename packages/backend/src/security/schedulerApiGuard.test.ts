import { schedulerApiGuard, type GuardRequest } from './schedulerApiGuard';

/** A JWT of this header (the guard reads only the header, unverified). */
const jwt = (header: object) =>
  `${Buffer.from(JSON.stringify(header)).toString('base64url')}.e30.c2ln`;

function run(path: string, authorization?: string) {
  const req: GuardRequest = {
    path,
    method: 'POST',
    originalUrl: path,
    headers: authorization ? { authorization } : {},
  };
  let refused: { code: number; body: any } | undefined;
  let passed = false;
  schedulerApiGuard(
    req,
    {
      status: code => ({
        json: body => {
          refused = { code, body };
          return undefined;
        },
      }),
    },
    () => {
      passed = true;
    },
  );
  return { passed, refused };
}

const TRIGGER =
  '/api/genai-insights/.backstage/scheduler/v1/tasks/genai-insights-collector/trigger';

describe('schedulerApiGuard', () => {
  it("refuses a user's token and a user's limited token the scheduler's API", () => {
    for (const typ of ['vnd.backstage.user', 'vnd.backstage.limited-user']) {
      const { passed, refused } = run(
        TRIGGER,
        `Bearer ${jwt({ typ, alg: 'ES256' })}`,
      );
      expect(passed).toBe(false);
      expect(refused).toEqual({
        code: 403,
        body: expect.objectContaining({
          error: expect.objectContaining({ name: 'NotAllowedError' }),
        }),
      });
    }
    expect(
      run(
        '/api/catalog/.backstage/scheduler/v1/tasks',
        `Bearer ${jwt({ typ: 'vnd.backstage.user' })}`,
      ).refused?.code,
    ).toBe(403);
  });

  it("lets services' and static tokens, no token and bad tokens through to the plugin's own auth", () => {
    for (const authorization of [
      `Bearer ${jwt({ typ: 'vnd.backstage.plugin', alg: 'ES256' })}`,
      'Bearer a-static-operator-token',
      undefined,
      'Bearer not.a.jwt-header!',
      `Bearer ${jwt({ alg: 'none' })}`,
    ]) {
      expect(run(TRIGGER, authorization)).toEqual({
        passed: true,
        refused: undefined,
      });
    }
  });

  it("leaves every other path alone, users' included", () => {
    const user = `Bearer ${jwt({ typ: 'vnd.backstage.user' })}`;
    for (const path of [
      '/api/genai-insights/compliance/scorecards',
      '/api/genai-insights/scheduler/v1/tasks',
      '/.backstage/health/v1/readiness',
    ]) {
      expect(run(path, user).passed).toBe(true);
    }
  });
});
