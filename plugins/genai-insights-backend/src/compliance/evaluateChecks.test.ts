import { mockServices } from '@backstage/backend-test-utils';
import type {
  CheckContext,
  ComplianceCheck,
  EnvironmentObjects,
} from '@genai-portal/plugin-genai-insights-node';
import { evaluateChecks, MAX_FAILURES } from './evaluateChecks';

const context: CheckContext = {
  now: new Date('2026-12-01T00:00:00Z'),
  allowedRegistries: [],
  pools: [],
};

function environment(
  name: string,
  meta: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
  pods = 0,
): EnvironmentObjects {
  return {
    namespace: { kind: 'Namespace', metadata: { name, ...meta } },
    pods: Array.from({ length: pods }, (_, i) => ({
      kind: 'Pod',
      metadata: { name: `pod-${i}`, namespace: name },
    })),
    deployments: [],
    statefulSets: [],
    jobs: [],
    networkPolicies: [],
    resourceQuotas: [],
    limitRanges: [],
    podDisruptionBudgets: [],
    policyReports: [],
  };
}

function check(
  id: string,
  evaluate: ComplianceCheck['evaluate'],
  appliesTo?: ComplianceCheck['appliesTo'],
): ComplianceCheck {
  return {
    id,
    title: id,
    severity: 'high',
    category: 'test',
    looksAt: 'every pod',
    remediation: 'fix it',
    evaluate,
    appliesTo,
  };
}

/** A failure per pod. */
const perPod = check('per-pod', objects =>
  objects.pods.map(p => ({
    kind: 'Pod',
    name: p.metadata!.name!,
    fieldPath: 'spec',
    message: 'is wrong',
  })),
);

describe('evaluateChecks', () => {
  it('returns one result per environment and check, with its team and cost center', async () => {
    const results = await evaluateChecks({
      checks: [perPod, check('quota', () => [])],
      environments: [
        environment(
          'team-a-dev',
          {
            labels: { 'genai-playground.io/team': 'team-a' },
            annotations: { 'genai-playground.io/cost-center': 'CC-1' },
          },
          2,
        ),
        environment('orphan'),
      ],
      context,
    });
    expect(results).toEqual([
      {
        environment: 'team-a-dev',
        team: 'team-a',
        costCenter: 'CC-1',
        checkId: 'per-pod',
        status: 'fail',
        failures: [
          {
            kind: 'Pod',
            name: 'pod-0',
            fieldPath: 'spec',
            message: 'is wrong',
          },
          {
            kind: 'Pod',
            name: 'pod-1',
            fieldPath: 'spec',
            message: 'is wrong',
          },
        ],
        failureCount: 2,
      },
      {
        environment: 'team-a-dev',
        team: 'team-a',
        costCenter: 'CC-1',
        checkId: 'quota',
        status: 'pass',
        failures: [],
        failureCount: 0,
      },
      {
        environment: 'orphan',
        team: undefined,
        costCenter: undefined,
        checkId: 'per-pod',
        status: 'pass',
        failures: [],
        failureCount: 0,
      },
      {
        environment: 'orphan',
        team: undefined,
        costCenter: undefined,
        checkId: 'quota',
        status: 'pass',
        failures: [],
        failureCount: 0,
      },
    ]);
  });

  it('keeps the first 50 failures and counts them all', async () => {
    const [result] = await evaluateChecks({
      checks: [perPod],
      environments: [environment('big', {}, 120)],
      context,
    });
    expect(result.status).toBe('fail');
    expect(result.failures).toHaveLength(MAX_FAILURES);
    expect(result.failures[49].name).toBe('pod-49');
    expect(result.failureCount).toBe(120);
  });

  it('leaves environments a check does not apply to out, passing it the context', async () => {
    const appliesTo = jest.fn(
      (objects: EnvironmentObjects, ctx: CheckContext) =>
        objects.pods.length > 0 && ctx === context,
    );
    const results = await evaluateChecks({
      checks: [check('pdb', () => [], appliesTo)],
      environments: [environment('empty'), environment('busy', {}, 1)],
      context,
    });
    expect(results.map(r => [r.environment, r.status])).toEqual([
      ['empty', 'not-applicable'],
      ['busy', 'pass'],
    ]);
  });

  it('makes a check that throws, answers nonsense or overruns an error there only, logged once', async () => {
    const logger = mockServices.logger.mock();
    const throwing = check('throws', objects => {
      if (objects.pods.length) throw new Error('boom');
      return [];
    });
    const nonsense = check('nonsense', () => 'no' as any);
    const slow = check(
      'slow',
      () => new Promise(resolve => setTimeout(() => resolve([]), 1_000)),
    );
    const busy = check('busy', () => {
      const until = Date.now() + 80;
      while (Date.now() < until) {
        // a synchronous check that overruns
      }
      return [];
    });
    const results = await evaluateChecks({
      checks: [throwing, nonsense, slow, busy, perPod],
      environments: [
        environment('a', {}, 1),
        environment('b', {}, 1),
        environment('c'),
      ],
      context,
      logger,
      timeBudgetMs: 50,
    });
    const status = (env: string, id: string) =>
      results.find(r => r.environment === env && r.checkId === id);
    expect(status('a', 'throws')).toMatchObject({
      status: 'error',
      error: 'the check failed: boom',
      failures: [],
    });
    expect(status('c', 'throws')?.status).toBe('pass');
    expect(status('a', 'nonsense')).toMatchObject({
      status: 'error',
      error: 'the check failed: it did not return a list of failures',
    });
    expect(status('b', 'slow')).toMatchObject({
      status: 'error',
      error: 'the check took longer than 50 ms',
    });
    expect(status('c', 'busy')?.status).toBe('error');
    expect(status('a', 'per-pod')?.status).toBe('fail');
    expect(logger.warn).toHaveBeenCalledTimes(4);
    expect(logger.warn).toHaveBeenCalledWith(
      "Compliance check 'throws' could not run in 2 environments (a: the check failed: boom)",
    );
  });

  it('makes a throwing appliesTo an error too', async () => {
    const [result] = await evaluateChecks({
      checks: [
        check(
          'x',
          () => [],
          () => {
            throw new Error('bad');
          },
        ),
      ],
      environments: [environment('a')],
      context,
    });
    expect(result).toMatchObject({
      status: 'error',
      error: 'the check failed: bad',
    });
  });
});
