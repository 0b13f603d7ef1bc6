/**
 * What the portal's test suites share (tests only): free ports, the machine's PostgreSQL and
 * Redis, a real Prometheus, the real backend process in production config, kube-sim and llm-sim
 * as processes.
 *
 * @packageDocumentation
 */
export { freePort } from './ports';
export {
  deleteRedisKeys,
  dropDatabases,
  pgUrl,
  postgresProblem,
  redisUrl,
} from './services';
export { describeWithPrometheus } from './describeWithPrometheus';
export {
  PROMETHEUS_BINARY,
  prometheusInstalled,
  startPrometheus,
  type RunningPrometheus,
} from './prometheus';
export {
  repoRoot,
  signIn,
  startProductionBackend,
  startSim,
  type ProductionBackend,
} from './productionBackend';
export { assembleBackendImage, type BackendImage } from './backendImage';
export { startRoundRobinProxy, type RoundRobinProxy } from './roundRobinProxy';
