export { GpuPage, GpuPageContent } from './GpuPage';
