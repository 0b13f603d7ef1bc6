import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  FleetGpu,
  FleetNode,
  IdleRule,
} from '@genai-portal/plugin-genai-insights-common';
import {
  memo,
  useCallback,
  useMemo,
  useRef,
  useId,
  useState,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import {
  teamName,
  ACTIVITY_GRADIENT,
  activityColor,
  formatActivity,
} from '@genai-portal/plugin-genai-insights-react';
import { gpuCellState, idleRuleText, refName } from '../../lib/gpu';

const CELL = 16;
const GAP = 3;
const LABEL_WIDTH = 124;
export const IDLE_OUTLINE = '#ef6c00';
const PARTITION_MARK = '#d81b60';
const NO_DATA =
  'repeating-linear-gradient(45deg, #90a4ae 0 2px, #cfd8dc 2px 5px)';
const TOOLTIP_WIDTH = 300;

const useStyles = makeStyles(theme => ({
  root: { position: 'relative' },
  grid: {
    outline: 'none',
    borderRadius: 4,
    '&:focus-visible': {
      boxShadow: `0 0 0 2px ${theme.palette.primary.main}`,
    },
  },
  pool: { marginBottom: theme.spacing(2) },
  poolTitle: { marginBottom: theme.spacing(0.5) },
  nodes: {
    display: 'grid',
    gridTemplateColumns: `repeat(auto-fill, minmax(${
      LABEL_WIDTH + 8 * (CELL + GAP) + 16
    }px, 1fr))`,
    columnGap: theme.spacing(2),
    rowGap: GAP,
  },
  row: { display: 'flex', alignItems: 'center', minWidth: 0 },
  label: {
    width: LABEL_WIDTH,
    flexShrink: 0,
    marginRight: 6,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    fontSize: 11,
    lineHeight: `${CELL}px`,
    color: theme.palette.text.secondary,
  },
  cells: { display: 'grid', gap: GAP },
  header: {
    fontSize: 10,
    lineHeight: '12px',
    textAlign: 'center',
    color: theme.palette.text.secondary,
  },
  cell: {
    width: CELL,
    height: CELL,
    borderRadius: 2,
    position: 'relative',
    boxSizing: 'border-box',
    cursor: 'default',
  },
  free: {
    background: theme.palette.type === 'dark' ? '#424242' : '#eeeeee',
    border: `1px solid ${theme.palette.divider}`,
  },
  unknown: { background: NO_DATA },
  idle: { boxShadow: `0 0 0 2px ${IDLE_OUTLINE}` },
  partitioned: {
    '&::after': {
      content: '""',
      position: 'absolute',
      top: 0,
      right: 0,
      width: 0,
      height: 0,
      borderStyle: 'solid',
      borderWidth: '0 7px 7px 0',
      borderColor: `transparent ${PARTITION_MARK} transparent transparent`,
    },
  },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1),
    padding: 0,
    listStyle: 'none',
  },
  legendItem: { display: 'flex', alignItems: 'center', gap: 6 },
  gradient: { width: 120, height: 10, background: ACTIVITY_GRADIENT },
  marker: {
    position: 'absolute',
    width: CELL + 4,
    height: CELL + 4,
    boxSizing: 'border-box',
    border: `2px solid ${theme.palette.text.primary}`,
    borderRadius: 3,
    pointerEvents: 'none',
  },
  tooltip: {
    position: 'absolute',
    zIndex: theme.zIndex.tooltip,
    width: TOOLTIP_WIDTH,
    padding: theme.spacing(1, 1.5),
    pointerEvents: 'none',
  },
  tooltipTable: {
    borderCollapse: 'collapse',
    fontSize: 12,
    '& th': {
      textAlign: 'left',
      fontWeight: 'normal',
      color: theme.palette.text.secondary,
      paddingRight: theme.spacing(1),
      verticalAlign: 'top',
      whiteSpace: 'nowrap',
    },
    '& td': { wordBreak: 'break-all' },
  },
}));

/** A node's GPUs' pool, sorted for the map. */
interface PoolGroup {
  pool: string;
  gpuModel: string;
  columns: number;
  nodes: Array<{ node: FleetNode; index: number }>;
}

const byName = (a: string, b: string) =>
  a.localeCompare(b, 'en-US', { numeric: true });

