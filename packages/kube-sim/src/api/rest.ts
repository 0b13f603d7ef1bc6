/**
 * The API server's write path, independent of HTTP: create, update, patch
 * and delete with server-set metadata, defaulting, admission (namespace
 * lifecycle, service accounts, LimitRanger, ResourceQuota), validation,
 * optimistic concurrency and deletion semantics (graceful pod deletion,
 * finalizers, propagation policies). Controllers create objects through it
 * too, so the Job controller's pods meet quota exactly as a client's would.
 */
import { applyDefaults, routeIngress } from '../admission/defaults';
import {
  applyLimitRangeDefaults,
  checkLimitRanges,
} from '../admission/limitRange';
import { checkQuota } from '../admission/quota';
import { validateObject } from '../admission/validate';
import { applyPatch, clone } from '../patch';
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  notFound,
  StatusError,
} from '../status';
import { ObjectStore } from '../store/ObjectStore';
import { KubeObject, StoredObject } from '../types';
import { deepEqual, randomSuffix, timestamp, uid } from '../util';
import { apiVersionOf, keyOf, R, ResourceDef } from './resources';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** Internal writers (controllers) skip admission that only applies to users. */
  internal?: boolean;
}

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Called after a committed delete so the garbage collector can follow owner references. */
export type DeleteHook = (
  def: ResourceDef,
  obj: StoredObject,
  policy: PropagationPolicy,
) => void;

export class Api {
  private serviceIp = 0;
  onDelete: DeleteHook = () => {};

  constructor(readonly store: ObjectStore) {}

  get(def: ResourceDef, namespace: string, name: string): StoredObject {
    const obj = this.store.get(
      keyOf(def),
      def.namespaced ? namespace : '',
      name,
    );
    if (!obj) throw notFound(def, name);
    return obj;
  }

  find(
    def: ResourceDef,
    namespace: string,
    name: string,
  ): StoredObject | undefined {
    return this.store.get(keyOf(def), def.namespaced ? namespace : '', name);
  }

