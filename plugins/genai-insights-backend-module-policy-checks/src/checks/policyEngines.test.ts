import { checkContext, evaluate } from '../__testUtils__/environment';
import { gatekeeperAuditCheck } from './gatekeeperAudit';
import { kyvernoPolicyReportsCheck } from './kyvernoPolicyReports';

const NS = 'ml-research-rag-eval';

/** A violation as the insights backend reads it from a constraint's status. */
const violation = (over: Record<string, unknown> = {}) => ({
  constraintKind: 'K8sRequiredLabels',
  constraintName: 'genai-required-labels',
  enforcementAction: 'deny',
  kind: 'Namespace',
  name: NS,
  message: 'missing required label data-classification',
  auditTimestamp: '2026-12-05T11:59:00Z',
  ...over,
});

/** A Kyverno result, as in a PolicyReport's `results`. */
const result = (over: Record<string, unknown> = {}) => ({
  source: 'kyverno',
  policy: 'disallow-latest-tag',
  rule: 'validate-image-tag',
  result: 'fail',
  severity: 'medium',
  message:
    "validation error: Using a mutable image tag e.g. 'latest' is not allowed.",
  ...over,
});

describe('gatekeeper-audit', () => {
  const check = gatekeeperAuditCheck;

  it('passes when the last audit found nothing in the environment', async () => {
    await expect(evaluate(check)).resolves.toEqual([]);
  });

  it("fails each violation, naming the constraint, with Gatekeeper's message", async () => {
    await expect(
      evaluate(check, env => {
        env.gatekeeper!.violations = [
          violation(),
          violation({
            constraintKind: 'K8sAllowedRepos',
            constraintName: 'quay-only',
            enforcementAction: 'warn',
            kind: 'Pod',
            namespace: NS,
            name: 'llama-7c9d4-abcde',
            message:
              'container <vllm> has an invalid image repo <docker.io/vllm/vllm>',
          }),
        ];
      }),
    ).resolves.toEqual([
      {
        kind: 'Namespace',
        name: NS,
        fieldPath: 'gatekeeper.K8sRequiredLabels/genai-required-labels',
        message:
          'missing required label data-classification (deny, audit 2026-12-05T11:59:00Z)',
      },
      {
        kind: 'Pod',
        name: 'llama-7c9d4-abcde',
        fieldPath: 'gatekeeper.K8sAllowedRepos/quay-only',
        message:
          'container <vllm> has an invalid image repo <docker.io/vllm/vllm> (warn, audit 2026-12-05T11:59:00Z)',
      },
    ]);
  });

  it('does not apply where Gatekeeper does not run, or was not read', () => {
    const env = (gatekeeper: unknown) =>
      ({ gatekeeper } as unknown as Parameters<typeof check.evaluate>[0]);
    expect(
      check.appliesTo!(env({ running: false, violations: [] }), checkContext()),
    ).toBe(false);
    expect(check.appliesTo!(env(undefined), checkContext())).toBe(false);
    expect(
      check.appliesTo!(env({ running: true, violations: [] }), checkContext()),
    ).toBe(true);
  });

  it('names the remediation after the constraint', () => {
    expect(check.remediation).toContain('constraint named in the field path');
    expect(check.category).toBe('policy-engine');
  });
});

describe('kyverno-policy-reports', () => {
  const check = kyvernoPolicyReportsCheck;

  it('passes when every result passes', async () => {
    await expect(evaluate(check)).resolves.toEqual([]);
  });

  it('fails each fail and error result, naming policy, rule and resource; warn and skip do not fail', async () => {
    await expect(
      evaluate(check, env => {
        env.policyReports[0].results = [
          result(),
          result({
            policy: 'require-pod-probes',
            rule: 'validate-probes',
            result: 'warn',
            message: 'probes are required',
          }),
          result({ result: 'skip', rule: 'other' }),
          result({
            policy: 'restrict-volume-types',
            rule: 'restricted-volumes',
            result: 'error',
            message: 'failed to evaluate preconditions',
          }),
        ];
      }),
    ).resolves.toEqual([
      {
        kind: 'Pod',
        name: 'bp-j-7f3a-x2k9d',
        fieldPath: 'kyverno.disallow-latest-tag/validate-image-tag',
        message:
          "fail: validation error: Using a mutable image tag e.g. 'latest' is not allowed.",
      },
      {
        kind: 'Pod',
        name: 'bp-j-7f3a-x2k9d',
        fieldPath: 'kyverno.restrict-volume-types/restricted-volumes',
        message: 'error: failed to evaluate preconditions',
      },
    ]);
  });

  it('reads the resources of a result in reports of Kyverno before 1.10 (one per namespace)', async () => {
    await expect(
      evaluate(check, env => {
        env.policyReports = [
          {
            apiVersion: 'wgpolicyk8s.io/v1alpha2',
            kind: 'PolicyReport',
            metadata: { name: `polr-ns-${NS}`, namespace: NS },
            results: [
              result({
                resources: [
                  {
                    apiVersion: 'apps/v1',
                    kind: 'Deployment',
                    name: 'llama',
                    namespace: NS,
                  },
                  {
                    apiVersion: 'batch/v1',
                    kind: 'Job',
                    name: 'bp-j-7f3a',
                    namespace: NS,
                  },
                ],
              }),
            ],
          },
        ];
      }),
    ).resolves.toEqual([
      expect.objectContaining({ kind: 'Deployment', name: 'llama' }),
      expect.objectContaining({ kind: 'Job', name: 'bp-j-7f3a' }),
    ]);
  });

  it('does not apply where PolicyReports are not served, or were not read', () => {
    const env = (policyReportsServed: unknown) =>
      ({ policyReports: [], policyReportsServed } as unknown as Parameters<
        typeof check.evaluate
      >[0]);
    expect(check.appliesTo!(env(false), checkContext())).toBe(false);
    expect(check.appliesTo!(env(undefined), checkContext())).toBe(false);
    expect(check.appliesTo!(env(true), checkContext())).toBe(true);
  });
});
