import { freePort } from './ports';
import { prometheusInstalled, startPrometheus } from './prometheus';

const available = prometheusInstalled();

describe('test-utils', () => {
  it('finds a port nothing listens on', async () => {
    const port = await freePort();
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});

(available ? describe : describe.skip)('startPrometheus', () => {
  it('starts a Prometheus with rule files, and stops it', async () => {
    const prometheus = await startPrometheus({
      // No scrape targets: nothing but its own rules to evaluate.
      config: { global: { evaluation_interval: '1s' } },
      rules: {
        'rules.yml':
          'groups:\n  - name: g\n    rules:\n      - record: one\n        expr: vector(1)\n',
      },
    });
    try {
      const rules = await (
        await fetch(`${prometheus.url}/api/v1/rules`)
      ).json();
      expect(rules.data.groups[0].rules[0].name).toBe('one');
    } finally {
      await prometheus.stop();
    }
    await expect(fetch(`${prometheus.url}/-/ready`)).rejects.toThrow();
  }, 30_000);
});
