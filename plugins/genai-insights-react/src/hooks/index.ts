export { usePageLink } from './usePageLink';
export { useGpuPageLink } from './useGpuPageLink';
