import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { binary } from './tools';
import type { Manifest } from './__testUtils__/render';
import {
  ENVIRONMENTS,
  type Environment,
  layerNames,
  layersDir,
  renderLayer,
  valueFiles,
} from './__testUtils__/layers';
import { placed } from './__testUtils__/environmentObjects';

/*
 * What Argo CD would deploy from deploy/gitops, computed here: the ApplicationSet's generators
 * expanded and its Go templates rendered, checked against the repository (paths, value files),
 * against what the sources render (namespaces, cluster-scoped kinds: the AppProject must admit
 * them) and for the order they sync in. Then the CI pipeline and the daily backup.
 */

jest.setTimeout(180_000);

// Tests only run from source, so the package folder is a fixed step up from here.
// eslint-disable-next-line no-restricted-syntax
const deployDir = path.resolve(__dirname, '..');
const repoRoot = path.resolve(deployDir, '..');

const readYaml = (file: string) =>
  parse(fs.readFileSync(path.join(deployDir, file), 'utf8'));

const kustomize = (dir: string): Manifest[] =>
  parseAllDocuments(
    execFileSync(binary('kubectl'), ['kustomize', path.join(repoRoot, dir)], {
      encoding: 'utf8',
    }),
  ).map(d => d.toJSON());

type Parameters = Record<string, unknown>;

/** The parameter sets a generator makes: a list's elements, a matrix's every combination. */
function parameters(generator: any): Parameters[] {
  if (generator.list) return generator.list.elements;
  if (generator.matrix) {
    const [first, second] = generator.matrix.generators.map(parameters);
    return first.flatMap((a: Parameters) =>
      second.map((b: Parameters) => ({ ...a, ...b })),
    );
  }
  throw new Error(`no expansion for generator ${Object.keys(generator)}`);
}

/**
 * Go templates rendered for each parameter set by helm, whose engine is Go's text/template with
 * Sprig as Argo CD's goTemplate is: one document per text and parameter set, in order.
 */