/** Nodes grouped by pool (pools and nodes by name, `node-2` before `node-10`). */
function groupNodes(nodes: FleetNode[]): PoolGroup[] {
  const pools = new Map<string, PoolGroup>();
  nodes.forEach((node, index) => {
    let group = pools.get(node.pool);
    if (!group) {
      group = {
        pool: node.pool,
        gpuModel: node.gpuModel,
        columns: 0,
        nodes: [],
      };
      pools.set(node.pool, group);
    }
    group.nodes.push({ node, index });
    const maxId = Math.max(-1, ...node.gpus.map(g => g.id));
    group.columns = Math.max(group.columns, maxId + 1, node.capacity);
  });
  const groups = [...pools.values()].sort((a, b) => byName(a.pool, b.pool));
  groups.forEach(g => g.nodes.sort((a, b) => byName(a.node.name, b.node.name)));
  return groups;
}

function holderText(gpu: FleetGpu): string {
  const h = gpu.holder;
  if (!h) {
    return 'free';
  }
  if (!h.visible) {
    return 'held by another team';
  }
  return `held by ${h.team ? teamName(h.team) : h.namespace}`;
}

/** What a cell says to a screen reader (and to an end-to-end test). */
export function cellLabel(node: FleetNode, gpu: FleetGpu): string {
  const parts = [`${node.name} GPU ${gpu.id}`];
  if (!gpu.holder) {
    parts.push('free');
  } else {
    parts.push(
      gpu.activity === undefined
        ? 'activity unknown'
        : `${formatActivity(gpu.activity)} active`,
    );
    if (gpu.idle) {
      parts.push('idle');
    }
    parts.push(holderText(gpu));
  }
  if (gpu.partitioning) {
    parts.push(
      `partitioned (${gpu.partitioning.computeMode.toLocaleUpperCase(
        'en-US',
      )})`,
    );
  }
  return `${parts[0]}: ${parts.slice(1).join(', ')}`;
}

function mb(value: number | undefined): string | undefined {
  return value === undefined
    ? undefined
    : `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(
        value / 1024,
      )} GB`;
}

/** The tooltip's lines for a GPU. */
export function tooltipRows(
  node: FleetNode,
  gpu: FleetGpu,
): Array<[string, string]> {
  const rows: Array<[string, string | undefined]> = [
    ['Node', `${node.name} (${node.pool})`],
    ['GPU', String(gpu.id)],
    ['Activity', formatActivity(gpu.activity)],
    [
      'Memory activity',
      gpu.memoryActivity === undefined
        ? undefined
        : formatActivity(gpu.memoryActivity),
    ],
    [
      'Power',
      gpu.powerWatts === undefined
        ? undefined
        : `${Math.round(gpu.powerWatts)} W`,
    ],
    [
      'VRAM',
      gpu.totalVramMb === undefined
        ? mb(gpu.usedVramMb)
        : `${mb(gpu.usedVramMb ?? 0)} of ${mb(gpu.totalVramMb)}`,
    ],
  ];
  if (gpu.partitioning) {
    rows.push([
      'Partitioned',
      `${gpu.partitioning.computeMode.toLocaleUpperCase(
        'en-US',
      )}/${gpu.partitioning.memoryMode.toLocaleUpperCase('en-US')}, ${
        gpu.partitioning.partitions
      } partitions (activity is partition 0's)`,
    ]);
  }
  const h = gpu.holder;
  if (!h) {
    rows.push(['Held by', 'nobody (free)']);
  } else if (!h.visible) {
    rows.push(['Held by', 'another team']);
  } else {
    rows.push(
      ['Pod', h.pod],
      ['Namespace', h.namespace],
      ['Kind', h.kind],
      ['Team', h.team ? teamName(h.team) : undefined],
      ['Owner', h.owner ? refName(h.owner) : undefined],
      ['Environment', h.environment],
      ['Job', h.jobId],
      ['Model', h.model],
    );
  }
  if (gpu.idle) {
    rows.push(['Idle', 'yes: held and under the idle threshold']);
  }
  return rows.filter((r): r is [string, string] => r[1] !== undefined);
}

/**
 * The map itself: plain divs, one per GPU, with no handlers of their own (the parent listens on
 * the whole map), memoised so hovering re-renders only the shared tooltip. A thousand cells draw
 * in a few milliseconds.
 */
