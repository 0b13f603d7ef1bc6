/**
 * kube-sim: a local stand-in for an OpenShift cluster with AMD Instinct GPU
 * nodes, for the portal's dev config and tests (never production).
 *
 * @packageDocumentation
 */
export { startKubeSim, DEFAULT_TOKEN } from './sim';
export type { KubeSim, KubeSimOptions } from './sim';
export type { Fleet, NodePool, GpuSpec } from './fleet';
export { loadFleet, GPU_PRESETS } from './fleet';
export type { KubeConfigObject } from './kubeconfig';
export type { KubeObject, ObjectMeta, OwnerReference } from './types';
export { RUN_SECONDS_ANNOTATION, EXIT_ANNOTATION } from './controllers/kubelet';
export { GPU_IDS_ANNOTATION } from './controllers/scheduler';
export { main as runCli } from './cli';
