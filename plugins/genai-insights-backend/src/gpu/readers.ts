import type {
  GpuHolder,
  PrometheusStatus,
} from '@genai-portal/plugin-genai-insights-common';
import type { GpuPodInfo } from './types';
import { PrometheusUnavailableError } from './types';

/** Whose work the caller may see: every team, or these group refs. */
export type Visibility = 'all' | Set<string>;

export function canSee(visibility: Visibility, team: string | undefined) {
  return visibility === 'all' || (!!team && visibility.has(team));
}

/** A pod as the fleet shows it: its names blanked when the caller may not see its team's work. */
export function holderOf(pod: GpuPodInfo, visibility: Visibility): GpuHolder {
  if (!canSee(visibility, pod.team)) {
    return { visible: false, namespace: '', pod: '', kind: pod.kind };
  }
  return {
    visible: true,
    namespace: pod.namespace,
    pod: pod.pod,
    kind: pod.kind,
    ...(pod.team ? { team: pod.team } : {}),
    ...(pod.environment ? { environment: pod.environment } : {}),
    ...(pod.owner ? { owner: pod.owner } : {}),
    ...(pod.jobId ? { jobId: pod.jobId } : {}),
    ...(pod.model ? { model: pod.model } : {}),
  };
}

/**
 * Runs a Prometheus read; when Prometheus cannot answer, the page still renders with what the
 * cluster says, so the failure becomes a status rather than an error.
 */
export async function fromPrometheus<T>(
  read: (() => Promise<T>) | undefined,
): Promise<{ value?: T; status: PrometheusStatus }> {
  if (!read) {
    return {
      status: {
        available: false,
        reason: 'Prometheus is not configured (genaiInsights.prometheus)',
      },
    };
  }
  try {
    return { value: await read(), status: { available: true } };
  } catch (e) {
    if (e instanceof PrometheusUnavailableError) {
      return { status: { available: false, reason: e.message } };
    }
    throw e;
  }
}

/** A step of about `points` per range, on a whole multiple of the scrape interval. */
export function stepFor(
  fromMs: number,
  toMs: number,
  scrapeSeconds: number,
  points = 200,
): number {
  const raw = Math.max(scrapeSeconds, (toMs - fromMs) / 1000 / points);
  return Math.ceil(raw / scrapeSeconds) * scrapeSeconds;
}
