export { KubernetesGpuReader } from './KubernetesGpuReader';
export type { KubernetesGpuReaderOptions } from './KubernetesGpuReader';
export { makeCustomObjectsApi } from '../../cluster/kubernetes';
