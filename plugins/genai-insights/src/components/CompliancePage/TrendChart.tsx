import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type {
  ComplianceHistory,
  ComplianceHistoryPoint,
} from '@genai-portal/plugin-genai-insights-common';
import { teamName } from '@genai-portal/plugin-genai-insights-react';
import { useMemo } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatScore } from '../../lib/compliance';
import { formatPeriod } from '../../lib/format';
import { seriesColor } from '../CostPage/colors';

interface Series {
  key: string;
  name: string;
  points: ComplianceHistoryPoint[];
}

/** The platform's line when the history has one, else one line per team. */
export function trendSeries(history: ComplianceHistory): Series[] {
  if (history.platform) {
    return [{ key: 'platform', name: 'Platform', points: history.platform }];
  }
  if (history.environment) {
    return [
      {
        key: history.environment.name,
        name: history.environment.name,
        points: history.environment.points,
      },
    ];
  }
  return history.teams.map(t => ({
    key: t.name,
    name: teamName(t.name),
    points: t.points,
  }));
}

/** Rows of the chart, one per day: `{ day, <series key>: percent }`. */
export function trendRows(
  series: Series[],
): Array<Record<string, string | number | null>> {
  const byDay = new Map<string, Record<string, string | number | null>>();
  for (const s of series) {
    for (const p of s.points) {
      const row = byDay.get(p.day) ?? { day: p.day };
      row[s.key] = p.score.percent;
      byDay.set(p.day, row);
    }
  }
  return [...byDay.values()].sort((a, b) =>
    String(a.day).localeCompare(String(b.day)),
  );
}

/**
 * The daily score (the platform's, or each team's) from the daily snapshots, with the latest
 * values listed; says so when no snapshot has been taken yet.
 */
export function TrendChart(props: { history: ComplianceHistory }) {
  const series = useMemo(() => trendSeries(props.history), [props.history]);
  const rows = useMemo(() => trendRows(series), [series]);
  if (rows.length === 0) {
    return (
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="compliance-trend-empty"
      >
        No history yet: history starts after the first daily snapshot, taken
        once a day from the latest evaluation.
      </Typography>
    );
  }
  return (
    <div role="region" aria-label="Compliance score over time">
      <ResponsiveContainer
        width="100%"
        height={240}
        initialDimension={{ width: 600, height: 240 }}
      >
        <LineChart data={rows} margin={{ top: 8, right: 16, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tickFormatter={v => formatPeriod(String(v))} />
          <YAxis width={48} domain={[0, 100]} tickFormatter={v => `${v}%`} />
          <Tooltip
            labelFormatter={v => formatPeriod(String(v))}
            formatter={(value, name) => [
              formatScore(value === null ? null : Number(value)),
              name,
            ]}
          />
          {series.map((s, i) => (
            <Line
              key={s.key}
              isAnimationActive={false}
              type="monotone"
              dataKey={s.key}
              name={s.name}
              stroke={seriesColor(i)}
              strokeWidth={2}
              dot={rows.length < 20}
              connectNulls
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
      <Box
        component="ul"
        aria-label="Latest daily scores"
        display="flex"
        flexWrap="wrap"
        p={0}
        m={0}
        style={{ listStyle: 'none', gap: 16 }}
      >
        {series.map((s, i) => {
          const last = s.points[s.points.length - 1];
          return (
            <Box component="li" key={s.key} display="flex" alignItems="center">
              <Box
                component="span"
                width={12}
                height={12}
                mr={1}
                style={{ background: seriesColor(i) }}
                aria-hidden
              />
              <Typography variant="body2">
                {s.name}: {last ? formatScore(last.score.percent) : '—'}
              </Typography>
            </Box>
          );
        })}
      </Box>
    </div>
  );
}
