import type {
  BudgetForecast,
  BudgetThreshold,
  Micros,
} from '@genai-portal/plugin-genai-insights-common';

const DAY_MS = 86_400_000;

/** z for a two-sided 90% band of a normal distribution. */
const Z_90 = 1.645;

/**
 * A month-end forecast from the days so far.
 *
 * - The run rate is the mean cost of the month's complete days since spending began (the first
 *   day with a cost; days without rows after it cost 0), so a team that starts mid-month is
 *   not diluted by the days before it existed; before such a day is complete, today's cost so
 *   far extrapolated to a whole day.
 * - Forecast = month to date + run rate × days left (fractional, to the month's end).
 * - The band treats the days left as independent draws with the complete days' standard
 *   deviation s: ± 1.645 · s · √(days left), a 90% range for the sum. With fewer than two
 *   complete days there is no variance to measure, and the band is ± the remaining forecast.
 *   The low end never goes below what is already spent.
 */
export function forecastMonth(input: {
  /** Start of the month, ms. */
  monthStart: number;
  /** Start of the next month, ms. */
  monthEnd: number;
  now: number;
  /** Cost per day `YYYY-MM-DD` of the month so far (today's is partial). */
  daily: Map<string, Micros>;
}): { monthToDate: Micros; forecast: BudgetForecast } {
  const { monthStart, monthEnd, daily } = input;
  const now = Math.min(Math.max(input.now, monthStart), monthEnd);
  const monthToDate = [...daily.values()].reduce((a, b) => a + b, 0);
  const left = (monthEnd - now) / DAY_MS;
  if (left <= 0) {
    return {
      monthToDate,
      forecast: {
        costMicros: monthToDate,
        lowMicros: monthToDate,
        highMicros: monthToDate,
      },
    };
  }
  const dayOf = (d: number) =>
    new Date(monthStart + d * DAY_MS).toISOString().slice(0, 10);
  const completeDays = Math.floor((now - monthStart) / DAY_MS);
  let firstDay = 0;
  while (firstDay < completeDays && !(daily.get(dayOf(firstDay)) ?? 0)) {
    firstDay++;
  }
  const costs: number[] = [];
  for (let d = firstDay; d < completeDays; d++) {
    costs.push(daily.get(dayOf(d)) ?? 0);
  }
  let rate: number;
  let spread: number;
  if (costs.length > 0) {
    rate = costs.reduce((a, b) => a + b, 0) / costs.length;
    if (costs.length >= 2) {
      const variance =
        costs.reduce((a, c) => a + (c - rate) ** 2, 0) / (costs.length - 1);
      spread = Z_90 * Math.sqrt(variance) * Math.sqrt(left);
    } else {
      spread = rate * left;
    }
  } else {
    const todayElapsed = (now - monthStart) / DAY_MS - completeDays;
    rate = todayElapsed > 0 ? monthToDate / todayElapsed : 0;
    spread = rate * left;
  }
  const cost = monthToDate + rate * left;
  return {
    monthToDate,
    forecast: {
      costMicros: Math.round(cost),
      lowMicros: Math.round(Math.max(monthToDate, cost - spread)),
      highMicros: Math.round(cost + spread),
    },
  };
}

/** The thresholds crossed: 50, 80 and 100% of the budget spent, and a forecast over it. */
export function thresholdsCrossed(
  budget: Micros,
  monthToDate: Micros,
  forecast: Micros,
): BudgetThreshold[] {
  const crossed: BudgetThreshold[] = [];
  // A budget of 0 allows nothing: any spending crosses every threshold.
  const reached = (percent: number) =>
    budget > 0 ? monthToDate * 100 >= budget * percent : monthToDate > 0;
  if (reached(50)) crossed.push('actual-50');
  if (reached(80)) crossed.push('actual-80');
  if (reached(100)) crossed.push('actual-100');
  if (forecast > budget) crossed.push('forecast-100');
  return crossed;
}
