/**
 * Namespace lifecycle: a deleted namespace stays `Terminating` while its
 * content is removed, then disappears (the namespace controller plus the
 * `kubernetes` finalizer). Like the real controller, it only starts on a
 * namespace 5 s (simulated) after seeing it deleted
 * (`namespaceDeletionGracePeriod`), so a client deleting the namespace and
 * then its objects, as `kubectl delete -f` does, finds them still there.
 */
import { keyOf, R, RESOURCES } from '../api/resources';
import { Cluster } from '../cluster';

const DELETION_GRACE_SECONDS = 5;

export class NamespaceController {
  /** When each terminating namespace (by uid) was first seen. */
  private readonly seenAt = new Map<string, number>();

  constructor(private readonly cluster: Cluster) {}

  tick(): void {
    const { store } = this.cluster;
    for (const ns of [...store.iterate(keyOf(R.namespaces))]) {
      if (!ns.metadata.deletionTimestamp) continue;
      const uid = ns.metadata.uid;
      const seen = this.seenAt.get(uid);
      if (seen === undefined) {
        this.seenAt.set(uid, Date.now());
        continue;
      }
      if (Date.now() - seen < this.cluster.realMs(DELETION_GRACE_SECONDS))
        continue;
      const name = ns.metadata.name;
      let remaining = 0;
      for (const def of RESOURCES) {
        if (!def.namespaced || def.viewOf) continue;
        const key = keyOf(def);
        for (const obj of [...store.iterate(key, name)]) {
          store.remove(key, name, obj.metadata.name);
          remaining++;
        }
      }
      // Removal happens on a later tick than the content, so watchers see Terminating.
      if (remaining === 0) {
        store.remove(keyOf(R.namespaces), '', name);
        this.seenAt.delete(uid);
      }
    }
  }
}
