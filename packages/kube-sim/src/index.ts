/**
 * kube-sim: a local stand-in for an OpenShift cluster with AMD Instinct GPU
 * nodes, for the portal's dev config and tests (never production).
 *
 * @packageDocumentation
 */
export { startKubeSim, DEFAULT_TOKEN } from './sim';
export type { KubeSim, KubeSimOptions } from './sim';
export type {
  Fleet,
  NodePool,
  GpuSpec,
  GpuPartition,
  ComputePartition,
  MemoryPartition,
  Workload,
} from './fleet';
export {
  loadFleet,
  FleetError,
  GPU_PRESETS,
  PARTITION_LABEL,
  PARTITIONS_PER_GPU,
} from './fleet';
export { ManifestError } from './manifests';
export { GPU_ACTIVITY_ANNOTATION, gpuActivityOf } from './metrics';
export type { GpuActivity } from './metrics';
export type { KubeConfigObject } from './kubeconfig';
export type { KubeObject, ObjectMeta, OwnerReference } from './types';
export { RUN_SECONDS_ANNOTATION, EXIT_ANNOTATION } from './controllers/kubelet';
export { GPU_IDS_ANNOTATION } from './controllers/scheduler';
export { main as runCli } from './cli';
