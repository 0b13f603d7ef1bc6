import {
  budgetPutSchema,
  costOverTimeQuerySchema,
  costTopQuerySchema,
} from './schemas';

describe('request schemas', () => {
  it('reads a cost query with defaults and a team list', () => {
    const q = costOverTimeQuerySchema.parse({
      from: '2026-11-01',
      to: '2026-12-01',
      teams: 'group:default/a, b',
    });
    expect(q).toEqual({
      from: '2026-11-01',
      to: '2026-12-01',
      teams: ['group:default/a', 'group:default/b'],
      interval: 'day',
      stackBy: 'category',
    });
  });

  it('names the field of a bad range', () => {
    const r = costOverTimeQuerySchema.safeParse({
      from: '2026-12-01',
      to: '2026-11-01',
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['to']);
    const long = costTopQuerySchema.safeParse({
      from: '2020-01-01',
      to: '2026-01-01',
    });
    expect(long.error?.issues[0].message).toMatch(/at most 400 days/);
    const bad = costTopQuerySchema.safeParse({ from: 'yesterday', to: 'x' });
    expect(bad.error?.issues.map(i => i.path[0])).toEqual(['from', 'to']);
  });

  it('refuses unknown fields and negative budgets', () => {
    expect(
      costOverTimeQuerySchema.safeParse({
        from: '2026-11-01',
        to: '2026-12-01',
        colour: 'red',
      }).success,
    ).toBe(false);
    expect(
      budgetPutSchema.safeParse({
        scope: 'team',
        subject: 'group:default/a',
        monthlyAmount: -1,
      }).error?.issues[0].path,
    ).toEqual(['monthlyAmount']);
  });

  it('keeps teams as group refs and refuses other kinds', () => {
    expect(
      budgetPutSchema.parse({
        scope: 'team',
        subject: 'ml-research',
        monthlyAmount: 1,
      }).subject,
    ).toBe('group:default/ml-research');
    expect(
      budgetPutSchema.parse({
        scope: 'cost-center',
        subject: 'CC-1',
        monthlyAmount: 1,
      }).subject,
    ).toBe('CC-1');
    const user = budgetPutSchema.safeParse({
      scope: 'team',
      subject: 'user:default/ann',
      monthlyAmount: 1,
    });
    expect(user.error?.issues[0].path).toEqual(['subject']);
    const teams = costTopQuerySchema.safeParse({
      from: '2026-11-01',
      to: '2026-11-02',
      teams: 'a,component:default/x',
    });
    expect(teams.error?.issues[0]).toMatchObject({ path: ['teams'] });
  });
});
