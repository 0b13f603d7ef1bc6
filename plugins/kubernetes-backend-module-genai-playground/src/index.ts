/**
 * Kubernetes plugin module of the GenAI Playground portal: team-scoped Kubernetes tabs.
 *
 * @packageDocumentation
 */
export { kubernetesModuleGenaiPlayground as default } from './module';
export { TeamScopedServiceLocator } from './TeamScopedServiceLocator';
