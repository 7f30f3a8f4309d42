/**
 * Aggregated discovery (apidiscovery.k8s.io/v2, api/apidiscovery/v2/types.go): /api lists the core group,
 * /apis every named group, each with all its resources, so kubectl needs two requests instead of one per
 * group-version. client-go drops resources and subresources without responseKind, so every entry has one.
 */
import { discoveryGroups, type GroupDescriptor, type ResourceDescriptor } from './model.js';

/** The Content-Type of an aggregated discovery answer; clients check it to tell the two formats apart. */
export const AGGREGATED_DISCOVERY_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** GET /api (core: true) or /apis (core: false) with the aggregated Accept header. */
export function apiGroupDiscoveryList(core: boolean, groups: GroupDescriptor[] = discoveryGroups()): object {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.filter((g) => (g.name === '') === core).map(groupDiscovery),
  };
}

function groupDiscovery(g: GroupDescriptor): object {
  return {
    // ObjectMeta: the core group's empty name is omitted, as upstream serializes it
    metadata: g.name ? { name: g.name } : {},
    versions: g.versions.map((v) => ({ version: v.version, resources: v.resources.map(resourceDiscovery), freshness: 'Current' })),
  };
}

function resourceDiscovery(r: ResourceDescriptor): object {
  const out: Record<string, unknown> = {
    resource: r.info.resource,
    responseKind: r.responseKind,
    scope: r.info.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.info.singular,
    verbs: r.info.verbs,
  };
  if (r.info.shortNames.length) out.shortNames = r.info.shortNames;
  if (r.info.categories.length) out.categories = r.info.categories;
  if (r.subresources.length) {
    out.subresources = r.subresources.map((s) => ({ subresource: s.name, responseKind: s.responseKind, verbs: s.verbs }));
  }
  return out;
}
