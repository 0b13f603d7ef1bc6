import { createBuiltInChecks } from '@genai-portal/plugin-genai-insights-backend-module-policy-checks';
import { environmentsOf, placed } from './__testUtils__/environmentObjects';
import { ENVIRONMENTS, renderLayer } from './__testUtils__/layers';
import { render, type Manifest } from './__testUtils__/render';

/*
 * What the platform relies on from its GPU layers, in every environment: the model servers
 * (inference) on the MI355X pool, spread, scaled on vLLM's queue and reachable only from the
 * portal; the blueprint queue (blueprints) holding exactly the MI300X pool; and the mesh (off
 * unless asked) routing the gateway API to the portal. Sizes are checked against the projects
 * layer's quotas, names against the portal's chart, so the layers cannot drift apart.
 */

jest.setTimeout(60_000);

const INFERENCE = 'genai-inference';
const BLUEPRINTS = 'genai-blueprints';
const PORTAL = 'genai-portal';
const GPU = 'amd.com/gpu';

const ofKind = (manifests: Manifest[], kind: string) =>
  manifests.filter(m => m.kind === kind);

/** Whether a label selector's matchLabels are all among the labels. */
const selects = (selector: any, labels: Record<string, string> = {}) =>
  Object.keys(selector?.matchLabels ?? {}).length > 0 &&
  Object.entries(selector.matchLabels).every(([k, v]) => labels[k] === v);

/** The value following a flag in a container's args. */
const argument = (container: any, flag: string): string | undefined => {
  const args: string[] = container.args ?? [];
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
};

/** The GPUs a project's ResourceQuota grants (the projects layer sizes it from its pool). */
function quotaOf(projects: Manifest[], namespace: string) {
  const quota = projects.find(
    m => m.kind === 'ResourceQuota' && m.metadata.namespace === namespace,
  );
  if (!quota)
    throw new Error(`the projects layer makes no quota in ${namespace}`);
  return quota.spec.hard;
}

const modelServers = (inference: Manifest[]) =>
  ofKind(inference, 'Deployment').filter(
    d =>
      d.spec.template.metadata.labels['app.kubernetes.io/component'] ===
      'model-server',
  );

/** The check, with the reference architecture's pools (its defaults). */
const placement = createBuiltInChecks().find(
  c => c.id === 'gpu-pool-placement',
)!;
const CONTEXT = { now: new Date(), pools: [], allowedRegistries: [] };

/** The inference project as the compliance checks see it: the Deployments' pods. */
const modelServersNamespace = (inference: Manifest[]) =>
  environmentsOf(placed(modelServers(inference), INFERENCE))[0];

