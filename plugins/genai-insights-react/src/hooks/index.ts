export { usePageLink } from './usePageLink';
export { useGpuPageLink } from './useGpuPageLink';
export { useCompliancePageLink } from './useCompliancePageLink';
