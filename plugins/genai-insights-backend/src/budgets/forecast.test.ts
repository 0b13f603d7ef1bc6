import { forecastMonth, thresholdsCrossed } from './forecast';

const NOV = {
  monthStart: Date.UTC(2026, 10, 1),
  monthEnd: Date.UTC(2026, 11, 1),
};
const DAY = 86_400_000;

function days(costs: number[]) {
  return new Map(
    costs.map((c, i) => [`2026-11-${String(i + 1).padStart(2, '0')}`, c]),
  );
}

describe('forecastMonth', () => {
  it('extrapolates the run rate of complete days, with no band when every day costs the same', () => {
    // 10 complete days of 100, now at the start of day 11: 20 days left.
    const { monthToDate, forecast } = forecastMonth({
      ...NOV,
      now: NOV.monthStart + 10 * DAY,
      daily: days(Array(10).fill(100)),
    });
    expect(monthToDate).toBe(1000);
    expect(forecast).toEqual({
      costMicros: 3000,
      lowMicros: 3000,
      highMicros: 3000,
    });
  });

  it('gives a 90% band from the daily variance, growing with the square root of the days left', () => {
    const costs = [80, 120, 80, 120, 80, 120, 80, 120, 80, 120];
    const { forecast } = forecastMonth({
      ...NOV,
      now: NOV.monthStart + 10 * DAY,
      daily: days(costs),
    });
    const sd = Math.sqrt(costs.reduce((a, c) => a + (c - 100) ** 2, 0) / 9);
    const half = 1.645 * sd * Math.sqrt(20);
    expect(forecast.costMicros).toBe(3000);
    expect(forecast.lowMicros).toBe(Math.round(3000 - half));
    expect(forecast.highMicros).toBe(Math.round(3000 + half));
  });

  it('counts days without rows as zero and today as spent', () => {
    const daily = new Map([
      ['2026-11-01', 300],
      ['2026-11-03', 0],
      ['2026-11-04', 50], // today, half gone
    ]);
    const { monthToDate, forecast } = forecastMonth({
      ...NOV,
      now: NOV.monthStart + 3.5 * DAY,
      daily,
    });
    expect(monthToDate).toBe(350);
    // rate 100 a day over the 3 complete days; 26.5 days left
    expect(forecast.costMicros).toBe(350 + 2650);
    expect(forecast.lowMicros).toBeGreaterThanOrEqual(350);
  });

  it('extrapolates the first day alone, with a band as wide as the rest', () => {
    const { forecast } = forecastMonth({
      ...NOV,
      now: NOV.monthStart + DAY / 4,
      daily: new Map([['2026-11-01', 25]]),
    });
    expect(forecast.costMicros).toBe(3000);
    expect(forecast.lowMicros).toBe(25);
    expect(forecast.highMicros).toBe(3000 + 2975);
  });

  it('is the actual once the month is over', () => {
    const { forecast } = forecastMonth({
      ...NOV,
      now: NOV.monthEnd + DAY,
      daily: days([1, 2, 3]),
    });
    expect(forecast).toEqual({ costMicros: 6, lowMicros: 6, highMicros: 6 });
  });
});

describe('forecastMonth for a team that starts spending mid-month', () => {
  it('takes the run rate from the days since spending began, not the empty days before', () => {
    // Nothing on days 1-4, 100 on days 5 and 6; now the start of day 7: 24 days left.
    const { forecast } = forecastMonth({
      ...NOV,
      now: NOV.monthStart + 6 * DAY,
      daily: days([0, 0, 0, 0, 100, 100]),
    });
    expect(forecast.costMicros).toBe(200 + 100 * 24);
  });

  it('extrapolates today alone when spending began today', () => {
    // Nothing before day 5; 50 spent by noon of day 5: a rate of 100 a day, 25.5 days left.
    const { forecast } = forecastMonth({
      ...NOV,
      now: NOV.monthStart + 4.5 * DAY,
      daily: new Map([['2026-11-05', 50]]),
    });
    expect(forecast.costMicros).toBe(50 + 100 * 25.5);
    expect(forecast.lowMicros).toBe(50);
  });
});

describe('thresholdsCrossed', () => {
  it.each([
    [1000, 499, 900, []],
    [1000, 500, 900, ['actual-50']],
    [1000, 800, 1000, ['actual-50', 'actual-80']],
    [1000, 700, 1001, ['actual-50', 'forecast-100']],
    [
      1000,
      1000,
      1500,
      ['actual-50', 'actual-80', 'actual-100', 'forecast-100'],
    ],
    [0, 0, 0, []],
    [0, 1, 1, ['actual-50', 'actual-80', 'actual-100', 'forecast-100']],
  ])(
    'budget %d, spent %d, forecast %d: %j',
    (budget, spent, forecast, expected) => {
      expect(thresholdsCrossed(budget, spent, forecast)).toEqual(expected);
    },
  );
});