describe.each(ENVIRONMENTS)('the GPU layers of %s', environment => {
  const inference = renderLayer('inference', environment);
  const blueprints = renderLayer('blueprints', environment);
  const projects = renderLayer('projects', environment);

  describe('inference', () => {
    const deployments = modelServers(inference);

    it('serves every model from a Deployment in the inference project', () => {
      expect(deployments.length).toBeGreaterThan(0);
      for (const d of deployments) expect(d.metadata.namespace).toBe(INFERENCE);
    });

    it('puts every vLLM pod on the MI355X pool, tolerating its taint, with GPUs = tensor parallel size', () => {
      for (const d of deployments) {
        const pod = d.spec.template.spec;
        expect(pod.nodeSelector).toEqual({ 'gpu-type': 'mi355x' });
        expect(pod.tolerations).toContainEqual(
          expect.objectContaining({ key: GPU, operator: 'Exists' }),
        );
        const [vllm] = pod.containers;
        const parallel = Number(argument(vllm, '--tensor-parallel-size'));
        expect(parallel).toBeGreaterThan(0);
        expect(Number(vllm.resources.requests[GPU])).toBe(parallel);
        expect(Number(vllm.resources.limits[GPU])).toBe(parallel);
        expect(argument(vllm, '--port')).toBe('8000');
        expect(vllm.image).toMatch(/^docker\.io\/rocm\/vllm:(?!latest$).+/);
      }
    });

    it("spreads each model's replicas across zones", () => {
      for (const d of deployments) {
        const zone = d.spec.template.spec.topologySpreadConstraints.find(
          (c: any) => c.topologyKey === 'topology.kubernetes.io/zone',
        );
        expect(zone).toMatchObject({ maxSkew: 1 });
        expect(
          selects(zone.labelSelector, d.spec.template.metadata.labels),
        ).toBe(true);
      }
    });

    it("scales each model on vLLM's queue depth, through the Thanos querier with a bearer token", () => {
      const scaledObjects = ofKind(inference, 'ScaledObject');
      for (const d of deployments) {
        // the autoscaler alone sets the replicas
        expect(d.spec.replicas).toBeUndefined();
        const scaler = scaledObjects.find(
          s =>
            s.spec.scaleTargetRef.kind === 'Deployment' &&
            s.spec.scaleTargetRef.name === d.metadata.name,
        );
        expect(scaler?.metadata.namespace).toBe(INFERENCE);
        const served = argument(
          d.spec.template.spec.containers[0],
          '--served-model-name',
        );
        const [trigger] = scaler!.spec.triggers;
        expect(trigger.type).toBe('prometheus');
        expect(trigger.metadata).toMatchObject({
          serverAddress: 'https://thanos-querier.openshift-monitoring.svc:9092',
          namespace: INFERENCE,
          authModes: 'bearer',
        });
        expect(trigger.metadata.query).toContain('vllm:num_requests_waiting');
        expect(trigger.metadata.query).toContain(`model_name="${served}"`);
        expect(scaler!.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
        expect(scaler!.spec.maxReplicaCount).toBeGreaterThanOrEqual(
          scaler!.spec.minReplicaCount,
        );

        // the token the querier takes: a ServiceAccount's, allowed to read this namespace's pods
        const auth = inference.find(
          m =>
            m.kind === 'TriggerAuthentication' &&
            m.metadata.name === trigger.authenticationRef.name,
        );
        const bearer = auth?.spec.secretTargetRef.find(
          (r: any) => r.parameter === 'bearerToken',
        );
        const secret = inference.find(
          m => m.kind === 'Secret' && m.metadata.name === bearer?.name,
        );
        expect(secret?.type).toBe('kubernetes.io/service-account-token');
        const account =
          secret!.metadata.annotations!['kubernetes.io/service-account.name'];
        const binding = ofKind(inference, 'RoleBinding').find(b =>
          b.subjects.some((s: any) => s.name === account),
        );
        const role = inference.find(
          m => m.kind === 'Role' && m.metadata.name === binding?.roleRef.name,
        );
        expect(role?.rules).toContainEqual(
          expect.objectContaining({ resources: ['pods'], verbs: ['get'] }),
        );
      }
    });

    it("fits every model at its autoscaler's maximum into the inference project's GPUs", () => {
      const scaledObjects = ofKind(inference, 'ScaledObject');
      const gpusAtMaximum = deployments.reduce((sum, d) => {
        const scaler = scaledObjects.find(
          s => s.spec.scaleTargetRef.name === d.metadata.name,
        );
        const perReplica = Number(
          d.spec.template.spec.containers[0].resources.limits[GPU],
        );
        return sum + perReplica * scaler!.spec.maxReplicaCount;
      }, 0);
      expect(gpusAtMaximum).toBeLessThanOrEqual(
        Number(quotaOf(projects, INFERENCE)[`requests.${GPU}`]),
      );
    });

    it('gives each model a Service and a PodDisruptionBudget selecting its pods', () => {
      for (const d of deployments) {
        const labels = d.spec.template.metadata.labels;
        const service = inference.find(
          m => m.kind === 'Service' && m.metadata.name === d.metadata.name,
        );
        expect(service?.spec.ports).toContainEqual(
          expect.objectContaining({ port: 8000 }),
        );
        expect(selects({ matchLabels: service!.spec.selector }, labels)).toBe(
          true,
        );
        const budgets = ofKind(inference, 'PodDisruptionBudget').filter(p =>
          selects(p.spec.selector, labels),
        );
        expect(budgets).toHaveLength(1);
        expect(budgets[0].metadata.namespace).toBe(INFERENCE);
      }
    });

    it("admits only the portal's namespace and OpenShift monitoring, on vLLM's port", () => {
      const policies = ofKind(inference, 'NetworkPolicy');
      const ingress = policies.filter(p =>
        p.spec.policyTypes.includes('Ingress'),
      );
      const sources = ingress.flatMap(p =>
        p.spec.ingress.flatMap((rule: any) => {
          expect(rule.ports).toEqual([{ port: 8000, protocol: 'TCP' }]);
          return rule.from.map((peer: any) => peer.namespaceSelector);
        }),
      );
      expect(sources).toEqual([
        { matchLabels: { 'kubernetes.io/metadata.name': PORTAL } },
        { matchLabels: { 'network.openshift.io/policy-group': 'monitoring' } },
      ]);
      for (const d of deployments) {
        expect(
          ingress.some(p =>
            selects(p.spec.podSelector, d.spec.template.metadata.labels),
          ),
        ).toBe(true);
      }
      // models come from the cache claim: nothing to call but DNS (the project's policy)
      expect(
        policies.filter(p => p.spec.policyTypes.includes('Egress')),
      ).toEqual([]);
    });

    it("has user workload monitoring scrape every model's /metrics", () => {
      const [monitor] = ofKind(inference, 'ServiceMonitor');
      expect(monitor.spec.endpoints).toContainEqual(
        expect.objectContaining({ port: 'http', path: '/metrics' }),
      );
      for (const d of deployments) {
        const service = inference.find(
          m => m.kind === 'Service' && m.metadata.name === d.metadata.name,
        )!;
        expect(selects(monitor.spec.selector, service.metadata.labels)).toBe(
          true,
        );
      }
    });

    it("runs AMD's metrics exporter on both pools, its series keeping the workload's labels", () => {
      const configs = ofKind(inference, 'DeviceConfig');
      expect(configs.map(c => c.spec.selector['gpu-type']).sort()).toEqual([
        'mi300x',
        'mi355x',
      ]);
      for (const config of configs) {
        expect(config.spec.metricsExporter).toMatchObject({
          enable: true,
          prometheus: { serviceMonitor: { enable: true, honorLabels: true } },
        });
        expect(config.spec.metricsExporter.tolerations).toContainEqual(
          expect.objectContaining({ key: GPU, operator: 'Exists' }),
        );
      }
    });

    it('passes gpu-pool-placement as model servers (the check applies: they hold GPUs)', async () => {
      const namespace = modelServersNamespace(inference);
      expect(placement.appliesTo!(namespace, CONTEXT)).toBe(true);
      expect(await placement.evaluate(namespace, CONTEXT)).toEqual([]);
    });
  });

  describe('blueprints', () => {
    const [clusterQueue] = ofKind(blueprints, 'ClusterQueue');
    const [group] = clusterQueue.spec.resourceGroups;
    const quota = (name: string) =>
      group.flavors[0].resources.find((r: any) => r.name === name)
        ?.nominalQuota;

    it("queues blueprint jobs for exactly the MI300X pool's GPUs, within the project's quota", () => {
      const project = quotaOf(projects, BLUEPRINTS);
      expect(group.flavors.map((f: any) => f.name)).toEqual(['mi300x']);
      expect(group.coveredResources).toEqual(['cpu', 'memory', GPU]);
      expect(Number(quota(GPU))).toBe(Number(project[`requests.${GPU}`]));
      expect(String(quota('cpu'))).toBe(String(project['requests.cpu']));
      expect(String(quota('memory'))).toBe(String(project['requests.memory']));
      expect(clusterQueue.spec.cohort).toBeTruthy();
      expect(clusterQueue.spec.preemption.withinClusterQueue).toBe(
        'LowerPriority',
      );
    });

    it('places admitted pods on the MI300X nodes, tolerating their taint', () => {
      const flavor = blueprints.find(
        m => m.kind === 'ResourceFlavor' && m.metadata.name === 'mi300x',
      );
      expect(flavor?.spec.nodeLabels).toEqual({ 'gpu-type': 'mi300x' });
      expect(flavor?.spec.tolerations).toContainEqual(
        expect.objectContaining({ key: GPU, operator: 'Exists' }),
      );
    });

    it('gives the blueprints project the LocalQueue jobs name, pointing at the ClusterQueue', () => {
      const queues = ofKind(blueprints, 'LocalQueue');
      expect(
        queues.map(q => [
          q.metadata.namespace,
          q.metadata.name,
          q.spec.clusterQueue,
        ]),
      ).toEqual([[BLUEPRINTS, 'blueprints', clusterQueue.metadata.name]]);
    });

    it('orders fine-tuning before training, for Kueue and for the pods alike', () => {
      const workload = ofKind(blueprints, 'WorkloadPriorityClass');
      const pods = ofKind(blueprints, 'PriorityClass');
      const value = (list: Manifest[], name: string) =>
        list.find(p => p.metadata.name === name)?.value;
      expect(value(workload, 'fine-tuning-high')).toBeGreaterThan(
        value(workload, 'training-low'),
      );
      for (const p of workload)
        expect(value(pods, p.metadata.name)).toBe(p.value);
      // Kueue decides who yields on the pool, not the scheduler
      for (const p of pods) expect(p.preemptionPolicy).toBe('Never');
    });
  });

  it('renders no mesh unless it is enabled', () => {
    expect(renderLayer('mesh', environment)).toEqual([]);
  });
});

describe('the inference layer on the wrong pool', () => {
  it('fails gpu-pool-placement: the pods are known as model servers, which belong on MI355X', async () => {
    const namespace = modelServersNamespace(
      renderLayer('inference', 'dev', 'gpu.inferencePool=mi300x'),
    );
    const failures = await placement.evaluate(namespace, CONTEXT);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatchObject({
      fieldPath: 'spec.nodeSelector.gpu-type',
      message: expect.stringContaining('the inference pool (mi355x)'),
    });
  });
});

describe('the inference layer with model downloads', () => {
  const inference = renderLayer(
    'inference',
    'prod',
    'modelDownload.enabled=true',
  );

  it('lets vLLM reach HTTPS outside the cluster and go online, and nothing more', () => {
    const egress = ofKind(inference, 'NetworkPolicy').filter(p =>
      p.spec.policyTypes.includes('Egress'),
    );
    expect(egress).toHaveLength(1);
    expect(egress[0].spec.egress).toEqual([
      {
        to: [
          {
            ipBlock: {
              cidr: '0.0.0.0/0',
              except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
            },
          },
        ],
        ports: [{ port: 443, protocol: 'TCP' }],
      },
    ]);
    for (const d of modelServers(inference)) {
      const env = d.spec.template.spec.containers[0].env;
      expect(env.map((e: any) => e.name)).not.toContain('HF_HUB_OFFLINE');
      expect(env).toContainEqual(
        expect.objectContaining({
          name: 'HF_TOKEN',
          valueFrom: {
            secretKeyRef: { name: 'hf-token', key: 'token', optional: true },
          },
        }),
      );
    }
  });
});

describe('the blueprints layer with environments on the queue', () => {
  it('gives each listed namespace the same LocalQueue', () => {
    const queues = ofKind(
      renderLayer('blueprints', 'dev', 'localQueue.namespaces={team-a-env}'),
      'LocalQueue',
    );
    expect(
      queues.map(q => `${q.metadata.namespace}/${q.metadata.name}`),
    ).toEqual([`${BLUEPRINTS}/blueprints`, 'team-a-env/blueprints']);
  });
});

describe('the mesh layer, enabled', () => {
  const mesh = renderLayer('mesh', 'prod', 'enabled=true');
  // The Service the portal's Route serves the portal through.
  const chart = render();
  const portalRoute = chart.find(m => m.kind === 'Route')!;
  const portalService = chart.find(
    m => m.kind === 'Service' && m.metadata.name === portalRoute.spec.to.name,
  )!;
  const portalHost = `${portalService.metadata.name}.${PORTAL}.svc.cluster.local`;

  /** Where the VirtualService bound to the gateway sends a path: its first matching route's destination. */
  function routed(path: string) {
    const [api] = ofKind(mesh, 'VirtualService').filter(v =>
      v.spec.gateways.includes('genai-api'),
    );
    const matching = api.spec.http.find((r: any) =>
      r.match.some(
        (m: any) =>
          m.uri.exact === path ||
          (m.uri.prefix !== undefined && path.startsWith(m.uri.prefix)),
      ),
    );
    return matching?.route[0].destination;
  }

  it("routes the gateway API's chat, completions, embeddings and models to the portal's Service", () => {
    for (const path of [
      '/api/genai-playground/v1/chat/completions',
      '/api/genai-playground/v1/completions',
      '/api/genai-playground/v1/embeddings',
      '/api/genai-playground/v1/models',
      '/api/genai-playground/v1/models/meta-llama/Llama-3.1-8B-Instruct',
    ]) {
      expect(routed(path)).toEqual({
        host: portalHost,
        port: { number: portalService.spec.ports[0].port },
      });
    }
    // the rest of the portal (sign-in, the app) stays on its Route
    expect(routed('/api/genai-playground/environments')).toBeUndefined();
  });

  it("routes each of the inference layer's model Services inside the mesh, with mutual TLS", () => {
    const models = ofKind(renderLayer('inference', 'prod'), 'Service').map(
      s => `${s.metadata.name}.${INFERENCE}.svc.cluster.local`,
    );
    const inMesh = ofKind(mesh, 'VirtualService')
      .filter(v => v.spec.gateways.includes('mesh'))
      .map(v => v.spec.http[0].route[0].destination.host);
    expect(inMesh.sort()).toEqual(models.sort());
    const mutual = ofKind(mesh, 'DestinationRule')
      .filter(r => r.spec.trafficPolicy.tls.mode === 'ISTIO_MUTUAL')
      .map(r => r.spec.host);
    expect(mutual.sort()).toEqual([...models, portalHost].sort());
  });

  it('accepts only mutual TLS in the inference and portal namespaces', () => {
    expect(
      ofKind(mesh, 'PeerAuthentication').map(p => [
        p.metadata.namespace,
        p.spec.mtls.mode,
      ]),
    ).toEqual([
      [PORTAL, 'STRICT'],
      [INFERENCE, 'STRICT'],
    ]);
  });
});
