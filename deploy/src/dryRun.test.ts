import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import { binary } from './tools';
import { render, type Manifest } from './__testUtils__/render';
import { ENVIRONMENTS, renderPlatform } from './__testUtils__/layers';

/*
 * Every rendered manifest goes through an API server's admission and validation as Argo CD's
 * sync would send it: `kubectl apply --dry-run=server` against kube-sim over TLS. Kinds that
 * kube-sim serves must be admitted (and nothing stored); the only kinds not sent are the custom
 * resources of operators, which need their CRDs. A Kubernetes kind kube-sim does not serve fails
 * here, so that kube-sim gets extended rather than the manifest going unchecked.
 */

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '..');
const RELEASE_NAMESPACE = 'genai-portal';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** How the server serves a kind, from its discovery document. */
interface Served {
  group: string;
  singular: string;
  plural: string;
  namespaced: boolean;
}

/** kube-sim over TLS, with the real kubectl pointed at it through a kubeconfig. */
async function startCluster() {
  const sim: KubeSim = await startKubeSim({ port: 0, tls: 'self-signed' });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-dry-run-'));
  const kubeconfig = path.join(home, 'kubeconfig');
  fs.writeFileSync(kubeconfig, sim.kubeconfig);
  // Asynchronous: kube-sim answers from this process while kubectl runs.
  const kubectl = (args: string[], input = '') =>
    new Promise<Run>((resolve, reject) => {
      const child = spawn(
        binary('kubectl'),
        ['--kubeconfig', kubeconfig, ...args],
        {
          env: { PATH: process.env.PATH, HOME: home },
          cwd: home,
          timeout: 60_000,
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', chunk => (stdout += chunk));
      child.stderr.on('data', chunk => (stderr += chunk));
      child.on('error', reject);
      child.on('close', code => resolve({ code, stdout, stderr }));
      child.stdin.end(input);
    });
  const close = async () => {
    await sim.close();
    fs.rmSync(home, { recursive: true, force: true });
  };
  return { kubectl, close };
}

type Cluster = Awaited<ReturnType<typeof startCluster>>;

/** The platform's manifests as kustomize builds them. */
function platform(): Manifest[] {
  const out = execFileSync(
    binary('kubectl'),
    ['kustomize', path.join(root, 'platform')],
    {
      encoding: 'utf8',
    },
  );
  return parseAllDocuments(out).map(d => d.toJSON());
}

const groupOf = (apiVersion: string) =>
  apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
const gvk = (m: { apiVersion: string; kind: string }) =>
  `${m.apiVersion}/${m.kind}`;
const identity = (m: Manifest) =>
  `${m.apiVersion}/${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`;

/** The kinds the server serves in the manifests' group-versions, as its discovery lists them. */
async function discover(cluster: Cluster, manifests: Manifest[]) {
  const served = new Map<string, Served>();
  for (const apiVersion of new Set(manifests.map(m => m.apiVersion))) {
    const url = apiVersion.includes('/')
      ? `/apis/${apiVersion}`
      : `/api/${apiVersion}`;
    const run = await cluster.kubectl(['get', '--raw', url]);
    // A group-version the server does not know is a 404: nothing of it is served.
    if (run.code !== 0) continue;
    for (const r of JSON.parse(run.stdout).resources) {
      if (r.name.includes('/')) continue;
      served.set(`${apiVersion}/${r.kind}`, {
        group: groupOf(apiVersion),
        singular: r.singularName,
        plural: r.name,
        namespaced: r.namespaced,
      });
    }
  }
  return served;
}

/**
 * Kinds of Kubernetes itself: those kubernetes-models, generated from the API server's OpenAPI,
 * has a model of. Anything else comes with an operator's CRD.
 */
const modelsRoot = path.dirname(require.resolve('kubernetes-models'));
const isKubernetesKind = (m: Manifest) =>
  fs.existsSync(path.join(modelsRoot, m.apiVersion, `${m.kind}.js`));

/**
 * A stream of documents for `kubectl -f -`, each as JSON: kubectl reads YAML 1.1, where a string
 * such as `yes` that YAML 1.2 writes bare would turn into a boolean.
 */
const streamOf = (manifests: Manifest[]) =>
  manifests.map(m => JSON.stringify(m)).join('\n---\n');

/** What `kubectl apply --dry-run=server` prints for each object the server would create. */
const createdLines = (manifests: Manifest[], served: Map<string, Served>) =>
  manifests
    .map(m => {
      const { singular, group } = served.get(gvk(m))!;
      const resource = group ? `${singular}.${group}` : singular;
      return `${resource}/${m.metadata.name} created (server dry run)\n`;
    })
    .join('');

/** Namespaced objects without a namespace land in `namespace`, as `helm install -n` puts them. */
function placed(
  manifests: Manifest[],
  served: Map<string, Served>,
  namespace?: string,
) {
  return manifests.map(m =>
    namespace && served.get(gvk(m))?.namespaced && !m.metadata.namespace
      ? { ...m, metadata: { ...m.metadata, namespace } }
      : m,
  );
}

async function namesOf(cluster: Cluster, resource: string): Promise<string[]> {
  const run = await cluster.kubectl(['get', resource, '-o', 'name']);
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').filter(Boolean);
}

interface Outcome {
  sent: number;
  notSent: string[];
}

/**
 * Dry-runs the Namespaces first (none exists yet), makes every namespace the objects use for
 * real (a server refuses objects in a missing one), then dry-runs the rest; checks kubectl's
 * output line by line and that the server stored none of them.
 */
async function dryRunAll(
  manifests: Manifest[],
  releaseNamespace?: string,
): Promise<Outcome> {
  const cluster = await startCluster();
  try {
    const served = await discover(cluster, manifests);
    const notSent = manifests.filter(m => !served.has(gvk(m)));
    // A Kubernetes kind kube-sim does not serve must make kube-sim grow, not go unchecked.
    expect(notSent.filter(isKubernetesKind).map(identity)).toEqual([]);
    const sent = placed(
      manifests.filter(m => served.has(gvk(m))),
      served,
      releaseNamespace,
    );
    const namespaces = sent.filter(
      m => m.kind === 'Namespace' && m.apiVersion === 'v1',
    );
    const rest = sent.filter(m => !namespaces.includes(m));

    const before = await namesOf(cluster, 'namespaces');
    if (namespaces.length) {
      const run = await cluster.kubectl(
        ['apply', '--dry-run=server', '-f', '-'],
        streamOf(namespaces),
      );
      expect(run).toEqual({
        code: 0,
        stdout: createdLines(namespaces, served),
        stderr: '',
      });
      expect(await namesOf(cluster, 'namespaces')).toEqual(before);
    }

    const used = new Set([
      ...namespaces.map(n => n.metadata.name),
      ...rest.flatMap(m =>
        m.metadata.namespace ? [m.metadata.namespace] : [],
      ),
    ]);
    const missing = [...used].filter(n => !before.includes(`namespace/${n}`));
    if (missing.length) {
      const bare = missing.map(name => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      }));
      const made = await cluster.kubectl(['create', '-f', '-'], streamOf(bare));
      expect(made.stderr).toBe('');
    }

    const run = await cluster.kubectl(
      ['apply', '--dry-run=server', '-f', '-'],
      streamOf(rest),
    );
    expect(run).toEqual({
      code: 0,
      stdout: createdLines(rest, served),
      stderr: '',
    });

    const resources = [
      ...new Set(
        rest.map(m => {
          const { plural, group } = served.get(gvk(m))!;
          return group ? `${plural}.${group}` : plural;
        }),
      ),
    ];
    if (resources.length) {
      const list = await cluster.kubectl([
        'get',
        resources.join(','),
        '-A',
        '-o',
        'json',
      ]);
      expect(list.stderr).toBe('');
      const ids = new Set(rest.map(identity));
      const stored = JSON.parse(list.stdout).items.filter((o: Manifest) =>
        ids.has(identity(o)),
      );
      expect(stored.map(identity)).toEqual([]);
    }
    return {
      sent: sent.length,
      notSent: [...new Set(notSent.map(gvk))].sort(),
    };
  } finally {
    await cluster.close();
  }
}

