/**
 * The one description of what kubemu serves, derived from api/resources.ts, from which both the legacy
 * discovery documents (/api/v1, /apis/{g}/{v}) and the aggregated ones (apidiscovery.k8s.io/v2) are built.
 */
import { RESOURCES, type GroupVersionKind, type ResourceInfo } from '../../api/resources.js';

interface SubresourceSpec {
  verbs: readonly string[];
  /** the kind a request to the subresource returns; the parent's kind when absent */
  kind?: (parent: ResourceInfo) => GroupVersionKind;
}

const core = (kind: string) => (): GroupVersionKind => ({ group: '', version: 'v1', kind });

/**
 * Verbs and response kinds of the subresources upstream serves (each subresource's REST storage in
 * k/k pkg/registry/**). A subresource listed in api/resources.ts shows up in discovery with these.
 */
export const SUBRESOURCES: Readonly<Record<string, SubresourceSpec>> = {
  status: { verbs: ['get', 'patch', 'update'] },
  scale: { verbs: ['get', 'patch', 'update'], kind: () => ({ group: 'autoscaling', version: 'v1', kind: 'Scale' }) },
  binding: { verbs: ['create'], kind: core('Binding') },
  finalize: { verbs: ['update'] },
  ephemeralcontainers: { verbs: ['get', 'patch', 'update'] },
  log: { verbs: ['get'], kind: core('Pod') },
  exec: { verbs: ['create', 'get'], kind: core('PodExecOptions') },
  attach: { verbs: ['create', 'get'], kind: core('PodAttachOptions') },
  portforward: { verbs: ['create', 'get'], kind: core('PodPortForwardOptions') },
  eviction: { verbs: ['create'], kind: () => ({ group: 'policy', version: 'v1', kind: 'Eviction' }) },
  proxy: { verbs: ['create', 'delete', 'get', 'patch', 'update'], kind: (p) => ({ group: '', version: 'v1', kind: `${p.kind}ProxyOptions` }) },
};

export interface SubresourceDescriptor {
  name: string;
  verbs: string[];
  responseKind: GroupVersionKind;
}

export interface ResourceDescriptor {
  info: ResourceInfo;
  responseKind: GroupVersionKind;
  subresources: SubresourceDescriptor[];
}

export interface VersionDescriptor {
  group: string;
  version: string;
  resources: ResourceDescriptor[];
}

export interface GroupDescriptor {
  /** '' for the core group */
  name: string;
  /** preferred version first */
  versions: VersionDescriptor[];
}

/**
 * Upstream's group order in discovery (kube-aggregator's default APIService priorities, highest first);
 * groups not listed follow, by name.
 */
const GROUP_ORDER = [
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'resource.k8s.io',
];

function groupRank(name: string): number {
  if (name === '') return -1;
  const i = GROUP_ORDER.indexOf(name);
  return i < 0 ? GROUP_ORDER.length : i;
}

export function describeSubresource(parent: ResourceInfo, name: string): SubresourceDescriptor {
  const spec = SUBRESOURCES[name] ?? { verbs: ['get'] };
  const responseKind = spec.kind ? spec.kind(parent) : { group: parent.group, version: parent.version, kind: parent.kind };
  return { name, verbs: [...spec.verbs], responseKind };
}

function describeResource(info: ResourceInfo): ResourceDescriptor {
  return {
    info,
    responseKind: { group: info.group, version: info.version, kind: info.kind },
    subresources: [...info.subresources].sort().map((s) => describeSubresource(info, s)),
  };
}

/** Every served group (core first, then upstream's order), its versions and their resources sorted by name. */
export function discoveryGroups(resources: readonly ResourceInfo[] = RESOURCES): GroupDescriptor[] {
  const groups = new Map<string, Map<string, ResourceInfo[]>>();
  for (const r of resources) {
    let versions = groups.get(r.group);
    if (!versions) {
      versions = new Map<string, ResourceInfo[]>();
      groups.set(r.group, versions);
    }
    const list = versions.get(r.version);
    if (list) list.push(r);
    else versions.set(r.version, [r]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => groupRank(a) - groupRank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, versions]) => ({
      name,
      versions: [...versions.entries()].map(([version, rs]) => ({
        group: name,
        version,
        resources: [...rs].sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0)).map(describeResource),
      })),
    }));
}