function renderGoTemplates(texts: string[], sets: Parameters[]): unknown[][] {
  const chart = fs.mkdtempSync(path.join(os.tmpdir(), 'appset-'));
  try {
    fs.writeFileSync(
      path.join(chart, 'Chart.yaml'),
      'apiVersion: v2\nname: appset\nversion: 0.1.0\n',
    );
    fs.writeFileSync(path.join(chart, 'values.yaml'), JSON.stringify({ sets }));
    fs.mkdirSync(path.join(chart, 'templates'));
    fs.writeFileSync(
      path.join(chart, 'templates', 'out.yaml'),
      `{{- range .Values.sets }}{{- with . }}\n${texts
        .map(text => `---\n${text}\n`)
        .join('')}{{- end }}{{- end }}\n`,
    );
    const out = execFileSync(binary('helm'), ['template', 'appset', chart], {
      encoding: 'utf8',
    });
    // missingkey=error in Argo CD; helm prints this instead.
    expect(out).not.toContain('<no value>');
    const docs = parseAllDocuments(out).map(d => d.toJSON());
    return sets.map((_, i) => texts.map((__, j) => docs[i * texts.length + j]));
  } finally {
    fs.rmSync(chart, { recursive: true, force: true });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** templatePatch over the template, as a merge patch: objects merge, anything else replaces. */
function merged(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return patch ?? base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    out[key] = merged(base[key], value);
  }
  return out;
}

const applicationSet = readYaml('gitops/applicationset.yaml');
const appProject = readYaml('gitops/appproject.yaml');

/** An Application the ApplicationSet makes, with the parameters it came from. */
interface Generated {
  set: Parameters;
  app: any;
}

function applications(): Generated[] {
  const sets: Parameters[] = applicationSet.spec.generators.flatMap(parameters);
  const rendered = renderGoTemplates(
    [
      JSON.stringify(applicationSet.spec.template),
      applicationSet.spec.templatePatch,
    ],
    sets,
  );
  return sets.map((set: Parameters, i: number) => ({
    set,
    app: merged(rendered[i][0], rendered[i][1]) as any,
  }));
}

/** Go's path.Match for the `*` globs of AppProject destinations. */
const globMatches = (glob: string, value: string) =>
  new RegExp(
    `^${glob
      .split('*')
      .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*')}$`,
  ).test(value);

const permitted = (destination: { name: string; namespace: string }) =>
  appProject.spec.destinations.some(
    (d: { name: string; namespace: string }) =>
      globMatches(d.name, destination.name) &&
      globMatches(d.namespace, destination.namespace),
  );

/** The group of an apiVersion: '' for the core group. */
const groupOf = (apiVersion: string) =>
  apiVersion.includes('/') ? apiVersion.split('/')[0] : '';

/** What one Application deploys, rendered as Argo CD renders it, each namespaced object placed. */
function renderApplication(app: any): Manifest[] {
  const { path: source, helm } = app.spec.source;
  const dir = path.join(repoRoot, source);
  const { namespace } = app.spec.destination;
  if (!helm) return placed(kustomize(source), namespace);
  const files = (helm.valueFiles as string[])
    .map(file => path.resolve(dir, file))
    .filter(file => fs.existsSync(file));
  const out = execFileSync(
    binary('helm'),
    [
      'template',
      helm.releaseName,
      dir,
      '--namespace',
      namespace,
      ...files.flatMap(file => ['-f', file]),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return placed(
    parseAllDocuments(out)
      .map(d => d.toJSON())
      .filter(Boolean),
    namespace,
  );
}

const apps = applications();

describe('the ApplicationSet', () => {
  const sources = applicationSet.spec.generators[0].matrix.generators[1].list
    .elements as Array<{ layer: string; path: string; tool: string }>;

  it('makes one Application per environment and source: every layer, the portal chart and its base', () => {
    expect(apps.length).toBe(ENVIRONMENTS.length * sources.length);
    const names = apps.map(({ app }) => app.metadata.name);
    expect(new Set(names).size).toBe(names.length);
    for (const environment of ENVIRONMENTS) {
      const paths = apps
        .filter(({ set }) => set.environment === environment)
        .map(({ app }) => app.spec.source.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          ...layerNames().map(layer => `deploy/layers/${layer}`),
          'deploy/helm/genai-portal',
          'deploy/platform',
          'deploy/tekton',
        ]),
      );
    }
    expect(apps[0].app).toMatchObject({
      metadata: { name: 'genai-operators-dev' },
      spec: {
        project: appProject.metadata.name,
        destination: { name: 'genai-dev', namespace: 'cnpg-system' },
      },
    });
  });

  it('points every Application at a chart or kustomization of the repository', () => {
    for (const { app, set } of apps) {
      const dir = path.join(repoRoot, app.spec.source.path);
      const marker = set.tool === 'helm' ? 'Chart.yaml' : 'kustomization.yaml';
      expect([
        app.metadata.name,
        fs.existsSync(path.join(dir, marker)),
      ]).toEqual([app.metadata.name, true]);
      // A helm block would make Argo CD render a kustomize folder with helm.
      expect(Boolean(app.spec.source.helm)).toBe(set.tool === 'helm');
      expect(appProject.spec.sourceRepos).toContain(app.spec.source.repoURL);
    }
  });

  it('gives the layers the values files the tests render them with, in that order', () => {
    for (const { app, set } of apps.filter(a => a.set.tool === 'helm')) {
      const { valueFiles: files, ignoreMissingValueFiles } =
        app.spec.source.helm;
      expect(files).toEqual([
        '../values.yaml',
        `../values-${set.environment}.yaml`,
        `values-${set.environment}.yaml`,
      ]);
      const dir = path.join(repoRoot, app.spec.source.path);
      const present = files
        .map((file: string) => path.resolve(dir, file))
        .filter((file: string) => fs.existsSync(file));
      // a missing file fails the sync unless Argo CD may skip it
      expect([
        app.metadata.name,
        present.length === files.length || ignoreMissingValueFiles === true,
      ]).toEqual([app.metadata.name, true]);
    }
    for (const { app, set } of apps.filter(a =>
      a.app.spec.source.path.startsWith('deploy/layers/'),
    )) {
      const dir = path.join(repoRoot, app.spec.source.path);
      const present = app.spec.source.helm.valueFiles
        .map((file: string) => path.resolve(dir, file))
        .filter((file: string) => fs.existsSync(file));
      expect(present).toEqual(
        valueFiles(set.layer as string, set.environment as Environment),
      );
      // the shared values exist: a layer is never rendered with the chart's alone
      expect(present[0]).toBe(path.join(layersDir, 'values.yaml'));
    }
  });

  it('syncs dev by itself, pruning and healing, and prod only by hand, server-side, into existing namespaces', () => {
    const policy = (environment: string, layer: string) =>
      apps.find(
        a => a.set.environment === environment && a.set.layer === layer,
      )!.app.spec.syncPolicy;
    expect(policy('dev', 'data').automated).toEqual({
      prune: true,
      selfHeal: true,
    });
    expect(policy('prod', 'data').automated).toBeUndefined();
    for (const { app } of apps) {
      expect(app.spec.syncPolicy.syncOptions).toEqual(
        expect.arrayContaining([
          'ServerSideApply=true',
          'CreateNamespace=false',
        ]),
      );
    }
  });

  it('orders the waves: operators, projects, data, workloads, observability', () => {
    const wave = (layer: string) =>
      Number(
        apps.find(a => a.set.layer === layer)!.app.metadata.annotations[
          'argocd.argoproj.io/sync-wave'
        ],
      );
    const order = [
      ['operators'],
      ['projects', 'portal-platform'],
      ['data'],
      ['inference', 'blueprints', 'portal', 'cicd'],
      ['observability', 'mesh', 'backup'],
    ];
    for (const stage of order) {
      expect(stage.map(wave)).toEqual(stage.map(() => wave(stage[0])));
    }
    const waves = order.map(stage => wave(stage[0]));
    expect(waves).toEqual([...waves].sort((a, b) => a - b));
    expect(new Set(waves).size).toBe(waves.length);
    // Each layer's objects carry their Application's wave.
    for (const layer of layerNames()) {
      const others = renderLayer(layer, 'prod')
        .filter(
          m =>
            m.metadata.annotations?.['argocd.argoproj.io/sync-wave'] !==
            String(wave(layer)),
        )
        .map(m => `${m.kind}/${m.metadata.name}`);
      expect([layer, others]).toEqual([layer, []]);
    }
  });

  it('rolls out dev, then staging, then prod by hand, each in wave order', () => {
    const { steps } = applicationSet.spec.strategy.rollingSync;
    const selects = (step: any, labels: Record<string, string>) =>
      step.matchExpressions.every(
        (e: { key: string; operator: string; values: string[] }) =>
          e.operator === 'In' && e.values.includes(labels[e.key]),
      );
    const stepOf = (app: any) => {
      const matched = steps.flatMap((step: any, i: number) =>
        selects(step, app.metadata.labels) ? [i] : [],
      );
      // an Application no step selects would never sync
      expect([app.metadata.name, matched.length]).toEqual([
        app.metadata.name,
        1,
      ]);
      return matched[0] as number;
    };
    const ordered = [...apps].sort((a, b) => stepOf(a.app) - stepOf(b.app));
    const rank = (a: (typeof apps)[number]) => [
      ENVIRONMENTS.indexOf(a.set.environment as Environment),
      Number(a.app.metadata.annotations['argocd.argoproj.io/sync-wave']),
    ];
    for (let i = 1; i < ordered.length; i++) {
      const [env, wave] = rank(ordered[i]);
      const [prevEnv, prevWave] = rank(ordered[i - 1]);
      expect(env > prevEnv || (env === prevEnv && wave >= prevWave)).toBe(true);
    }
    for (const { app, set } of apps) {
      const step = steps[stepOf(app)];
      expect([app.metadata.name, step.maxUpdate]).toEqual([
        app.metadata.name,
        set.environment === 'prod' ? 0 : undefined,
      ]);
    }
  });
});

/** Every namespace the manifests put objects in, or make. */
const namespacesOf = (manifests: Manifest[]) =>
  new Set(
    manifests.flatMap(m => {
      if (m.kind === 'Namespace') return [m.metadata.name];
      return m.metadata.namespace ? [m.metadata.namespace] : [];
    }),
  );

/** The group/kind of every cluster-scoped object: placed, every namespaced one has a namespace. */
const clusterScopedKinds = (manifests: Manifest[]) =>
  new Set(
    manifests
      .filter(m => !m.metadata.namespace)
      .map(m => `${groupOf(m.apiVersion)}/${m.kind}`),
  );

const whitelisted = new Set(
  appProject.spec.clusterResourceWhitelist.map(
    (r: { group: string; kind: string }) => `${r.group}/${r.kind}`,
  ),
);

const deployedIn = Object.fromEntries(
  ENVIRONMENTS.map(environment => [
    environment,
    apps
      .filter(a => a.set.environment === environment)
      .flatMap(({ app }) => renderApplication(app)),
  ]),
) as Record<Environment, Manifest[]>;

describe.each(ENVIRONMENTS)('the AppProject in %s', environment => {
  const manifests = deployedIn[environment];

  it("admits every namespace the sources deploy to, on the environment's cluster", () => {
    const refused = [...namespacesOf(manifests)].filter(
      namespace => !permitted({ name: `genai-${environment}`, namespace }),
    );
    expect(refused).toEqual([]);
    for (const { app } of apps.filter(a => a.set.environment === environment)) {
      expect(permitted(app.spec.destination)).toBe(true);
    }
  });

  it('whitelists every cluster-scoped kind the sources make', () => {
    const refused = [...clusterScopedKinds(manifests)].filter(
      kind => !whitelisted.has(kind),
    );
    expect(refused).toEqual([]);
  });
});

describe('the AppProject', () => {
  const everywhere = ENVIRONMENTS.flatMap(env => deployedIn[env]);

  it('admits no namespace and no cluster-scoped kind that no source uses', () => {
    const namespaces = namespacesOf(everywhere);
    expect(
      appProject.spec.destinations
        .map((d: { namespace: string }) => d.namespace)
        .filter((namespace: string) => !namespaces.has(namespace)),
    ).toEqual([]);
    const kinds = clusterScopedKinds(everywhere);
    expect([...whitelisted].filter(kind => !kinds.has(kind as string))).toEqual(
      [],
    );
  });
});

describe('the CI pipeline', () => {
  const manifests = kustomize('deploy/tekton');
  const pipeline = manifests.find(m => m.kind === 'Pipeline')!;
  const task = (name: string) =>
    manifests.find(m => m.kind === 'Task' && m.metadata.name === name)!;

  it('clones, tests, builds the backend, then builds and pushes the image, each after the last', () => {
    const tasks = pipeline.spec.tasks as any[];
    // Follow runAfter from the task that waits for none.
    const after = (name: string) =>
      tasks.find(t => t.runAfter?.includes(name))?.name;
    const order: string[] = [tasks.find(t => !t.runAfter).name];
    for (let next = after(order[0]); next; next = after(next)) order.push(next);
    expect(order).toEqual(['clone', 'test', 'build', 'image']);
    expect(order.length).toBe(tasks.length);
    const resolved = (name: string) =>
      Object.fromEntries(
        tasks
          .find(t => t.name === name)
          .taskRef.params.map((p: any) => [p.name, p.value]),
      );
    expect(resolved('clone')).toEqual({
      kind: 'task',
      name: 'git-clone',
      namespace: 'openshift-pipelines',
    });
    expect(resolved('image')).toEqual({
      kind: 'task',
      name: 'buildah',
      namespace: 'openshift-pipelines',
    });
  });

  it('builds the Containerfile the repository has, from what the build task made', () => {
    const image = pipeline.spec.tasks.find((t: any) => t.name === 'image');
    const param = (name: string) =>
      image.params.find((p: any) => p.name === name).value;
    const containerfile = path.join(repoRoot, param('DOCKERFILE'));
    expect(fs.existsSync(containerfile)).toBe(true);
    expect(param('CONTEXT')).toBe('.');
    const build = task('portal-build-backend').spec.steps[0].script;
    expect(build).toContain('build:backend');
    // what the Containerfile copies from the build
    for (const artifact of ['skeleton.tar.gz', 'bundle.tar.gz']) {
      expect(fs.readFileSync(containerfile, 'utf8')).toContain(artifact);
      expect(build).toContain(artifact);
    }
    expect(param('IMAGE')).toBe('$(params.image)');
    const defaultImage = pipeline.spec.params.find(
      (p: any) => p.name === 'image',
    ).default;
    expect(defaultImage).not.toMatch(/:latest$/);
  });

  it('tests as the README says, with the lockfile as it is, on a pinned Node.js 22', () => {
    const test = task('portal-test').spec;
    const scripts = test.steps.map((s: any) => s.script).join('\n');
    expect(scripts).toMatch(/install --immutable/);
    expect(scripts).toMatch(/ tsc\n/);
    expect(scripts).toContain('./scripts/test.sh');
    expect(fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8')).toContain(
      './scripts/test.sh',
    );
    const image = test.params.find((p: any) => p.name === 'nodeImage').default;
    expect(image).toMatch(
      /^registry\.access\.redhat\.com\/ubi9\/nodejs-22:[\w.-]+$/,
    );
  });

  it('runs its own containers restricted, with requests and limits, in the CI project', () => {
    // the pipeline's objects in the CI project, the right to push in the portal's
    const namespaces = new Set(manifests.map(m => m.metadata.namespace));
    expect([...namespaces].sort()).toEqual(['genai-cicd', 'genai-portal']);
    expect(
      manifests
        .filter(m => m.metadata.namespace === 'genai-portal')
        .map(m => `${m.kind}/${m.metadata.name}`),
    ).toEqual(['RoleBinding/portal-pipeline-image-builder']);
    const projects = [
      ...renderLayer('projects', 'prod'),
      ...kustomize('deploy/platform'),
    ];
    for (const m of manifests) {
      expect(
        projects.some(
          p =>
            p.kind === 'Namespace' && p.metadata.name === m.metadata.namespace,
        ),
      ).toBe(true);
      expect(m.metadata.labels).toMatchObject({
        'security-level': 'high',
        'data-classification': 'internal',
      });
    }
    for (const name of ['portal-test', 'portal-build-backend']) {
      const { spec } = task(name);
      const containers = [...spec.steps, ...(spec.sidecars ?? [])].map(
        (c: any) => ({
          ...spec.stepTemplate,
          ...c,
        }),
      );
      for (const c of containers) {
        expect(c.securityContext).toEqual({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(Object.keys(c.computeResources).sort()).toEqual([
          'limits',
          'requests',
        ]);
        expect(c.image ?? spec.stepTemplate.image).not.toMatch(/:latest$/);
      }
    }
  });
});

describe.each(ENVIRONMENTS)('the daily backup in %s', environment => {
  const backup = renderLayer('backup', environment);
  const schedule = backup.find(m => m.kind === 'Schedule')!;

  it('backs up every project of the platform once a day, kept 30 days', () => {
    const [minute, hour, ...rest] = schedule.spec.schedule.split(' ');
    expect(rest).toEqual(['*', '*', '*']);
    expect(Number(minute)).toBeGreaterThanOrEqual(0);
    expect(Number(hour)).toBeLessThan(24);
    expect(schedule.spec.template.ttl).toBe('720h0m0s');
    const projects = [
      ...renderLayer('projects', environment),
      ...kustomize('deploy/platform'),
    ]
      .filter(m => m.kind === 'Namespace')
      .map(m => m.metadata.name);
    expect(projects.length).toBeGreaterThan(1);
    expect([...schedule.spec.template.includedNamespaces].sort()).toEqual(
      [...projects].sort(),
    );
  });

  it("leaves PostgreSQL's volumes to CloudNativePG's own backups", () => {
    const policy = backup.find(
      m =>
        m.kind === 'ConfigMap' &&
        m.metadata.name === schedule.spec.template.resourcePolicy.name,
    )!;
    const skipped = parse(policy.data['policy.yaml'])
      .volumePolicies.filter((p: any) => p.action.type === 'skip')
      .map((p: any) => p.conditions.pvcLabels['cnpg.io/pvcRole']);
    expect(skipped).toEqual(expect.arrayContaining(['PG_DATA', 'PG_WAL']));
    // ... which the data layer takes: WAL archived and a base backup a day, to MinIO
    const data = renderLayer('data', environment);
    const cluster = data.find(m => m.kind === 'Cluster')!;
    expect(cluster.spec.backup.barmanObjectStore.destinationPath).toMatch(
      /^s3:\/\//,
    );
    expect(
      data.some(
        m =>
          m.kind === 'ScheduledBackup' &&
          m.spec.cluster.name === cluster.metadata.name,
      ),
    ).toBe(true);
  });

  it("writes to the storage project's MinIO", () => {
    const dpa = backup.find(m => m.kind === 'DataProtectionApplication')!;
    const [location] = dpa.spec.backupLocations;
    expect(location.velero.config.s3Url).toMatch(
      /^https:\/\/minio\.genai-storage\.svc\./,
    );
    expect(location.velero.objectStorage.prefix).toBe(environment);
    expect(location.velero.credential.name).toBeTruthy();
  });
});
