/**
 * The garbage collector: follows ownerReferences after an owner is deleted.
 * Background deletion removes the dependents after the owner; Foreground
 * keeps the owner (deletionTimestamp + `foregroundDeletion` finalizer) until
 * its dependents are gone. Orphaning is done by the write path itself.
 */
import { PropagationPolicy } from '../api/rest';
import { keyOf, ResourceDef, resourceByKey } from '../api/resources';
import { Cluster } from '../cluster';
import { clone } from '../patch';
import { StatusError } from '../status';
import { StoredObject } from '../types';

interface Pending {
  def: ResourceDef;
  owner: StoredObject;
  policy: PropagationPolicy;
}

export class GarbageCollector {
  private readonly queue = new Map<string, Pending>();

  constructor(private readonly cluster: Cluster) {
    cluster.api.onDelete = (def, owner, policy) => {
      if (policy !== 'Orphan')
        this.queue.set(owner.metadata.uid, { def, owner, policy });
    };
  }

  tick(): void {
    const { store, api } = this.cluster;
    for (const [uid, item] of [...this.queue]) {
      const dependents = store.dependents(uid);
      for (const [key, ns, name] of dependents) {
        const dep = store.get(key, ns, name);
        if (!dep || dep.metadata.deletionTimestamp) continue;
        const others = (dep.metadata.ownerReferences ?? []).filter(
          r => r.uid !== uid,
        );
        const def = resourceByKey(key);
        try {
          if (others.length > 0) {
            // Another owner still holds it: only drop the reference.
            api.writeObject(def, {
              ...clone(dep),
              metadata: {
                ...clone(dep.metadata),
                ownerReferences: clone(others),
              },
            });
          } else {
            api.delete(def, ns, name, {
              propagationPolicy:
                item.policy === 'Foreground' ? 'Foreground' : 'Background',
            });
          }
        } catch (e) {
          if (!(e instanceof StatusError)) throw e;
        }
      }
      if (store.dependents(uid).length > 0) continue;
      this.queue.delete(uid);
      if (item.policy === 'Foreground') {
        const owner = store.get(
          keyOf(item.def),
          item.owner.metadata.namespace ?? '',
          item.owner.metadata.name,
        );
        if (owner && owner.metadata.uid === uid) {
          const finalizers = (owner.metadata.finalizers ?? []).filter(
            f => f !== 'foregroundDeletion',
          );
          api.update(
            item.def,
            owner.metadata.namespace ?? '',
            owner.metadata.name,
            {
              ...clone(owner),
              metadata: { ...clone(owner.metadata), finalizers },
            },
            { internal: true },
          );
        }
      }
    }
  }
}
