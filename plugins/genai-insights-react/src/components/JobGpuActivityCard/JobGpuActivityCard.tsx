import { useMemo, useState } from 'react';
import { useGpuPageLink } from '../../hooks/useGpuPageLink';
import { cardRange } from '../../lib/gpu';
import { GpuActivityCard } from '../GpuActivityCard';

/** Props of {@link JobGpuActivityCard}. @public */
export interface JobGpuActivityCardProps {
  /** The playground job's id. */
  jobId: string;
  /** ISO time the range starts (the job's start); 7 days before `to` when absent. */
  from?: string;
  /** ISO time the range ends (the job's end); now when absent. */
  to?: string;
  /** The job's team (a group ref), for the link to the GPU page and a refusal. */
  team?: string;
}

/**
 * A playground job's GPUs over its run (`GET /gpu/activity?job=<id>`): their mean activity, the
 * GPU-hours it held and a small chart of both. A plain component, for the job's page; the range
 * is at most 31 days (its last 31 days for longer runs).
 * @public
 */
export function JobGpuActivityCard(props: JobGpuActivityCardProps) {
  const { jobId, from, to, team } = props;
  const gpuLink = useGpuPageLink();
  const [now] = useState(() => new Date());
  const query = useMemo(
    () => ({ ...cardRange(now, from, to), job: jobId }),
    [now, from, to, jobId],
  );
  const href = gpuLink(team ? [team] : []);
  return (
    <GpuActivityCard
      title="GPU activity"
      subheader={from ? 'While the job ran' : 'Last 7 days'}
      query={jobId ? query : undefined}
      teams={team ? [team] : []}
      link={href ? { title: 'View GPU utilization', href } : undefined}
      empty="The job held no GPU in this period."
      unavailable="No job."
    />
  );
}
