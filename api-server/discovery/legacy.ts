import { RESOURCES, apiVersionOf, type ResourceInfo } from '../../api/resources.js';

/** The version kubemu reports (/version); kubectl compares only major/minor for skew warnings. */
export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kubemu',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: `node${process.versions.node}`,
  compiler: 'tsc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

const SUBRESOURCE_VERBS: Record<string, string[]> = {
  status: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
  binding: ['create'],
  finalize: ['update'],
};

export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(apiVersionOf(r), { group: r.group, version: r.version });
  return [...seen.values()];
}

/** GET /api */
export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** GET /apis */
export function apiGroupList(): unknown {
  const groups = groupVersions().filter((gv) => gv.group !== '');
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((gv) => {
      const v = { groupVersion: `${gv.group}/${gv.version}`, version: gv.version };
      return { name: gv.group, versions: [v], preferredVersion: v };
    }),
  };
}

/** GET /apis/{group} */
export function apiGroup(group: string): object | undefined {
  const gv = groupVersions().find((g) => g.group === group);
  if (!gv) return undefined;
  const v = { groupVersion: `${gv.group}/${gv.version}`, version: gv.version };
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [v], preferredVersion: v };
}

/** GET /api/v1 or /apis/{group}/{version} */
export function apiResourceList(group: string, version: string): object | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version }),
    resources: rs.flatMap((r) => [main(r), ...r.subresources.map((s) => sub(r, s))]),
  };
}

function main(r: ResourceInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: r.resource,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
  };
  if (r.shortNames.length) out.shortNames = r.shortNames;
  if (r.categories.length) out.categories = r.categories;
  return out;
}

function sub(r: ResourceInfo, s: string): Record<string, unknown> {
  const out: Record<string, unknown> = { name: `${r.resource}/${s}`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: SUBRESOURCE_VERBS[s] ?? ['get'] };
  if (s === 'scale') Object.assign(out, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  if (s === 'binding') out.kind = 'Binding';
  return out;
}
