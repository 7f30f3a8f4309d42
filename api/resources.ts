/**
 * The kinds kubemu serves: one descriptor per resource. Shared by the api-server (routing, storage keys,
 * discovery) and the client (URLs). Adding a resource = one entry here + a strategy in the api-server.
 */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface ResourceInfo {
  group: string; // '' for core
  version: string;
  /** plural, lower-case: 'pods' */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** subresources beyond the main one: 'status', 'scale', 'binding', … */
  subresources: string[];
  /** etcd key prefix segment under /registry (upstream: services → services/specs, nodes → minions) */
  storagePrefix: string;
  verbs: string[];
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface Def {
  group?: string;
  version?: string;
  resource: string;
  kind: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources?: string[];
  storagePrefix?: string;
}

function def(d: Def): ResourceInfo {
  return {
    group: d.group ?? '',
    version: d.version ?? 'v1',
    resource: d.resource,
    singular: d.kind.toLowerCase(),
    kind: d.kind,
    listKind: `${d.kind}List`,
    namespaced: d.namespaced ?? true,
    shortNames: d.shortNames ?? [],
    categories: d.categories ?? [],
    subresources: d.subresources ?? [],
    storagePrefix: d.storagePrefix ?? d.resource,
    verbs: ALL_VERBS,
  };
}

export const RESOURCES: readonly ResourceInfo[] = [
  def({ resource: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'], subresources: ['status', 'finalize'] }),
  def({ resource: 'pods', kind: 'Pod', shortNames: ['po'], categories: ['all'], subresources: ['status', 'binding', 'log', 'exec', 'attach', 'portforward'] }),
  def({ resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'], subresources: ['status'], storagePrefix: 'minions' }),
  def({ resource: 'services', kind: 'Service', shortNames: ['svc'], categories: ['all'], subresources: ['status'], storagePrefix: 'services/specs' }),
  def({ resource: 'endpoints', kind: 'Endpoints', shortNames: ['ep'], storagePrefix: 'services/endpoints' }),
  def({ resource: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] }),
  def({ resource: 'secrets', kind: 'Secret' }),
  def({ resource: 'events', kind: 'Event', shortNames: ['ev'] }),
  def({ resource: 'serviceaccounts', kind: 'ServiceAccount', shortNames: ['sa'] }),
  def({ group: 'apps', resource: 'deployments', kind: 'Deployment', shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  def({ group: 'apps', resource: 'replicasets', kind: 'ReplicaSet', shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] }),
  def({ group: 'batch', resource: 'jobs', kind: 'Job', categories: ['all'], subresources: ['status'] }),
  def({ group: 'batch', resource: 'cronjobs', kind: 'CronJob', shortNames: ['cj'], categories: ['all'], subresources: ['status'] }),
  def({ group: 'coordination.k8s.io', resource: 'leases', kind: 'Lease' }),
  def({ group: 'discovery.k8s.io', resource: 'endpointslices', kind: 'EndpointSlice' }),
  // events.k8s.io/v1 events share storage with core/v1 events (same etcd keys), as upstream.
  def({ group: 'events.k8s.io', resource: 'events', kind: 'Event', shortNames: ['ev'], storagePrefix: 'events' }),
];

export function apiVersionOf(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

export function findByKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  const { group, version } = parseApiVersion(apiVersion);
  return RESOURCES.find((r) => r.group === group && r.version === version && r.kind === kind);
}

/** The URL path of a collection or object: /api/v1/namespaces/ns/pods[/name[/sub]] */
export function resourcePath(r: ResourceInfo, namespace?: string, name?: string, subresource?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

export function requireResource(group: string, version: string, resource: string): ResourceInfo {
  const r = findResource(group, version, resource);
  if (!r) throw new Error(`unknown resource ${resource} in ${group || 'core'}/${version}`);
  return r;
}
