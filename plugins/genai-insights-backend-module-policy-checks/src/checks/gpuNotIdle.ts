import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import type { CheckFailure } from '@genai-portal/plugin-genai-insights-common';
import { objectsOf, record, requestsGpu, UNNAMED } from './util';

const text = (value: unknown, fallback: string) =>
  typeof value === 'string' && value ? value : fallback;

/** `3 h 20 min`, `45 min`: how long, for the message. */
function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  if (hours === 0) return `${minutes} min`;
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/**
 * The environment holds no GPU the utilization scan finds idle beyond its rule's window (its
 * open idle episodes): a held GPU nobody uses is cost without work, and blocks other teams.
 */
export const gpuNotIdleCheck: ComplianceCheck = {
  id: 'gpu-not-idle',
  title: 'GPUs not idle',
  severity: 'medium',
  category: 'gpu',
  looksAt:
    "the GPUs of the namespace's pods that the GPU utilization scan reports idle beyond the idle rule's window (activity under the threshold, and no requests for inference servers); applies only where the scan runs and a pod holds GPUs",
  remediation:
    'Stop or scale down the workload holding the idle GPU, or give it work; the GPU utilization page lists the idle GPUs and since when.',
  // Only where the scan runs, and where there are GPUs to be idle (as gpu-pool-placement).
  appliesTo(objects) {
    const idle = record(objects).idleGpus;
    if (!Array.isArray(idle)) return false;
    return (
      idle.length > 0 ||
      objectsOf(objects).pods.some(pod => requestsGpu(record(pod).spec))
    );
  },
  evaluate(objects, context) {
    const idle = record(objects).idleGpus;
    if (!Array.isArray(idle)) return [];
    const now = record(context).now;
    const nowMs = now instanceof Date ? now.getTime() : Date.now();
    return idle.map((entry): CheckFailure => {
      const gpu = record(entry);
      const since = text(gpu.since, '');
      const sinceMs = Date.parse(since);
      const gpuId =
        typeof gpu.gpuId === 'number' || typeof gpu.gpuId === 'string'
          ? String(gpu.gpuId)
          : '?';
      return {
        kind: 'Pod',
        name: text(gpu.pod, UNNAMED),
        fieldPath: `gpus[${text(gpu.node, '?')}/${gpuId}]`,
        message: Number.isNaN(sinceMs)
          ? 'is idle beyond the utilization rule'
          : `is idle since ${since} (${duration(
              Math.max(0, nowMs - sinceMs),
            )} at the evaluation)`,
      };
    });
  },
};
