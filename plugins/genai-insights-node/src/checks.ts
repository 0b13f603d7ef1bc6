import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type {
  CheckFailure,
  ComplianceCheckInfo,
} from '@genai-portal/plugin-genai-insights-common';

/**
 * A Kubernetes object as the API serves it (JSON), with the fields checks read. Checks must
 * treat every field as possibly missing: they run over whatever the cluster holds.
 * @public
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    ownerReferences?: Array<{ kind?: string; name?: string }>;
  };
  spec?: any;
  status?: any;
  /** PolicyReports (wgpolicyk8s.io) keep what they report at the top level, not in a spec. */
  scope?: any;
  results?: any;
  summary?: any;
}

/**
 * An environment's objects, as one evaluation reads them: its namespace and what is in it.
 * Cluster-scoped evidence (Gatekeeper constraints, Kyverno reports) is filtered to the
 * namespace by whoever reads it.
 * @public
 */
export interface EnvironmentObjects {
  namespace: KubeObject;
  pods: KubeObject[];
  deployments: KubeObject[];
  statefulSets: KubeObject[];
  jobs: KubeObject[];
  networkPolicies: KubeObject[];
  resourceQuotas: KubeObject[];
  limitRanges: KubeObject[];
  podDisruptionBudgets: KubeObject[];
  /** Kyverno PolicyReports (`wgpolicyk8s.io/v1alpha2`) of the namespace. */
  policyReports: KubeObject[];
  /**
   * Whether the cluster serves `wgpolicyk8s.io` PolicyReports (Kyverno runs) and the backend may
   * read them; undefined: not read. False: `policyReports` is empty because nobody reports.
   */
  policyReportsServed?: boolean;
  /** Gatekeeper's evidence for the namespace; undefined: not read. */
  gatekeeper?: GatekeeperEvidence;
  /**
   * The namespace's GPUs the GPU utilization scan reports idle beyond its rule's window now;
   * undefined: the GPU utilization capability does not run, so nobody knows.
   */
  idleGpus?: IdleGpu[];
}

/**
 * What Gatekeeper's last audit says about one environment.
 * @public
 */
export interface GatekeeperEvidence {
  /**
   * Whether Gatekeeper runs: the cluster serves its constraints (or its templates, before any
   * template adds a constraint kind). False too when the backend may not read them.
   */
  running: boolean;
  /**
   * The violations of the namespace's objects (and of the Namespace itself) in the constraints'
   * statuses. Gatekeeper keeps at most 20 per constraint (`totalViolations` counts them all).
   */
  violations: GatekeeperViolation[];
}

/**
 * One entry of a constraint's `status.violations`, with the constraint it belongs to.
 * @public
 */
export interface GatekeeperViolation {
  /** The constraint's kind (`K8sRequiredLabels`) and name (`genai-required-labels`). */
  constraintKind: string;
  constraintName: string;
  /** `deny`, `dryrun`, `warn`, or a custom action. */
  enforcementAction: string;
  /** The violating object. */
  kind: string;
  name: string;
  namespace?: string;
  /** Gatekeeper's (the template's) message. */
  message: string;
  /** The constraint's `status.auditTimestamp`: when the audit found it. */
  auditTimestamp?: string;
}

/**
 * A GPU held by a pod and idle beyond the GPU utilization rule's window.
 * @public
 */
export interface IdleGpu {
  pod: string;
  /** The GPU's index on its node (the metrics' `gpu_id`). */
  gpuId: number;
  node: string;
  /** ISO time since when it has been idle. */
  since: string;
}

/**
 * What checks may know besides the objects: the time of the evaluation and the platform's
 * rules from config (allowed registries, pools and their node labels).
 * @public
 */
export interface CheckContext {
  now: Date;
  /** Image registries containers may pull from (`quay.io/genai`); empty: any. */
  allowedRegistries: string[];
  /**
   * The GPU pools and what runs on each: the node label and value that select the pool, and the
   * workload type (`inference`, `blueprint`) it is for.
   */
  pools: Array<{
    name: string;
    nodeLabel: string;
    nodeLabelValue: string;
    workloadType: string;
  }>;
}

/**
 * One check of the compliance scorecards: what it is, and its evaluation over one environment's
 * objects. `evaluate` returns the failing objects, each with the field path that fails; none is a
 * pass. `appliesTo` (default: always) leaves an environment out of the check's score (a PDB check
 * where nothing has replicas).
 * @public
 */
export interface ComplianceCheck extends ComplianceCheckInfo {
  appliesTo?(objects: EnvironmentObjects, context: CheckContext): boolean;
  evaluate(
    objects: EnvironmentObjects,
    context: CheckContext,
  ): CheckFailure[] | Promise<CheckFailure[]>;
}

/**
 * Adds checks to the genai-insights backend's compliance scorecards.
 * @public
 */
export interface GenaiInsightsChecksExtensionPoint {
  /** Adds checks; ids must be unique across every module. */
  addChecks(...checks: ComplianceCheck[]): void;
}

/**
 * The extension point of the genai-insights backend plugin for compliance checks (as the RHDH
 * scorecard's metric providers): the built-in checks come from a module of their own through it.
 * @public
 */
export const genaiInsightsChecksExtensionPoint =
  createExtensionPoint<GenaiInsightsChecksExtensionPoint>({
    id: 'genai-insights.checks',
  });
