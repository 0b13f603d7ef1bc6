import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import type { GpuActivityPoint } from '@genai-portal/plugin-genai-insights-common';
import { useMemo } from 'react';
import { activityColor, formatActivity } from '../../lib/gpu';

const WIDTH = 300;
const HEIGHT = 64;
const PAD = 2;

const LINE_COLOR = activityColor(90);
const HELD_COLOR = activityColor(20);

/**
 * Mean activity (a line, 0–100%) over GPUs held (a shaded step, 0 to the most held), drawn as
 * one small SVG without a chart library, so entity pages stay light.
 */
export function ActivitySparkline(props: {
  points: GpuActivityPoint[];
  from: string;
  to: string;
}) {
  const theme = useTheme();
  const { points } = props;
  const paths = useMemo(() => {
    const start = Date.parse(props.from);
    const end = Math.max(Date.parse(props.to), start + 1);
    const sorted = [...points].sort(
      (a, b) => Date.parse(a.at) - Date.parse(b.at),
    );
    const maxGpus = Math.max(1, ...sorted.map(p => p.gpus));
    const x = (iso: string) =>
      PAD +
      ((Math.min(end, Math.max(start, Date.parse(iso))) - start) /
        (end - start)) *
        (WIDTH - 2 * PAD);
    const y = (fraction: number) =>
      HEIGHT - PAD - fraction * (HEIGHT - 2 * PAD);

    // GPUs held: a step area, each step lasting until the next point (the last to the end).
    let held = '';
    sorted.forEach((p, i) => {
      const x0 = x(p.at);
      const x1 = i + 1 < sorted.length ? x(sorted[i + 1].at) : WIDTH - PAD;
      const top = y(p.gpus / maxGpus);
      held += `M${x0.toFixed(1)},${y(0).toFixed(1)}V${top.toFixed(
        1,
      )}H${x1.toFixed(1)}V${y(0).toFixed(1)}Z`;
    });

    // Mean activity: a line, broken where there is no sample.
    let line = '';
    let drawing = false;
    for (const p of sorted) {
      if (p.meanActivity === null) {
        drawing = false;
        continue;
      }
      const point = `${x(p.at).toFixed(1)},${y(
        Math.min(100, Math.max(0, p.meanActivity)) / 100,
      ).toFixed(1)}`;
      line += drawing ? `L${point}` : `M${point}`;
      drawing = true;
    }
    return { held, line, maxGpus };
  }, [points, props.from, props.to]);

  const samples = points.filter(p => p.meanActivity !== null);
  const peak = samples.length
    ? Math.max(...samples.map(p => p.meanActivity as number))
    : null;
  const label = `Mean activity${
    peak === null ? ' unknown' : ` up to ${formatActivity(peak)}`
  }, up to ${paths.maxGpus} ${paths.maxGpus === 1 ? 'GPU' : 'GPUs'} held`;

  return (
    <Box>
      <svg
        role="img"
        aria-label={label}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        width="100%"
        height={HEIGHT}
        data-testid="gpu-activity-sparkline"
      >
        <title>{label}</title>
        <line
          x1={PAD}
          x2={WIDTH - PAD}
          y1={HEIGHT - PAD}
          y2={HEIGHT - PAD}
          stroke={theme.palette.divider}
        />
        <path d={paths.held} fill={HELD_COLOR} fillOpacity={0.7} />
        <path
          d={paths.line}
          fill="none"
          stroke={LINE_COLOR}
          strokeWidth={2}
          vectorEffect="non-scaling-stroke"
        />
      </svg>
      <Box display="flex" style={{ gap: 16 }} aria-hidden>
        <Typography variant="caption" color="textSecondary">
          <span style={{ color: LINE_COLOR }}>━</span> Mean activity (0–100%)
        </Typography>
        <Typography variant="caption" color="textSecondary">
          <span style={{ color: HELD_COLOR }}>■</span> GPUs held (0–
          {paths.maxGpus})
        </Typography>
      </Box>
    </Box>
  );
}
