/** Discovery documents, generated from the resource table. */
import { apiGroups, RESOURCES, ResourceDef, verbsOf } from '../api/resources';

export const SERVER_VERSION = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.4',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-08-01T00:00:00Z',
  goVersion: 'go1.24.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function resourceEntries(def: ResourceDef) {
  const main = {
    name: def.plural,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: verbsOf(def),
    ...(def.shortNames ? { shortNames: def.shortNames } : {}),
    ...(def.categories ? { categories: def.categories } : {}),
  };
  const subs: object[] = [];
  if (def.status) {
    subs.push({
      name: `${def.plural}/status`,
      singularName: '',
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: ['get', 'patch', 'update'],
    });
  }
  if (def.scale) {
    subs.push({
      name: `${def.plural}/scale`,
      singularName: '',
      namespaced: def.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
  }
  if (def.kind === 'Pod' && !def.group) {
    subs.push({
      name: 'pods/log',
      singularName: '',
      namespaced: true,
      kind: 'Pod',
      verbs: ['get'],
    });
    subs.push({
      name: 'pods/eviction',
      singularName: '',
      namespaced: true,
      group: 'policy',
      version: 'v1',
      kind: 'Eviction',
      verbs: ['create'],
    });
  }
  return [main, ...subs];
}

/** `defs`: what the cluster serves now (the static table plus Gatekeeper's constraint kinds). */
export function resourceList(
  groupName: string,
  version: string,
  served: ResourceDef[] = RESOURCES,
) {
  const defs = served.filter(
    d => d.group === groupName && d.version === version,
  );
  if (defs.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupName ? `${groupName}/${version}` : version,
    resources: defs.flatMap(resourceEntries),
  };
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(name: string, versions: string[]) {
  const gv = versions.map(v => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: gv, preferredVersion: gv[0] };
}

export function groupList(served: ResourceDef[] = RESOURCES) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: apiGroups(served).map(g => groupDoc(g.name, g.versions)),
  };
}

export function group(name: string, served: ResourceDef[] = RESOURCES) {
  const g = apiGroups(served).find(x => x.name === name);
  return g
    ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g.name, g.versions) }
    : undefined;
}
