import type { Manifest } from './__testUtils__/render';
import { ManifestValidator } from './__testUtils__/schemas';
import { manifestSources } from './__testUtils__/schemas/sources';

/*
 * Every manifest the repository renders validates against the schema of its apiVersion/kind, as
 * the API server would check it: published models for the Kubernetes API and the operators that
 * have them, CRD schemas vendored under deploy/schemas for the others.
 */

jest.setTimeout(180_000);

const sources = manifestSources();
const rendered = new Map<string, Manifest[] | Error>();
let validator: ManifestValidator;

beforeAll(() => {
  for (const source of sources) {
    try {
      rendered.set(source.name, source.render());
    } catch (e) {
      rendered.set(source.name, e as Error);
    }
  }
  // Constraints take their parameters' schema from ConstraintTemplates rendered anywhere.
  validator = new ManifestValidator(
    [...rendered.values()].flatMap(r => (r instanceof Error ? [] : r)),
  );
});

const manifestsOf = (name: string): Manifest[] => {
  const result = rendered.get(name);
  if (result instanceof Error)
    throw new Error(`${name} does not render: ${result.message}`);
  return result ?? [];
};

describe('every rendered manifest', () => {
  it.each(sources.map(s => [s.name]))(
    '%s validates against its schema',
    name => {
      const invalid = manifestsOf(name).flatMap(m =>
        validator
          .validate(m)
          .errors.map(
            e =>
              `${m.apiVersion} ${m.kind} ${m.metadata?.namespace ?? ''}/${
                m.metadata?.name
              }: ${e}`,
          ),
      );
      expect(invalid).toEqual([]);
    },
  );

  it('has a model or a vendored schema for every kind', () => {
    const kinds = [
      ...new Set(
        [...rendered.values()]
          .flatMap(r => (r instanceof Error ? [] : r))
          .map(m => `${m.apiVersion} ${m.kind}`),
      ),
    ].sort();
    const coverage = kinds.map(k => {
      const [apiVersion, kind] = k.split(' ');
      return { kind: k, source: validator.sourceOf(apiVersion, kind) };
    });
    // eslint-disable-next-line no-console
    console.info(
      `kinds and what validates them:\n${coverage
        .map(c => `  ${c.kind}: ${c.source ?? 'NOTHING'}`)
        .join('\n')}`,
    );
    expect(coverage.length).toBeGreaterThan(0);
    expect(coverage.filter(c => !c.source).map(c => c.kind)).toEqual([]);
  });
});

describe('the validator', () => {
  const template = {
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: { name: 'k8srequiredlabels' },
    spec: {
      crd: {
        spec: {
          names: { kind: 'K8sRequiredLabels' },
          validation: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                labels: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { key: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
      targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: 'package x' }],
    },
  };
  const checker = new ManifestValidator([template as Manifest]);
  const errorsOf = (m: object) => checker.validate(m as Manifest).errors;

  const deployment = (podSpec: object, replicas: unknown = 2) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'demo', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: podSpec },
    },
  });
  const containers = [{ name: 'web', image: 'web:1.0.0' }];

  it('accepts a valid Deployment', () => {
    expect(errorsOf(deployment({ containers }))).toEqual([]);
  });

  it('rejects a Deployment whose replicas is not a number', () => {
    expect(errorsOf(deployment({ containers }, 'two'))).toContain(
      'spec.replicas must be integer',
    );
  });

  it('rejects a misspelled field of a Deployment, naming its path', () => {
    expect(
      errorsOf(deployment({ containers, containrs: containers })),
    ).toContain('spec.template.spec.containrs is not a field of IPodSpec');
  });

  it('rejects a misspelled field of a custom resource with a published model', () => {
    const serviceMonitor = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'web', namespace: 'demo' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        endpoints: [{ port: 'http', intervall: '30s' }],
      },
    };
    expect(checker.sourceOf('monitoring.coreos.com/v1', 'ServiceMonitor')).toBe(
      '@kubernetes-models/prometheus-operator',
    );
    expect(errorsOf(serviceMonitor)).toEqual([
      expect.stringMatching(
        /^spec\.endpoints\[0\]\.intervall is not a field of /,
      ),
    ]);
  });

  const route = (tls: object) => ({
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: {
      name: 'web',
      namespace: 'demo',
      labels: { 'security-level': 'high' },
      annotations: { 'haproxy.router.openshift.io/timeout': '60s' },
    },
    spec: { to: { name: 'web' }, port: { targetPort: 'http' }, tls },
  });

  it('accepts a valid Route with labels and annotations, defaulting to.kind', () => {
    expect(errorsOf(route({ termination: 'edge' }))).toEqual([]);
  });

  it('rejects a misspelled metadata field of a custom resource', () => {
    const typo = route({ termination: 'edge' });
    typo.metadata = { ...typo.metadata, lables: { app: 'web' } } as any;
    expect(errorsOf(typo)).toEqual([
      'metadata.lables is not a field of IObjectMeta',
    ]);
  });

  it('rejects a Route whose TLS termination is not one of the API', () => {
    expect(errorsOf(route({ termination: 'edgy' }))).toContain(
      'spec.tls.termination must be equal to one of the allowed values',
    );
  });

  const clusterQueue = (flavor: object) => ({
    apiVersion: 'kueue.x-k8s.io/v1beta1',
    kind: 'ClusterQueue',
    metadata: { name: 'gpus' },
    spec: {
      namespaceSelector: {},
      resourceGroups: [
        { coveredResources: ['amd.com/gpu'], flavors: [flavor] },
      ],
    },
  });

  it('accepts a ClusterQueue with its quota under the flavor resources', () => {
    expect(
      errorsOf(
        clusterQueue({
          name: 'mi300x',
          resources: [{ name: 'amd.com/gpu', nominalQuota: 8 }],
        }),
      ),
    ).toEqual([]);
  });

  it('rejects a ClusterQueue whose nominalQuota sits on the flavor', () => {
    expect(errorsOf(clusterQueue({ name: 'mi300x', nominalQuota: 8 }))).toEqual(
      expect.arrayContaining([
        'spec.resourceGroups[0].flavors[0].nominalQuota is not a field of the schema',
        'spec.resourceGroups[0].flavors[0].resources is required',
      ]),
    );
  });

  it('checks a constraint against its ConstraintTemplate parameters', () => {
    const constraint = (parameters: object) => ({
      apiVersion: 'constraints.gatekeeper.sh/v1beta1',
      kind: 'K8sRequiredLabels',
      metadata: { name: 'required-labels' },
      spec: { enforcementAction: 'deny', parameters },
    });
    expect(errorsOf(constraint({ labels: [{ key: 'team' }] }))).toEqual([]);
    expect(errorsOf(constraint({ lables: [{ key: 'team' }] }))).toContain(
      'spec.parameters.lables is not a field of the schema',
    );
  });

  it('leaves fields open where the CRD preserves unknown fields', () => {
    // ConstraintTemplate's openAPIV3Schema is x-kubernetes-preserve-unknown-fields.
    expect(errorsOf(template)).toEqual([]);
  });

  it('fails a kind with neither a model nor a vendored schema', () => {
    const unknown = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
    };
    expect(checker.sourceOf('example.com/v1', 'Widget')).toBeUndefined();
    expect(errorsOf(unknown)).toEqual([
      'no model and no schema in deploy/schemas for example.com/v1 Widget',
    ]);
  });
});
