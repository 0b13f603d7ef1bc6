/** The resource quota controller: keeps status.hard and status.used current. */
import { quotaStatus } from '../admission/quota';
import { keyOf, R } from '../api/resources';
import { Cluster } from '../cluster';

export class QuotaController {
  constructor(private readonly cluster: Cluster) {}

  tick(): void {
    const { store, api } = this.cluster;
    for (const quota of [...store.iterate(keyOf(R.resourcequotas))]) {
      api.writeStatus(R.resourcequotas, quota, quotaStatus(store, quota));
    }
  }
}
