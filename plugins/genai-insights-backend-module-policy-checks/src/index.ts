/**
 * The built-in compliance checks of genai-insights: the platform's policies (required labels,
 * restricted pod security, network policies, quotas, GPU pools, images, probes, PDBs, leases)
 * checked on each playground environment's live objects.
 *
 * @packageDocumentation
 */
export { genaiInsightsModulePolicyChecks as default } from './module';
export {
  builtInChecks,
  createBuiltInChecks,
  type BuiltInChecksOptions,
} from './checks';
