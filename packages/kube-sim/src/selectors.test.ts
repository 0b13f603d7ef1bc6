import {
  matchesNodeSelectorTerm,
  matchesRequirements,
  matchesSelector,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', 'gpu-type': 'mi355x' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app in (web,api)', true],
    ['app notin (web)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['missing', false],
    ['app=web,tier in (back)', false],
    ['gpu-type in (mi355x, mi300x),app', true],
    ['missing!=x', true],
  ])('%s → %s', (selector, expected) => {
    expect(matchesRequirements(parseLabelSelector(selector), labels)).toBe(
      expected,
    );
  });

  it('rejects malformed selectors with 400', () => {
    expect(() => parseLabelSelector('a=(b')).toThrow(
      expect.objectContaining({ code: 400 }),
    );
  });

  it('matches structured selectors and node selector terms', () => {
    expect(
      matchesSelector(
        {
          matchLabels: { app: 'web' },
          matchExpressions: [{ key: 'tier', operator: 'Exists' }],
        },
        labels,
      ),
    ).toBe(true);
    expect(matchesSelector({}, labels)).toBe(true);
    expect(
      matchesNodeSelectorTerm(
        {
          matchExpressions: [
            { key: 'gpu-type', operator: 'NotIn', values: ['mi300x'] },
          ],
        },
        labels,
        'n1',
      ),
    ).toBe(true);
    expect(
      matchesNodeSelectorTerm(
        {
          matchFields: [
            { key: 'metadata.name', operator: 'In', values: ['n2'] },
          ],
        },
        labels,
        'n1',
      ),
    ).toBe(false);
  });

  it('parses field selectors and refuses unsupported fields', () => {
    expect(
      parseFieldSelector('metadata.name=a,status.phase!=Running', [
        'metadata.name',
        'status.phase',
      ]),
    ).toEqual([
      { field: 'metadata.name', value: 'a', negate: false },
      { field: 'status.phase', value: 'Running', negate: true },
    ]);
    expect(() => parseFieldSelector('spec.x=1', ['metadata.name'])).toThrow(
      'field label not supported: spec.x',
    );
  });
});
