import type { ClusterGpuReader, ClusterGpuSnapshot } from '../types';
import type { GpuPodDirectory } from './GpuPodDirectory';

/**
 * A ClusterGpuReader that writes each new snapshot's pods to the pod directory, so every pod
 * the pages or the idle scan see holding GPUs is remembered with its team, environment, job
 * and model after it is gone (Prometheus's series keep only its namespace and name).
 */
export class RecordingGpuReader implements ClusterGpuReader {
  #recorded?: string;

  constructor(
    private readonly reader: ClusterGpuReader,
    private readonly directory: GpuPodDirectory,
  ) {}

  async snapshot(): Promise<ClusterGpuSnapshot> {
    const snapshot = await this.reader.snapshot();
    if (this.#recorded !== snapshot.at) {
      this.#recorded = snapshot.at;
      await this.directory.record(snapshot.pods, snapshot.at);
    }
    return snapshot;
  }
}
