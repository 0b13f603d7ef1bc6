/**
 * Gatekeeper's template controller: a ConstraintTemplate is reported created (its status, as
 * Gatekeeper's pods write it) once its constraint kind is served, and deleting the template
 * deletes the kind's CRD and so every constraint of it. The kinds themselves are derived from
 * the stored templates (api/constraints.ts).
 */
import {
  CONSTRAINTS_GROUP,
  constraintDefs,
  constraintKindOf,
} from '../api/constraints';
import { keyOf, R } from '../api/resources';
import { Cluster } from '../cluster';

export class GatekeeperController {
  constructor(private readonly cluster: Cluster) {}

  tick(): void {
    const { store, api } = this.cluster;
    for (const template of [...store.iterate(keyOf(R.constrainttemplates))]) {
      if (!constraintKindOf(template)) continue;
      api.writeStatus(R.constrainttemplates, template, {
        created: true,
        byPod: [
          {
            id: 'gatekeeper-audit',
            observedGeneration: template.metadata.generation ?? 1,
            operations: ['audit', 'status'],
            templateUID: template.metadata.uid,
          },
        ],
      });
    }
    // A CRD going away takes its objects with it.
    const served = new Set(constraintDefs(store).map(keyOf));
    for (const key of store.keys()) {
      if (!key.startsWith(`${CONSTRAINTS_GROUP}/`) || served.has(key)) continue;
      for (const obj of [...store.iterate(key)])
        store.remove(key, '', obj.metadata.name);
    }
  }
}
