import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import { createCheckRegistry } from './CheckRegistry';

const check = (
  id: string,
  over: Partial<ComplianceCheck> = {},
): ComplianceCheck => ({
  id,
  title: `Check ${id}`,
  severity: 'medium',
  category: 'labels',
  looksAt: 'the namespace',
  remediation: 'add the label',
  evaluate: () => [],
  ...over,
});

describe('createCheckRegistry', () => {
  it('keeps the checks in the order they were added', () => {
    const registry = createCheckRegistry();
    registry.extensionPoint.addChecks(check('required-labels'), check('quota'));
    registry.extensionPoint.addChecks(check('pod-security-restricted'));
    expect(registry.checks.map(c => c.id)).toEqual([
      'required-labels',
      'quota',
      'pod-security-restricted',
    ]);
  });

  it('rejects a duplicate id, within one call or across calls, naming it', () => {
    const registry = createCheckRegistry();
    registry.extensionPoint.addChecks(check('quota'));
    expect(() => registry.extensionPoint.addChecks(check('quota'))).toThrow(
      "Compliance check 'quota' is already added: check ids must be unique across modules",
    );
    expect(() =>
      registry.extensionPoint.addChecks(check('limits'), check('limits')),
    ).toThrow("Compliance check 'limits' is already added");
    // nothing of a rejected call is added
    expect(registry.checks.map(c => c.id)).toEqual(['quota']);
  });

  it.each([
    ['Upper', {}, 'id must be lowercase'],
    ['-dash', {}, 'id must be lowercase'],
    ['dash-', {}, 'id must be lowercase'],
    ['a'.repeat(64), {}, 'id must be lowercase'],
    ['ok', { title: '' }, 'title is missing'],
    ['ok', { remediation: undefined as any }, 'remediation is missing'],
    [
      'ok',
      { severity: 'huge' as any },
      "severity 'huge' is not one of critical, high, medium, low",
    ],
    ['ok', { evaluate: undefined as any }, 'evaluate is not a function'],
    ['ok', { appliesTo: true as any }, 'appliesTo is not a function'],
  ])('rejects a malformed check %s %j', (id, over, message) => {
    const registry = createCheckRegistry();
    expect(() => registry.extensionPoint.addChecks(check(id, over))).toThrow(
      `Compliance check '${id}': ${message}`,
    );
    expect(registry.checks).toEqual([]);
  });

  it('rejects something that is not a check', () => {
    const registry = createCheckRegistry();
    expect(() => registry.extensionPoint.addChecks(undefined as any)).toThrow(
      "Compliance check 'undefined': is not an object",
    );
  });
});