const HeatmapGrid = memo(function HeatmapGridInner(props: {
  groups: PoolGroup[];
  idPrefix: string;
}) {
  const classes = useStyles();
  const { idPrefix } = props;
  return (
    <>
      {props.groups.map(group => (
        <div
          key={group.pool}
          role="rowgroup"
          aria-label={`Pool ${group.pool}`}
          className={classes.pool}
          data-testid={`gpu-heatmap-pool-${group.pool}`}
        >
          <Typography
            variant="subtitle2"
            component="div"
            className={classes.poolTitle}
            aria-hidden
          >
            {group.pool} · {group.gpuModel} · {group.nodes.length}{' '}
            {group.nodes.length === 1 ? 'node' : 'nodes'}
          </Typography>
          <div className={classes.row} aria-hidden>
            <span className={classes.label}>GPU</span>
            <div
              className={classes.cells}
              style={{
                gridTemplateColumns: `repeat(${group.columns}, ${CELL}px)`,
              }}
            >
              {Array.from({ length: group.columns }, (_, id) => (
                <span key={id} className={classes.header}>
                  {id}
                </span>
              ))}
            </div>
          </div>
          <div className={classes.nodes}>
            {group.nodes.map(({ node, index }) => (
              <div
                key={node.name}
                role="row"
                className={classes.row}
                data-testid="gpu-node"
                data-node={node.name}
              >
                <span
                  role="rowheader"
                  className={classes.label}
                  title={node.name}
                >
                  {node.name}
                </span>
                <div
                  className={classes.cells}
                  style={{
                    gridTemplateColumns: `repeat(${group.columns}, ${CELL}px)`,
                  }}
                >
                  {node.gpus.map((gpu, g) => {
                    const state = gpuCellState(gpu);
                    const cls = [classes.cell];
                    let background: string | undefined;
                    if (state === 'free') {
                      cls.push(classes.free);
                    } else if (gpu.activity === undefined) {
                      cls.push(classes.unknown);
                    } else {
                      background = activityColor(gpu.activity);
                    }
                    if (gpu.idle) cls.push(classes.idle);
                    if (gpu.partitioning) cls.push(classes.partitioned);
                    return (
                      <div
                        key={gpu.id}
                        id={`${idPrefix}-${index}-${g}`}
                        role="gridcell"
                        aria-label={cellLabel(node, gpu)}
                        data-testid="gpu-cell"
                        data-node={node.name}
                        data-gpu={gpu.id}
                        data-state={state}
                        data-n={index}
                        data-g={g}
                        className={cls.join(' ')}
                        style={{ gridColumn: gpu.id + 1, background }}
                      />
                    );
                  })}
                </div>
              </div>
            ))}
          </div>
        </div>
      ))}
    </>
  );
});

function Legend(props: { rule?: IdleRule }) {
  const classes = useStyles();
  return (
    <ul className={classes.legend} aria-label="Heatmap legend">
      <li className={classes.legendItem}>
        <Typography variant="caption">Activity 0%</Typography>
        <span className={classes.gradient} aria-hidden />
        <Typography variant="caption">100%</Typography>
      </li>
      <li className={classes.legendItem}>
        <span className={`${classes.cell} ${classes.free}`} aria-hidden />
        <Typography variant="caption">Free</Typography>
      </li>
      <li className={classes.legendItem}>
        <span className={`${classes.cell} ${classes.unknown}`} aria-hidden />
        <Typography variant="caption">Held, no activity data</Typography>
      </li>
      <li className={classes.legendItem}>
        <span
          className={`${classes.cell} ${classes.idle}`}
          style={{ background: activityColor(0) }}
          aria-hidden
        />
        <Typography variant="caption">
          Idle{props.rule ? ` (${idleRuleText(props.rule)})` : ''}
        </Typography>
      </li>
      <li className={classes.legendItem}>
        <span
          className={`${classes.cell} ${classes.partitioned}`}
          style={{ background: activityColor(50) }}
          aria-hidden
        />
        <Typography variant="caption">
          Partitioned (activity of partition 0)
        </Typography>
      </li>
    </ul>
  );
}

interface Active {
  n: number;
  g: number;
  /** The tooltip's place in the map. */
  left: number;
  top: number;
  /** The cell's. */
  cellLeft: number;
  cellTop: number;
}

/**
 * The fleet now: a row per node, grouped by pool, a cell per GPU coloured by its activity (light
 * to dark), grey when free, hatched when held without activity data, outlined when idle, marked
 * when partitioned. One tooltip for the whole map follows the pointer, or the arrow keys once
 * the map has the focus.
 */
