import { ApiError } from '../../api/errors.js';
import { findResource, RESOURCES, type ResourceInfo } from '../../api/resources.js';

export interface ResourceRequest {
  info: ResourceInfo;
  /** undefined for cluster-scoped resources and all-namespace lists */
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

const NOT_FOUND = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource');

/**
 * Parses /api/v1/... and /apis/{group}/{version}/... into a resource request, as upstream's
 * RequestInfoFactory. Returns undefined for paths that are not resource paths (discovery, health).
 */
export function parseResourcePath(pathname: string): ResourceRequest | undefined {
  const parts = pathname.split('/').filter((p) => p.length > 0).map(decodeSegment);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  if (!RESOURCES.some((r) => r.group === group && r.version === version)) throw NOT_FOUND();
  let namespace: string | undefined;
  // /namespaces/{ns}/{resource}/... ; but /namespaces/{ns} and /namespaces/{ns}/{status|finalize} are the namespace itself
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(group === '' && rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) throw NOT_FOUND();
  const info = findResource(group, version, resource);
  if (!info) throw NOT_FOUND();
  if (namespace !== undefined && !info.namespaced) throw NOT_FOUND();
  if (subresource !== undefined && !info.subresources.includes(subresource)) throw NOT_FOUND();
  if (name !== undefined && name.length === 0) throw NOT_FOUND();
  if (namespace !== undefined) validatePathSegment(namespace);
  if (name !== undefined) validatePathSegment(name);
  return { info, namespace, name, subresource };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw ApiError.badRequest(`invalid path segment: ${s}`);
  }
}

/** apimachinery/pkg/api/validation/path: names may not be '.' or '..' or contain '/' or '%'. */
function validatePathSegment(s: string): void {
  if (s === '.' || s === '..') throw ApiError.badRequest(`name may not be "${s}"`);
  if (s.includes('/')) throw ApiError.badRequest(`name may not contain '/'`);
  if (s.includes('%')) throw ApiError.badRequest(`name may not contain '%'`);
}
