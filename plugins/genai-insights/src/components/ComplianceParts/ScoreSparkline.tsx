import type { ComplianceHistoryPoint } from '@genai-portal/plugin-genai-insights-common';
import { formatScore } from '../../lib/compliance';

const WIDTH = 300;
const HEIGHT = 56;
const PAD = 2;

/**
 * A daily score (0–100%) as one small SVG line, without a chart library, so entity pages stay
 * light; named with its first and last values.
 */
export function ScoreSparkline(props: {
  points: ComplianceHistoryPoint[];
  color?: string;
}) {
  const points = [...props.points]
    .filter(p => p.score.percent !== null)
    .sort((a, b) => a.day.localeCompare(b.day));
  if (points.length === 0) {
    return null;
  }
  const x = (i: number) =>
    points.length === 1
      ? WIDTH / 2
      : PAD + (i / (points.length - 1)) * (WIDTH - 2 * PAD);
  const y = (percent: number) =>
    HEIGHT -
    PAD -
    (Math.min(100, Math.max(0, percent)) / 100) * (HEIGHT - 2 * PAD);
  const path = points
    .map(
      (p, i) =>
        `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(
          p.score.percent as number,
        ).toFixed(1)}`,
    )
    .join('');
  const first = points[0];
  const last = points[points.length - 1];
  return (
    <svg
      role="img"
      aria-label={`Daily score from ${formatScore(first.score.percent)} on ${
        first.day
      } to ${formatScore(last.score.percent)} on ${last.day}`}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width="100%"
      height={HEIGHT}
      preserveAspectRatio="none"
    >
      <path
        d={path}
        fill="none"
        stroke={props.color ?? '#1f77b4'}
        strokeWidth={2}
        vectorEffect="non-scaling-stroke"
      />
      {points.length === 1 && (
        <circle
          cx={x(0)}
          cy={y(first.score.percent as number)}
          r={3}
          fill={props.color ?? '#1f77b4'}
        />
      )}
    </svg>
  );
}
