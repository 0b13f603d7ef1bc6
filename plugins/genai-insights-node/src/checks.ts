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