export function FleetHeatmap(props: { nodes: FleetNode[]; rule?: IdleRule }) {
  const classes = useStyles();
  const { nodes } = props;
  const groups = useMemo(() => groupNodes(nodes), [nodes]);
  // The rows in the order they are shown: node index and its number of GPUs.
  const rows = useMemo(
    () =>
      groups.flatMap(g =>
        g.nodes.map(({ node, index }) => ({
          n: index,
          count: node.gpus.length,
        })),
      ),
    [groups],
  );
  const idPrefix = `gpu-heatmap-${useId().replace(/:/g, '')}`;
  const rootRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState<Active | undefined>();

  /** Shows the tooltip at a cell. */
  const show = useCallback((n: number, g: number) => {
    const root = rootRef.current;
    const target = root?.querySelector<HTMLElement>(
      `[data-n="${n}"][data-g="${g}"]`,
    );
    if (!root || !target) {
      return;
    }
    const cell = target.getBoundingClientRect();
    const box = root.getBoundingClientRect();
    let left = cell.right - box.left + 8;
    if (left + TOOLTIP_WIDTH > box.width) {
      left = Math.max(0, cell.left - box.left - TOOLTIP_WIDTH - 8);
    }
    const top = cell.top - box.top;
    setActive(prev =>
      prev && prev.n === n && prev.g === g
        ? prev
        : {
            n,
            g,
            left,
            top,
            cellLeft: cell.left - box.left,
            cellTop: cell.top - box.top,
          },
    );
  }, []);

  const onMouseOver = useCallback(
    (e: MouseEvent<HTMLDivElement>) => {
      const target = (e.target as HTMLElement).closest<HTMLElement>('[data-n]');
      if (target) {
        show(Number(target.dataset.n), Number(target.dataset.g));
      }
    },
    [show],
  );

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      if (rows.length === 0) {
        return;
      }
      if (e.key === 'Escape') {
        setActive(undefined);
        return;
      }
      const r = Math.max(
        0,
        rows.findIndex(row => row.n === active?.n),
      );
      const g = active?.g ?? 0;
      let next: { r: number; g: number } | undefined;
      switch (e.key) {
        case 'ArrowRight':
          next =
            g + 1 < rows[r].count
              ? { r, g: g + 1 }
              : { r: Math.min(rows.length - 1, r + 1), g: 0 };
          break;
        case 'ArrowLeft':
          next = g > 0 ? { r, g: g - 1 } : { r, g };
          break;
        case 'ArrowDown':
          next = { r: Math.min(rows.length - 1, r + 1), g };
          break;
        case 'ArrowUp':
          next = { r: Math.max(0, r - 1), g };
          break;
        case 'Home':
          next = { r, g: 0 };
          break;
        case 'End':
          next = { r, g: rows[r].count - 1 };
          break;
        default:
          return;
      }
      e.preventDefault();
      const row = rows[next.r];
      show(row.n, Math.max(0, Math.min(row.count - 1, next.g)));
    },
    [rows, active, show],
  );

  const gpuCount = nodes.reduce((sum, n) => sum + n.gpus.length, 0);
  const hovered = active && nodes[active.n]?.gpus[active.g];

  return (
    <Box>
      {nodes.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No GPU nodes in the cluster.
        </Typography>
      ) : (
        <div
          ref={rootRef}
          className={classes.root}
          role="region"
          aria-label="GPU fleet heatmap"
          data-testid="gpu-heatmap"
          data-gpus={gpuCount}
        >
          <div
            role="grid"
            aria-label={`${nodes.length} GPU nodes, ${gpuCount} GPUs: use the arrow keys to read each GPU`}
            aria-activedescendant={
              hovered ? `${idPrefix}-${active.n}-${active.g}` : undefined
            }
            tabIndex={0}
            className={classes.grid}
            onMouseOver={onMouseOver}
            onFocus={() => {
              if (!active && rows.length > 0) show(rows[0].n, 0);
            }}
            onBlur={() => setActive(undefined)}
            onMouseLeave={() => setActive(undefined)}
            onKeyDown={onKeyDown}
          >
            <HeatmapGrid groups={groups} idPrefix={idPrefix} />
          </div>
          {active && hovered && (
            <div
              className={classes.marker}
              style={{ left: active.cellLeft - 2, top: active.cellTop - 2 }}
              aria-hidden
            />
          )}
          {active && hovered && (
            <Paper
              className={classes.tooltip}
              elevation={4}
              role="tooltip"
              data-testid="gpu-heatmap-tooltip"
              style={{ left: active.left, top: active.top }}
            >
              <table className={classes.tooltipTable}>
                <tbody>
                  {tooltipRows(nodes[active.n], hovered).map(([k, v]) => (
                    <tr key={k}>
                      <th scope="row">{k}</th>
                      <td>{v}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Paper>
          )}
        </div>
      )}
      <Legend rule={props.rule} />
    </Box>
  );
}
