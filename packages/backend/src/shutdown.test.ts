import {
  startProductionBackend,
  startSim,
  repoRoot,
} from '@genai-portal/test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/*
 * The kubelet sends SIGTERM after the pod's preStop hook and SIGKILLs whatever still runs when the
 * grace period ends: what waits in memory is lost then. The production backend must exit on its
 * own, cleanly, within the grace period the chart gives it, less the preStop's sleep.
 */

jest.setTimeout(180_000);

const KUBE_TOKEN = 'shutdown-token';

/** The seconds the chart leaves the backend between SIGTERM and SIGKILL. */
function chartBudgetSeconds(): number {
  const values = parse(
    fs.readFileSync(
      path.join(repoRoot, 'deploy/helm/genai-portal/values.yaml'),
      'utf8',
    ),
  );
  return values.terminationGracePeriodSeconds - values.preStopSleepSeconds;
}

describe('the production backend on SIGTERM', () => {
  it('exits cleanly within the pod grace period the chart sets, less the preStop sleep', async () => {
    const kube = await startSim('kube-sim', [
      '--port=0',
      `--token=${KUBE_TOKEN}`,
    ]);
    try {
      const backend = await startProductionBackend({
        cluster: { url: kube.url, token: KUBE_TOKEN },
      });
      // The event bus's subscribers hold their long polls open by now.
      await new Promise(r => setTimeout(r, 3000));
      const started = Date.now();
      const code = await backend.stop();
      const seconds = (Date.now() - started) / 1000;
      // eslint-disable-next-line no-console
      console.info(`SIGTERM to exit: ${seconds.toFixed(1)} s`);
      expect(code).toBe(0);
      expect(seconds).toBeLessThan(chartBudgetSeconds());
    } finally {
      await kube.stop();
    }
  });
});
