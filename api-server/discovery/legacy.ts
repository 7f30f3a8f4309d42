/** The legacy (unaggregated) discovery documents: APIVersions, APIGroupList, APIGroup, APIResourceList. */
import { apiVersionOf } from '../../api/resources.js';
import { discoveryGroups, type GroupDescriptor, type ResourceDescriptor, type SubresourceDescriptor } from './model.js';

/** GET /api */
export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroupOf(g: GroupDescriptor): object {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v.version}`, version: v.version }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

/** GET /apis */
export function apiGroupList(groups: GroupDescriptor[] = discoveryGroups()): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.filter((g) => g.name !== '').map(apiGroupOf) };
}

/** GET /apis/{group} */
export function apiGroup(group: string, groups: GroupDescriptor[] = discoveryGroups()): object | undefined {
  const g = groups.find((x) => x.name === group && group !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroupOf(g) } : undefined;
}

/** GET /api/v1 or /apis/{group}/{version} */
export function apiResourceList(group: string, version: string, groups: GroupDescriptor[] = discoveryGroups()): object | undefined {
  const v = groups.find((g) => g.name === group)?.versions.find((x) => x.version === version);
  if (!v) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version }),
    resources: v.resources.flatMap((r) => [mainResource(r), ...r.subresources.map((s) => subresource(r, s))]),
  };
}

function mainResource(r: ResourceDescriptor): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: r.info.resource,
    singularName: r.info.singular,
    namespaced: r.info.namespaced,
    kind: r.info.kind,
    verbs: r.info.verbs,
  };
  if (r.info.shortNames.length) out.shortNames = r.info.shortNames;
  if (r.info.categories.length) out.categories = r.info.categories;
  return out;
}

/** A subresource entry; group and version only when its kind lives elsewhere (autoscaling/v1 Scale, policy/v1 Eviction). */
function subresource(r: ResourceDescriptor, s: SubresourceDescriptor): Record<string, unknown> {
  const out: Record<string, unknown> = { name: `${r.info.resource}/${s.name}`, singularName: '', namespaced: r.info.namespaced };
  const k = s.responseKind;
  if (k.group !== r.info.group || k.version !== r.info.version) Object.assign(out, { group: k.group, version: k.version });
  out.kind = k.kind;
  out.verbs = s.verbs;
  return out;
}