describe('kubectl apply --dry-run=server of the rendered manifests against kube-sim', () => {
  it('admits every manifest of the portal chart of a kind kube-sim serves', async () => {
    const outcome = await dryRunAll(render(), RELEASE_NAMESPACE);
    expect(outcome.sent).toBeGreaterThan(10);
    // the Prometheus Operator's, at least
    expect(outcome.notSent).toContain(
      'monitoring.coreos.com/v1/ServiceMonitor',
    );
  });

  it('admits every manifest of deploy/platform of a kind kube-sim serves', async () => {
    const outcome = await dryRunAll(platform());
    expect(outcome.sent).toBeGreaterThan(0);
  });

  it('fails on a Kubernetes kind kube-sim does not serve, rather than skipping it', async () => {
    const revision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'portal-1', namespace: RELEASE_NAMESPACE },
      revision: 1,
    };
    await expect(dryRunAll([revision])).rejects.toThrow(
      'apps/v1/ControllerRevision genai-portal/portal-1',
    );
  });

  it.each(ENVIRONMENTS)(
    'admits every manifest of every layer for %s of a kind kube-sim serves',
    async environment => {
      const outcome = await dryRunAll(renderPlatform(environment));
      expect(outcome.sent).toBeGreaterThan(0);
    },
  );
});

describe('a real server refuses what kube-sim refuses', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(() => cluster?.close());

  const deployment = () => {
    const [found] = render().filter(m => m.kind === 'Deployment');
    return {
      ...found,
      metadata: { ...found.metadata, namespace: 'genai-portal' },
    };
  };
  const apply = (manifest: Manifest) =>
    cluster.kubectl(
      ['apply', '--dry-run=server', '-f', '-'],
      streamOf([manifest]),
    );

  it('refuses a dry run into a namespace that does not exist, with NotFound', async () => {
    expect(await apply(deployment())).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'Error from server (NotFound): error when creating "STDIN": namespaces "genai-portal" not found\n',
    });
  });

  describe('in an existing namespace', () => {
    beforeAll(async () => {
      const made = await cluster.kubectl([
        'create',
        'namespace',
        'genai-portal',
      ]);
      if (made.code !== 0) throw new Error(made.stderr);
    });

    it('refuses a Deployment whose selector does not match its pod template labels', async () => {
      const bad = deployment();
      bad.spec = structuredClone(bad.spec);
      bad.spec.template.metadata.labels = { app: 'other' };
      expect(await apply(bad)).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'The Deployment "portal" is invalid: spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`\n',
      });
    });

    it('refuses a misspelt field, as strict field validation does', async () => {
      const bad = deployment();
      bad.spec = { ...bad.spec, replica: 2 };
      expect(await apply(bad)).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"\n',
      });
    });

    it('refuses a Service with a port out of range', async () => {
      const [service] = render().filter(m => m.kind === 'Service');
      const bad = {
        ...service,
        metadata: { ...service.metadata, namespace: 'genai-portal' },
        spec: { ...service.spec, ports: [{ name: 'http', port: 70000 }] },
      };
      expect(await apply(bad)).toEqual({
        code: 1,
        stdout: '',
        stderr: `The Service "${service.metadata.name}" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n`,
      });
    });
  });
});
