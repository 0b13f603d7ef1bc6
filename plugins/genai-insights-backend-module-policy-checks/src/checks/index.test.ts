import { CHECK_SEVERITIES } from '@genai-portal/plugin-genai-insights-common';
import type { CheckContext } from '@genai-portal/plugin-genai-insights-node';
import {
  checkContext,
  compliantEnvironment,
  oddEnvironments,
} from '../__testUtils__/environment';
import { builtInChecks, createBuiltInChecks } from './index';

describe('builtInChecks', () => {
  it('has the seventeen checks, with unique lower-case-dashed ids', () => {
    const ids = builtInChecks.map(c => c.id);
    expect(ids).toEqual([
      'required-labels',
      'pod-security-restricted',
      'resources-requests-limits',
      'gpu-pool-placement',
      'network-default-deny',
      'network-ingress-allowed-only',
      'network-egress-limited',
      'quota-gpu',
      'limit-range',
      'cost-annotations',
      'image-registry-and-tag',
      'deployment-probes',
      'pdb-for-replicas',
      'lease-not-expired',
      'gatekeeper-audit',
      'kyverno-policy-reports',
      'gpu-not-idle',
    ]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it.each(builtInChecks.map(c => [c.id, c] as const))(
    '%s has every info field',
    (_id, check) => {
      for (const field of [
        'title',
        'category',
        'looksAt',
        'remediation',
      ] as const) {
        expect(typeof check[field]).toBe('string');
        expect(check[field].trim()).not.toBe('');
      }
      expect(CHECK_SEVERITIES).toContain(check.severity);
      expect(check.category).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(typeof check.evaluate).toBe('function');
    },
  );

  it.each(builtInChecks.map(c => [c.id, c] as const))(
    '%s passes and applies on the environment the playground creates',
    async (_id, check) => {
      const env = compliantEnvironment();
      expect(check.appliesTo?.(env, checkContext()) ?? true).toBe(true);
      await expect(
        Promise.resolve(check.evaluate(env, checkContext())),
      ).resolves.toEqual([]);
    },
  );

  it.each(builtInChecks.map(c => [c.id, c] as const))(
    '%s does not throw on odd objects',
    async (_id, check) => {
      const contexts = [
        checkContext(),
        checkContext({ allowedRegistries: [], pools: [] }),
        {} as CheckContext,
      ];
      for (const env of oddEnvironments()) {
        for (const context of contexts) {
          expect(() => check.appliesTo?.(env, context)).not.toThrow();
          const failures = await check.evaluate(env, context);
          expect(Array.isArray(failures)).toBe(true);
          for (const f of failures) {
            expect(typeof f.kind).toBe('string');
            expect(typeof f.name).toBe('string');
            expect(typeof f.fieldPath).toBe('string');
            expect(typeof f.message).toBe('string');
          }
        }
      }
    },
  );

  it('shows objects without a name as (unnamed)', async () => {
    const env = compliantEnvironment();
    delete env.pods[0].metadata!.name;
    delete env.pods[0].metadata!.labels!['security-level'];
    const [check] = builtInChecks;
    await expect(
      Promise.resolve(check.evaluate(env, checkContext())),
    ).resolves.toEqual([
      {
        kind: 'Pod',
        name: '(unnamed)',
        fieldPath: 'metadata.labels.security-level',
        message: 'is missing',
      },
    ]);
  });

  it('admits the configured gateway namespace', async () => {
    const env = compliantEnvironment();
    env.networkPolicies[3].spec.ingress[0].from[0].namespaceSelector.matchLabels[
      'kubernetes.io/metadata.name'
    ] = 'ai-gateway';
    const ingress = (checks: typeof builtInChecks) => {
      const check = checks.find(c => c.id === 'network-ingress-allowed-only')!;
      return {
        evaluate: async (...args: Parameters<typeof check.evaluate>) =>
          check.evaluate(...args),
      };
    };
    await expect(
      ingress(builtInChecks).evaluate(env, checkContext()),
    ).resolves.toHaveLength(1);
    await expect(
      ingress(
        createBuiltInChecks({ gatewayNamespaces: ['ai-gateway'] }),
      ).evaluate(env, checkContext()),
    ).resolves.toEqual([]);
  });
});
