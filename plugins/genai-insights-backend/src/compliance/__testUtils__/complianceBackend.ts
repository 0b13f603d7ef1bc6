/**
 * The setup the compliance route tests share. `complianceBackend` starts, on `start()`: kube-sim
 * (a process, see `./kubeSim`); the test's `seed` (the objects it creates, before the backend
 * starts); and a test backend with the plugin, the built-in checks module, the cluster in the
 * config (no compliance cache), a catalog of the teams' groups, and the portal's real permission
 * policy with the test's membership and leads. Its `get` and `call` ask the plugin's API as one
 * of the test's users and expect the status. `stop()` stops kube-sim (the test backend stops
 * itself after the file). The scenario (users, their groups, the objects) stays in each test.
 */
import type { BackendFeature } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import policyChecks from '@genai-portal/plugin-genai-insights-backend-module-policy-checks';
import request from 'supertest';
import { realPolicyPermissions } from '../../__testUtils__/realPolicy';
import { genaiInsightsPlugin } from '../../plugin';
import {
  type KubeClients,
  type KubeSim,
  kubeClients,
  startKubeSim,
} from './kubeSim';

export const API = '/api/genai-insights';

const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

/** The plugin with the checks module on kube-sim; see the file's comment. */
export function complianceBackend<Who extends string>(options: {
  token: string;
  /** Who is who: a short name to a user's entity ref. */
  users: Record<Who, string>;
  /** Each user's groups (their ownership refs besides themselves). */
  membership: Partial<Record<Who, string[]>>;
  /** The teams each user leads. */
  leads?: Partial<Record<Who, string[]>>;
  /** The team groups in the catalog, by name. */
  teams?: string[];
  /** More features for the backend: a scheduler, an auditor. */
  features?: BackendFeature[];
  /** Creates the test's objects in kube-sim, before the backend starts. */
  seed?(kube: KubeClients): Promise<void>;
}) {
  const {
    token,
    users,
    teams = ['ml-research', 'genai-apps'],
    features = [],
  } = options;
  const refs = (byWho: Partial<Record<Who, string[]>> = {}) =>
    Object.fromEntries(
      Object.entries<string[] | undefined>(byWho).map(([who, groups]) => [
        users[who as Who],
        groups ?? [],
      ]),
    );
  let started:
    | {
        sim: KubeSim;
        kube: KubeClients;
        server: Parameters<typeof request>[0];
      }
    | undefined;
  let sim: KubeSim | undefined;
  const running = () => {
    if (!started) throw new Error('the compliance backend has not started');
    return started;
  };

  const call = async <T>(
    who: Who,
    method: 'get' | 'post' | 'delete',
    path: string,
    status: number,
    body?: object,
  ) => {
    let req = request(running().server)
      [method](`${API}${path}`)
      .set('authorization', mockCredentials.user.header(users[who]));
    if (body) req = req.send(body);
    const res = await req;
    expect({ path, status: res.status, body: res.body }).toMatchObject({
      status,
    });
    return res.body as T;
  };

  return {
    async start() {
      sim = await startKubeSim(token);
      const kube = kubeClients(sim.url, token);
      await options.seed?.(kube);
      const { server } = await startTestBackend({
        features: [
          genaiInsightsPlugin,
          policyChecks,
          mockServices.rootConfig.factory({
            data: {
              genaiInsights: {
                cluster: { url: sim.url, token },
                compliance: { cacheSeconds: 0 },
              },
            },
          }),
          catalogServiceMock.factory({ entities: teams.map(group) }),
          realPolicyPermissions({
            membership: refs(options.membership),
            leads: refs(options.leads),
          }).factory,
          ...features,
        ],
      });
      started = { sim, kube, server };
    },
    /** Stops kube-sim, also when the backend did not start. */
    async stop() {
      await sim?.stop();
    },
    /** The clients on kube-sim, to change objects during the test. */
    get kube() {
      return running().kube;
    },
    call,
    get: <T>(who: Who, path: string, status = 200) =>
      call<T>(who, 'get', path, status),
  };
}
