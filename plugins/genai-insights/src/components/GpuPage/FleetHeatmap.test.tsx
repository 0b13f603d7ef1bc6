import type { FleetNode } from '@genai-portal/plugin-genai-insights-common';
import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { Profiler } from 'react';
import { fleetNodes, idleRule } from '../../__testUtils__/fixtures';
import { cellLabel, FleetHeatmap, tooltipRows } from './FleetHeatmap';

/** A production-sized fleet: 125 nodes of 8 GPUs in 3 pools, busy, idle and free GPUs. */
function bigFleet(): FleetNode[] {
  const pools = ['mi300x', 'mi325x', 'mi355x'];
  return Array.from({ length: 125 }, (_, i) => ({
    name: `gpu-node-${pools[i % 3]}-${String(i).padStart(3, '0')}`,
    pool: pools[i % 3],
    gpuModel: 'AMD Instinct',
    capacity: 8,
    allocated: 6,
    gpus: Array.from({ length: 8 }, (__, id) =>
      id < 6
        ? {
            id,
            activity: (i * 7 + id * 13) % 101,
            powerWatts: 700,
            holder: {
              visible: id % 2 === 0,
              namespace: id % 2 === 0 ? 'ml-research-llama' : '',
              pod: id % 2 === 0 ? `pod-${i}` : '',
              kind: 'job' as const,
            },
            idle: id === 5,
          }
        : { id, activity: 0 },
    ),
  }));
}

describe('FleetHeatmap', () => {
  it('draws 1,000 GPUs at once, and hovering re-renders only the tooltip', async () => {
    const nodes = bigFleet();
    // How long React spent rendering the map, per commit.
    const durations: number[] = [];
    await renderInTestApp(
      <Profiler
        id="heatmap"
        onRender={(_id, _phase, duration) => durations.push(duration)}
      >
        <FleetHeatmap nodes={nodes} rule={idleRule} />
      </Profiler>,
    );
    const mount = Math.max(...durations);
    const map = screen.getByRole('region', { name: 'GPU fleet heatmap' });
    const cells = within(map).getAllByTestId('gpu-cell');
    expect(cells).toHaveLength(1000);
    expect(within(map).getAllByTestId('gpu-node')).toHaveLength(125);

    // A hundred hovers: each commit re-renders the tooltip, not the thousand cells, so each
    // takes a fraction of the first render.
    const before = durations.length;
    for (let i = 0; i < 100; i++) {
      fireEvent.mouseOver(cells[i * 10]);
    }
    const hovers = durations.slice(before);
    expect(hovers.length).toBeGreaterThanOrEqual(100);
    expect(Math.max(...hovers)).toBeLessThan(mount / 4);
    expect(screen.getByRole('tooltip')).toHaveTextContent(
      `Node${cells[990].getAttribute('data-node')}`,
    );
    expect(cells[0]).toBe(within(map).getAllByTestId('gpu-cell')[0]);
  });

  it('labels cells and tooltips for screen readers and tests', () => {
    const [node0, node1, node2] = fleetNodes;
    expect(cellLabel(node0, node0.gpus[6])).toBe('mi355x-node-0 GPU 6: free');
    expect(cellLabel(node1, node1.gpus[0])).toBe(
      'mi355x-node-1 GPU 0: 60% active, held by another team',
    );
    expect(cellLabel(node0, { ...node0.gpus[0], activity: undefined })).toBe(
      'mi355x-node-0 GPU 0: activity unknown, held by ml-research',
    );
    expect(Object.fromEntries(tooltipRows(node2, node2.gpus[0]))).toEqual({
      Node: 'mi300x-node-0 (mi300x)',
      GPU: '0',
      Activity: '40%',
      Power: '450 W',
      VRAM: '19.5 GB of 192 GB',
      Partitioned: "CPX/NPS4, 8 partitions (activity is partition 0's)",
      Pod: 'qwen-infer-0',
      Namespace: 'genai-apps-chat',
      Kind: 'inference',
      Team: 'genai-apps',
      Owner: 'ana.silva',
      Environment: 'genai-apps-chat',
      Model: 'qwen2.5-7b',
    });
  });

  it('says when there are no GPU nodes', async () => {
    await renderInTestApp(<FleetHeatmap nodes={[]} />);
    expect(
      screen.getByText('No GPU nodes in the cluster.'),
    ).toBeInTheDocument();
  });
});
