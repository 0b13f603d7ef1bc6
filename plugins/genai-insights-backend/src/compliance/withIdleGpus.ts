import type {
  EnvironmentObjects,
  IdleGpu,
} from '@genai-portal/plugin-genai-insights-node';
import type { IdleGpuEpisode } from '@genai-portal/plugin-genai-insights-common';
import type { EnvironmentObjectsReader } from './ComplianceService';

/** The idle scan's open episodes (the idle episode store): GPUs idle beyond the rule's window now. */
export interface IdleGpuSource {
  listOpen(): Promise<
    Array<
      Pick<IdleGpuEpisode, 'namespace' | 'pod' | 'gpuId' | 'node' | 'since'>
    >
  >;
}

/**
 * The reader's environments with the GPUs the idle scan holds idle beyond its window, for the
 * `gpu-not-idle` check. Without a source (the scan does not run: no Prometheus) the reader is
 * left as it is and `idleGpus` stays undefined, so the check does not apply rather than pass.
 */
export function withIdleGpus(
  reader: EnvironmentObjectsReader,
  idle: IdleGpuSource | undefined,
): EnvironmentObjectsReader {
  if (!idle) return reader;
  return {
    async read(): Promise<EnvironmentObjects[]> {
      const [environments, episodes] = await Promise.all([
        reader.read(),
        idle.listOpen(),
      ]);
      const byNamespace = new Map<string, IdleGpu[]>();
      for (const e of episodes) {
        const gpus = byNamespace.get(e.namespace) ?? [];
        gpus.push({ pod: e.pod, gpuId: e.gpuId, node: e.node, since: e.since });
        byNamespace.set(e.namespace, gpus);
      }
      return environments.map(environment => ({
        ...environment,
        idleGpus:
          byNamespace.get(environment.namespace.metadata?.name ?? '') ?? [],
      }));
    },
  };
}
