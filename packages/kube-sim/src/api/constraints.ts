/**
 * Gatekeeper's constraint kinds. Each ConstraintTemplate makes Gatekeeper create a CRD in
 * `constraints.gatekeeper.sh/v1beta1` for the kind its `spec.crd.spec.names.kind` names (plural:
 * the kind in lower case, cluster-scoped, with a status subresource that the audit writes). Here
 * the kinds are derived from the stored templates on each lookup, so they come with a template,
 * go with it and survive a restart from a state file without a registry of their own.
 */
import { ObjectStore } from '../store/ObjectStore';
import { StoredObject } from '../types';
import { keyOf, R, ResourceDef, RESOURCES } from './resources';

export const CONSTRAINTS_GROUP = 'constraints.gatekeeper.sh';
export const CONSTRAINTS_VERSION = 'v1beta1';

/** The constraint kind a template names, or undefined when it names none. */
export function constraintKindOf(template: StoredObject): string | undefined {
  const kind = template.spec?.crd?.spec?.names?.kind;
  return typeof kind === 'string' && kind ? kind : undefined;
}

function constraintDef(kind: string): ResourceDef {
  const plural = kind.toLowerCase();
  return {
    group: CONSTRAINTS_GROUP,
    version: CONSTRAINTS_VERSION,
    plural,
    singular: plural,
    kind,
    namespaced: false,
    // As Gatekeeper's CRDs: `kubectl get constraints` lists every kind.
    categories: ['constraint', 'constraints'],
    status: true,
    generation: true,
  };
}

/** The constraint kinds of the templates in the store (not those being deleted), by kind. */
export function constraintDefs(store: ObjectStore): ResourceDef[] {
  const defs = new Map<string, ResourceDef>();
  for (const template of store.iterate(keyOf(R.constrainttemplates))) {
    if (template.metadata.deletionTimestamp) continue;
    const kind = constraintKindOf(template);
    if (kind && !defs.has(kind)) defs.set(kind, constraintDef(kind));
  }
  return [...defs.values()].sort((a, b) => a.plural.localeCompare(b.plural));
}

/** Every resource the cluster serves now: the static table and the constraint kinds. */
export function servedResources(store: ObjectStore): ResourceDef[] {
  return [...RESOURCES, ...constraintDefs(store)];
}

/** A constraint kind by its URL form, when a template defines it. */
export function findConstraint(
  store: ObjectStore,
  group: string,
  version: string,
  plural: string,
): ResourceDef | undefined {
  if (group !== CONSTRAINTS_GROUP || version !== CONSTRAINTS_VERSION)
    return undefined;
  return constraintDefs(store).find(d => d.plural === plural);
}
