/**
 * OpenAPI v3 as kubectl 1.32 uses it (kube-openapi handler3; client-go openapi3; kubectl
 * cli-runtime query_param_verifier_v3.go, apply/patcher.go, explain):
 *
 * - `GET /openapi/v3` lists one document per served group-version: `{"paths":{"apis/apps/v1":
 *   {"serverRelativeURL":"/openapi/v3/apis/apps/v1?hash=…"}}}`; the hash changes with the document.
 * - Each document has, per resource path, a PATCH operation carrying `x-kubernetes-group-version-kind`
 *   and the `fieldValidation` query parameter: kubectl then validates server-side
 *   (`fieldValidation=Strict`) instead of downloading `/openapi/v2`.
 * - The operations have no requestBody, so kubectl computes apply patches from its compiled-in types,
 *   exactly as upstream does for built-in kinds.
 * - `components.schemas` carries the definitions (generated from kubernetes-types, with the patch
 *   strategy extensions) reachable from the document's kinds, for `kubectl explain`.
 */
import { createHash } from 'node:crypto';
import { apiVersionOf, RESOURCES, type ResourceInfo } from '../../api/resources.js';
import { resolveType, type FieldDef, type TypeExpr } from '../../api/patch/schema.js';
import type { ApiDefinitions } from './definitions.js';

const REF_PREFIX = '#/components/schemas/';
const SCALE_DEFINITION = 'io.k8s.api.autoscaling.v1.Scale';

export interface OpenApiV3 {
  /** the document for a path under /openapi/v3 (`/openapi/v3`, `/openapi/v3/apis/apps/v1`), or undefined */
  document(path: string): unknown;
}

export function createOpenApiV3(defs: ApiDefinitions, resources: readonly ResourceInfo[] = RESOURCES): OpenApiV3 {
  const byGv = new Map<string, ResourceInfo[]>();
  for (const r of resources) {
    const key = r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
    byGv.set(key, [...(byGv.get(key) ?? []), r]);
  }
  const docs = new Map<string, unknown>();
  const index: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, rs] of byGv) {
    const doc = groupVersionDocument(rs, defs);
    docs.set(`/openapi/v3/${key}`, doc);
    const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
    index[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  const root = { paths: index };
  return { document: (path) => (path === '/openapi/v3' ? root : docs.get(path)) };
}

function groupVersionDocument(resources: ResourceInfo[], defs: ApiDefinitions): unknown {
  const paths: Record<string, unknown> = {};
  const roots: string[] = [];
  for (const r of resources) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const type = defs.typeOf(gvk);
    if (type) roots.push(type.slice(1));
    const base = `/${r.group ? 'apis' : 'api'}/${apiVersionOf(r)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}/{name}`;
    paths[base] = { patch: patchOperation(r, gvk, '') };
    for (const sub of r.subresources) {
      if (sub === 'status') paths[`${base}/status`] = { patch: patchOperation(r, gvk, 'Status') };
      if (sub === 'scale') {
        paths[`${base}/scale`] = { patch: patchOperation(r, { group: 'autoscaling', version: 'v1', kind: 'Scale' }, 'Scale') };
        roots.push(SCALE_DEFINITION);
      }
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: schemasFrom(roots, defs) },
  };
}

function patchOperation(r: ResourceInfo, gvk: { group: string; version: string; kind: string }, suffix: string): unknown {
  const group = r.group ? r.group.split('.')[0] : 'core';
  const groupTitle = group.charAt(0).toUpperCase() + group.slice(1);
  const parameters: unknown[] = [
    { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } },
    ...(r.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : []),
    { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
    { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
    { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
    { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } },
  ];
  return {
    description: `partially update ${suffix ? `${suffix.toLowerCase()} of ` : ''}the specified ${r.kind}`,
    operationId: `patch${groupTitle}${r.version.charAt(0).toUpperCase()}${r.version.slice(1)}${r.namespaced ? 'Namespaced' : ''}${r.kind}${suffix}`,
    parameters,
    responses: { '200': { description: 'OK' }, '201': { description: 'Created' }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': gvk,
  };
}

/** OpenAPI schemas of the named definitions and every definition they reference. */
function schemasFrom(roots: string[], defs: ApiDefinitions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (Object.hasOwn(out, name) || !Object.hasOwn(defs.definitions, name)) continue;
    const def = defs.definitions[name];
    const properties: Record<string, unknown> = {};
    for (const [field, f] of Object.entries(def.fields)) properties[field] = propertySchema(f, defs, queue);
    out[name] = {
      ...(def.description ? { description: def.description } : {}),
      type: 'object',
      ...(def.required?.length ? { required: def.required } : {}),
      properties,
      ...(def.gvk ? { 'x-kubernetes-group-version-kind': [def.gvk] } : {}),
    };
  }
  return out;
}

function propertySchema(f: FieldDef, defs: ApiDefinitions, queue: string[]): unknown {
  const s = typeSchema(f.type, defs, queue, true) as Record<string, unknown>;
  return {
    ...s,
    ...(f.description ? { description: f.description } : {}),
    ...(f.patchMergeKey ? { 'x-kubernetes-patch-merge-key': f.patchMergeKey } : {}),
    ...(f.patchStrategy ? { 'x-kubernetes-patch-strategy': f.patchStrategy } : {}),
  };
}

function typeSchema(expr: TypeExpr, defs: ApiDefinitions, queue: string[], property: boolean): unknown {
  const t = resolveType(defs.definitions, expr);
  switch (t.kind) {
    case 'struct': {
      queue.push(t.name);
      const ref = { $ref: `${REF_PREFIX}${t.name}` };
      // upstream wraps a property's $ref in allOf so that the property can carry its own description
      return property ? { allOf: [ref], default: {} } : ref;
    }
    case 'list':
      return { type: 'array', items: typeSchema(t.items, defs, queue, false) };
    case 'map':
      return { type: 'object', additionalProperties: typeSchema(t.values, defs, queue, false) };
    case 'scalar':
      return t.name === 'int-or-string' ? { type: 'string', format: 'int-or-string' } : { type: t.name };
    default:
      return { type: 'object' };
  }
}
