/**
 * Types, request schemas and permissions of the genai-insights cost ledger and GPU utilization, shared by its
 * backend, its frontend and the modules that feed it.
 *
 * @packageDocumentation
 */
export * from './money';
export * from './ledger';
export * from './facts';
export * from './permissions';
export * from './queries';
export * from './schemas';
export { toTeamRef } from './fields';
export * from './gpu';
export * from './gpuSchemas';
export * from './compliance';
export * from './complianceWaivers';
export * from './complianceHistory';