  private checkNamespace(def: ResourceDef, namespace: string, name: string) {
    if (!def.namespaced) return;
    const ns = this.store.get(keyOf(R.namespaces), '', namespace);
    if (!ns) throw notFound(R.namespaces, namespace);
    if (ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') {
      const err = forbidden(
        def,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
      err.details!.causes = [
        {
          reason: 'NamespaceTerminating',
          message: `namespace ${namespace} is being terminated`,
          field: 'metadata.namespace',
        },
      ];
      throw err;
    }
  }

  private checkTypeMeta(def: ResourceDef, body: KubeObject) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest(
        `Object '${def.kind}' is invalid: the body must be a JSON object`,
      );
    }
    const expected = apiVersionOf(def);
    if (body.apiVersion !== undefined && body.apiVersion !== expected) {
      throw badRequest(
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${expected})`,
      );
    }
    if (body.kind !== undefined && body.kind !== def.kind) {
      throw badRequest(
        `the kind in the data (${body.kind}) does not match the expected kind (${def.kind})`,
      );
    }
  }

  /** Mutating and validating admission plus validation, for a create. */
  private admitCreate(def: ResourceDef, obj: KubeObject, opts: WriteOptions) {
    const ns = obj.metadata.namespace ?? '';
    applyDefaults(def, obj);
    if (def.kind === 'Pod') {
      const limitRanges = this.store.list(keyOf(R.limitranges), ns);
      applyLimitRangeDefaults(obj, limitRanges);
      const sa = obj.spec?.serviceAccountName;
      if (
        sa &&
        !opts.internal &&
        !this.store.get(keyOf(R.serviceaccounts), ns, sa)
      ) {
        throw forbidden(
          def,
          obj.metadata.name ?? '',
          `error looking up service account ${ns}/${sa}: serviceaccount "${sa}" not found`,
        );
      }
    }
    validateObject(def, obj);
    if (def.kind === 'Pod') {
      const errors = checkLimitRanges(
        obj,
        this.store.list(keyOf(R.limitranges), ns),
      );
      if (errors.length) {
        throw forbidden(
          def,
          obj.metadata.name ?? '',
          errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`,
        );
      }
    }
    if (def.namespaced) {
      const refusal = checkQuota(this.store, def, obj, ns);
      if (refusal) throw forbidden(def, obj.metadata.name ?? '', refusal);
    }
  }

  create(
    def: ResourceDef,
    namespace: string,
    body: KubeObject,
    opts: WriteOptions = {},
  ): StoredObject {
    this.checkTypeMeta(def, body);
    const obj: KubeObject = clone(body);
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    obj.metadata = { ...(obj.metadata ?? {}) };
    if (def.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = namespace;
    } else {
      delete obj.metadata.namespace;
    }
    this.checkNamespace(
      def,
      namespace,
      obj.metadata.name ?? obj.metadata.generateName ?? '',
    );
    // Server-owned metadata.
    delete obj.metadata.resourceVersion;
    delete obj.metadata.deletionTimestamp;
    delete obj.metadata.deletionGracePeriodSeconds;
    delete obj.metadata.selfLink;
    delete obj.metadata.managedFields;
    obj.metadata.uid = uid();
    obj.metadata.creationTimestamp = timestamp();
    if (def.generation) obj.metadata.generation = 1;
    else delete obj.metadata.generation;
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = `${obj.metadata.generateName}${randomSuffix()}`;
    }
    // Strategies reset status on create; the controllers own it.
    if (def.status && def.kind !== 'Namespace') delete obj.status;
    this.prepareCreate(def, obj);
    this.admitCreate(def, obj, opts);
    if (this.find(def, namespace, obj.metadata.name!))
      throw alreadyExists(def, obj.metadata.name!);
    if (opts.dryRun) return obj as StoredObject;
    const stored = this.store.put(keyOf(def), obj as StoredObject);
    if (def.kind === 'Namespace') this.seedNamespace(stored);
    return stored;
  }

  /** Per-kind fields the server derives on create. */
  private prepareCreate(def: ResourceDef, obj: KubeObject) {
    if (def.kind === 'Job' && obj.spec && typeof obj.spec === 'object') {
      const controllerUid = obj.metadata.uid!;
      const name = obj.metadata.name ?? '';
      if (!obj.spec.manualSelector) {
        obj.spec.selector = {
          matchLabels: { 'batch.kubernetes.io/controller-uid': controllerUid },
        };
      }
      obj.spec.template ??= {};
      obj.spec.template.metadata ??= {};
      obj.spec.template.metadata.labels = {
        ...obj.spec.template.metadata.labels,
        'batch.kubernetes.io/controller-uid': controllerUid,
        'batch.kubernetes.io/job-name': name,
        'controller-uid': controllerUid,
        'job-name': name,
      };
    }
    if (
      def.kind === 'Service' &&
      obj.spec &&
      obj.spec.type !== 'ExternalName'
    ) {
      if (!obj.spec.clusterIP) {
        const n = ++this.serviceIp;
        obj.spec.clusterIP = `172.30.${(n >> 8) & 255}.${n & 255}`;
      }
      obj.spec.clusterIPs ??= [obj.spec.clusterIP];
    }
    if (def.kind === 'Route') {
      applyDefaults(def, obj);
      obj.status = { ingress: routeIngress(obj) };
    }
    if (def.kind === 'PersistentVolumeClaim') {
      obj.status = {
        phase: 'Bound',
        accessModes: obj.spec?.accessModes,
        capacity: obj.spec?.resources?.requests?.storage
          ? { storage: obj.spec.resources.requests.storage }
          : undefined,
      };
    }
  }

  /** What the service-account and root-CA controllers add to every namespace. */
  private seedNamespace(ns: StoredObject) {
    const namespace = ns.metadata.name;
    const internal = { internal: true };
    try {
      this.create(
        R.serviceaccounts,
        namespace,
        {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'default' },
        },
        internal,
      );
      this.create(
        R.configmaps,
        namespace,
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: 'kube-root-ca.crt',
            annotations: {
              'kubernetes.io/description':
                'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
            },
          },
          data: {
            'ca.crt':
              '-----BEGIN CERTIFICATE-----\nkube-sim\n-----END CERTIFICATE-----\n',
          },
        },
        internal,
      );
    } catch (e) {
      // A quota created later cannot exist yet; anything else is a bug.
      if (!(e instanceof StatusError)) throw e;
    }
  }

  /**
   * Replaces an object. `subresource` 'status' changes only status; the main
   * resource keeps the stored status for kinds with a status subresource.
   */
  update(
    def: ResourceDef,
    namespace: string,
    name: string,
    body: KubeObject,
    opts: WriteOptions = {},
    subresource?: string,
  ): StoredObject {
    this.checkTypeMeta(def, body);
    if (body.metadata?.name && body.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (
      def.namespaced &&
      body.metadata?.namespace &&
      body.metadata.namespace !== namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const old = this.get(def, namespace, name);
    const rv = body.metadata?.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw conflict(def, name);
    let obj: KubeObject;
    if (subresource === 'status') {
      obj = { ...clone(old), status: clone(body.status) };
    } else {
      obj = clone(body);
      obj.apiVersion = apiVersionOf(def);
      obj.kind = def.kind;
      obj.metadata = {
        ...(obj.metadata ?? {}),
        name,
        namespace: old.metadata.namespace,
        uid: old.metadata.uid,
        creationTimestamp: old.metadata.creationTimestamp,
        deletionTimestamp: old.metadata.deletionTimestamp,
        deletionGracePeriodSeconds: old.metadata.deletionGracePeriodSeconds,
        generation: old.metadata.generation,
        resourceVersion: old.metadata.resourceVersion,
      };
      if (!def.namespaced) delete obj.metadata.namespace;
      for (const k of [
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'generation',
      ] as const) {
        if (obj.metadata[k] === undefined) delete obj.metadata[k];
      }
      delete obj.metadata.managedFields;
      if (def.status) obj.status = clone(old.status);
      applyDefaults(def, obj);
      if (def.kind === 'Namespace')
        obj.metadata.labels!['kubernetes.io/metadata.name'] = name;
    }
    if (!opts.internal || subresource !== 'status')
      validateObject(def, obj, old);
    if (def.generation && !deepEqual(specOf(obj), specOf(old))) {
      obj.metadata.generation = (old.metadata.generation ?? 1) + 1;
    }
    if (def.kind === 'Route' && obj.spec?.host !== old.spec?.host) {
      obj.status = { ingress: routeIngress(obj) };
    }
    if (deepEqual(obj, old)) return old;
    if (opts.dryRun) return obj as StoredObject;
    // The last finalizer gone from an object being deleted completes the deletion.
    const kubeletOwned =
      def.kind === 'Pod' &&
      obj.spec?.nodeName &&
      !['Succeeded', 'Failed'].includes(obj.status?.phase);
    if (
      obj.metadata.deletionTimestamp &&
      !(obj.metadata.finalizers ?? []).length &&
      def.kind !== 'Namespace' &&
      !kubeletOwned
    ) {
      const removed = this.store.remove(
        keyOf(def),
        old.metadata.namespace ?? '',
        name,
      )!;
      this.onDelete(def, removed, 'Background');
      return removed;
    }
    return this.store.put(keyOf(def), obj as StoredObject);
  }

  patch(
    def: ResourceDef,
    namespace: string,
    name: string,
    contentType: string,
    patch: unknown,
    opts: WriteOptions = {},
    subresource?: string,
  ): StoredObject {
    const current = this.find(def, namespace, name);
    if (!current) {
      if (contentType === 'application/apply-patch+yaml') {
        return this.create(
          def,
          namespace,
          {
            ...(patch as KubeObject),
            metadata: { ...(patch as KubeObject).metadata, name },
          },
          opts,
        );
      }
      throw notFound(def, name);
    }
    if (patch === null || typeof patch !== 'object') {
      throw badRequest('the body of the request was not a valid patch');
    }
    const patched = applyPatch(contentType, clone(current), patch);
    if (!patched || typeof patched !== 'object')
      throw badRequest('the patch produced an invalid object');
    // A patch only conflicts when it carries a resourceVersion of its own.
    const patchRv = (patch as any)?.metadata?.resourceVersion;
    if (!patchRv && patched.metadata)
      patched.metadata.resourceVersion = current.metadata.resourceVersion;
    return this.update(def, namespace, name, patched, opts, subresource);
  }

  delete(
    def: ResourceDef,
    namespace: string,
    name: string,
    opts: DeleteOptions = {},
  ): StoredObject {
    const obj = this.get(def, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== obj.metadata.uid) {
      throw conflict(
        def,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`,
      );
    }
    if (
      pre?.resourceVersion &&
      pre.resourceVersion !== obj.metadata.resourceVersion
    ) {
      throw conflict(
        def,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`,
      );
    }
    // batch/v1 Jobs still orphan their pods by default, for compatibility.
    const policy: PropagationPolicy =
      opts.propagationPolicy ?? (def.kind === 'Job' ? 'Orphan' : 'Background');
    if (opts.dryRun) return obj;
    const key = keyOf(def);
    const ns = obj.metadata.namespace ?? '';
    const now = timestamp();

    if (def.kind === 'Namespace') {
      if (obj.metadata.deletionTimestamp) return obj;
      return this.store.put(key, {
        ...clone(obj),
        metadata: { ...clone(obj.metadata), deletionTimestamp: now },
        status: { ...clone(obj.status), phase: 'Terminating' },
      });
    }
    if (def.kind === 'Pod') {
      const grace =
        opts.gracePeriodSeconds ??
        obj.spec?.terminationGracePeriodSeconds ??
        30;
      const running =
        obj.spec?.nodeName &&
        !['Succeeded', 'Failed'].includes(obj.status?.phase);
      if (grace > 0 && running && !(obj.metadata.finalizers ?? []).length) {
        if (obj.metadata.deletionTimestamp) return obj;
        // Graceful deletion: the kubelet stops the containers, then the pod goes.
        return this.store.put(key, {
          ...clone(obj),
          metadata: {
            ...clone(obj.metadata),
            deletionTimestamp: timestamp(Date.now() + grace * 1000),
            deletionGracePeriodSeconds: grace,
          },
        });
      }
    }
    const finalizers = [...(obj.metadata.finalizers ?? [])];
    // Pods own nothing, so foreground deletion of a pod is an ordinary one.
    if (
      policy === 'Foreground' &&
      def.kind !== 'Pod' &&
      !finalizers.includes('foregroundDeletion')
    ) {
      finalizers.push('foregroundDeletion');
    }
    if (policy === 'Orphan') this.orphanDependents(obj);
    if (finalizers.length > 0) {
      const updated =
        obj.metadata.deletionTimestamp &&
        deepEqual(finalizers, obj.metadata.finalizers)
          ? obj
          : this.store.put(key, {
              ...clone(obj),
              metadata: {
                ...clone(obj.metadata),
                deletionTimestamp: obj.metadata.deletionTimestamp ?? now,
                finalizers,
              },
            });
      this.onDelete(def, updated, policy);
      return updated;
    }
    const removed = this.store.remove(key, ns, name)!;
    this.onDelete(def, removed, policy);
    return removed;
  }

  /** Orphan propagation: dependents lose their owner reference to `owner`. */
  private orphanDependents(owner: StoredObject) {
    for (const [key, ns, name] of this.store.dependents(owner.metadata.uid)) {
      const dep = this.store.get(key, ns, name);
      if (!dep) continue;
      const refs = (dep.metadata.ownerReferences ?? []).filter(
        r => r.uid !== owner.metadata.uid,
      );
      const metadata = clone(dep.metadata);
      if (refs.length) metadata.ownerReferences = clone(refs);
      else delete metadata.ownerReferences;
      this.store.put(key, { ...clone(dep), metadata });
    }
  }

  /** Writes a new status computed by a controller (no admission, no validation). */
  writeStatus(
    def: ResourceDef,
    obj: StoredObject,
    status: unknown,
  ): StoredObject {
    if (deepEqual(obj.status, status)) return obj;
    const current = this.find(
      def,
      obj.metadata.namespace ?? '',
      obj.metadata.name,
    );
    if (!current || current.metadata.uid !== obj.metadata.uid) return obj;
    return this.store.put(keyOf(def), {
      ...clone(current),
      status: clone(status),
    } as StoredObject);
  }

  /** Replaces a stored object as a controller (metadata/spec changes, no admission). */
  writeObject(def: ResourceDef, obj: KubeObject): StoredObject {
    const current = this.find(
      def,
      obj.metadata.namespace ?? '',
      obj.metadata.name ?? '',
    );
    if (current && deepEqual(current, obj)) return current;
    return this.store.put(keyOf(def), obj as StoredObject);
  }
}

function specOf(obj: KubeObject) {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}
