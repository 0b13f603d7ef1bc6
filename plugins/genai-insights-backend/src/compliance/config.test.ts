import { ConfigReader } from '@backstage/config';
import { ConfigProblem } from '../configProblem';
import { readComplianceConfig } from './config';

const read = (compliance: unknown) =>
  readComplianceConfig(new ConfigReader({ compliance } as any));

describe('readComplianceConfig', () => {
  it('keeps a year of history by default', () => {
    expect(readComplianceConfig(undefined).historyDays).toBe(365);
    expect(read({}).historyDays).toBe(365);
  });

  it('reads historyDays from 1 to 3650, and as a string from the environment', () => {
    expect(read({ historyDays: 1 }).historyDays).toBe(1);
    expect(read({ historyDays: 3650 }).historyDays).toBe(3650);
    expect(read({ historyDays: '90' }).historyDays).toBe(90);
  });

  it.each([0, -1, 3651, 1.5, 'a year', '', true])(
    'refuses historyDays %p, naming the key',
    value => {
      const attempt = () => read({ historyDays: value });
      expect(attempt).toThrow(ConfigProblem);
      expect(attempt).toThrow(
        /^Invalid config at genaiInsights\.compliance\.historyDays: must be a whole number of days from 1 to 3650, got /,
      );
    },
  );
});
