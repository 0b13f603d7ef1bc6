/**
 * Loose object types. kube-sim stores objects exactly as the API server would
 * serialise them (plain JSON), so it works with plain records rather than the
 * generated client models; fields are read defensively.
 */

/** @public */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

/** @public */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** @public */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // Kubernetes objects are open-ended; controllers read spec/status loosely.
  [key: string]: any;
}

/** A Kubernetes object that has been stored (name, namespace and uid are set). */
export type StoredObject = KubeObject & {
  metadata: ObjectMeta & { name: string; uid: string; resourceVersion: string };
};
