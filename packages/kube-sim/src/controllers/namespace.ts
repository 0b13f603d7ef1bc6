/**
 * Namespace lifecycle: a deleted namespace stays `Terminating` while its
 * content is removed, then disappears (the namespace controller plus the
 * `kubernetes` finalizer).
 */
import { keyOf, R, RESOURCES } from '../api/resources';
import { Cluster } from '../cluster';

export class NamespaceController {
  constructor(private readonly cluster: Cluster) {}

  tick(): void {
    const { store } = this.cluster;
    for (const ns of [...store.iterate(keyOf(R.namespaces))]) {
      if (!ns.metadata.deletionTimestamp) continue;
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
      if (remaining === 0) store.remove(keyOf(R.namespaces), '', name);
    }
  }
}
