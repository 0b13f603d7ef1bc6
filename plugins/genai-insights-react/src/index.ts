/**
 * What frontend plugins share with genai-insights: the API ref and its interface (costs, GPUs and
 * compliance), the plugin's route refs (cost, GPU and compliance pages), and the GPU activity card for a playground job's page (with the card, refusal,
 * link and format helpers it is built from, which the insights plugin's pages use too).
 *
 * @packageDocumentation
 */
export * from './api';
export * from './components';
export * from './hooks';
export * from './lib';
export { complianceRouteRef, costRouteRef, gpuRouteRef } from './routes';
