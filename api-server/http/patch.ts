/**
 * PATCH of typed objects (apiserver endpoints/handlers/patch.go): JSON patch, JSON merge patch,
 * strategic merge patch and server-side apply, with upstream's option checks, field validation,
 * `metadata.resourceVersion` preconditions, managedFields, and create-on-apply (201).
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { ApiError, FieldError, isApiError } from '../../api/errors.js';
import { deepCopy, isRecord, type StoredObject } from '../../api/object.js';
import { strictJsonErrors, unknownFields } from '../../api/decode/strict.js';
import { formatGoValue } from '../../api/patch/go-format.js';
import { applyJsonPatch, applyMergePatch, patchTypeFromContentType, PATCH_CONTENT_TYPES, type PatchType } from '../../api/patch/json.js';
import { patchSchemaFor, type Definitions } from '../../api/patch/schema.js';
import { applyStrategicMergePatch } from '../../api/patch/strategic.js';
import { serverSideApply } from '../../api/patch/apply.js';
import type { Subresource } from '../registry/store.js';
import { rfc3339 } from '../registry/store.js';
import { API_DEFINITIONS } from '../openapi/definitions.js';
import { decodeJson, readBody } from './body.js';
import { addWarnings, fieldValidationOf, typeOfResource, type FieldValidation } from './field-validation.js';
import { copyManagedFields, managerOf, trackUpdate, type WriteRequest } from './writes.js';

/** upstream handlers.jsonPatchOp, for strict decoding of a JSON patch */
const JSON_PATCH_DEFS: Definitions = {
  jsonPatchOp: { fields: { op: { type: 'string' }, path: { type: 'string' }, from: { type: 'string' }, value: { type: 'any' } } },
};

const SCALE_TYPE = '#io.k8s.api.autoscaling.v1.Scale';

interface PatchRequest {
  type: PatchType;
  directive: FieldValidation;
  force: boolean;
  /** the decoded patch (for apply: the configuration) */
  body: unknown;
  /** strict decoding errors of the patch document itself (duplicates; JSON patch unknown fields) */
  patchErrors: string[];
  precondition: string | undefined;
}

/** Reads and checks a PATCH request: content type, PatchOptions (422), body decoding (400). */
async function readPatch(w: Pick<WriteRequest, 'req' | 'query'>): Promise<PatchRequest> {
  const ct = w.req.headers['content-type'] ?? '';
  const type = patchTypeFromContentType(ct);
  if (type === undefined) throw ApiError.unsupportedMediaType(ct, [...PATCH_CONTENT_TYPES]);
  const directive = fieldValidationOf(w.query, 'PatchOptions');
  const forceParam = w.query.get('force');
  const errs: FieldError[] = [];
  if (type === 'apply') {
    if (!w.query.get('fieldManager')) errs.push(FieldError.required('fieldManager', 'is required for apply patch'));
  } else if (forceParam !== null) {
    errs.push(FieldError.forbidden('force', 'may not be specified for non-apply patch'));
  }
  const manager = w.query.get('fieldManager') ?? '';
  if (manager.length > 128) errs.push(FieldError.tooLong('fieldManager', '', 128));
  if (errs.length > 0) throw ApiError.invalid('PatchOptions', 'meta.k8s.io', '', errs);
  if (forceParam !== null && forceParam !== 'true' && forceParam !== 'false') {
    throw ApiError.badRequest(`strconv.ParseBool: parsing ${JSON.stringify(forceParam)}: invalid syntax`);
  }
  const buf = await readBody(w.req);
  const text = buf.toString('utf8');
  let body: unknown;
  let patchErrors: string[] = [];
  if (type === 'apply') {
    ({ body, duplicates: patchErrors } = decodeApplyYaml(text));
  } else {
    body = decodeJson(buf);
    if (directive !== 'Ignore') {
      patchErrors =
        type === 'json'
          ? Array.isArray(body)
            ? strictJsonErrors(text, '[]#jsonPatchOp', JSON_PATCH_DEFS).map((e) => `json patch ${e}`)
            : []
          : strictJsonErrors(text, 'any', {}, { freeForm: true });
    }
  }
  return { type, directive, force: forceParam === 'true', body, patchErrors, precondition: patchPrecondition(type, body) };
}

/** A metadata.resourceVersion inside a patch (of any type but JSON patch) is an optimistic-lock precondition. */
function patchPrecondition(type: PatchType, body: unknown): string | undefined {
  if (type === 'json' || !isRecord(body) || !isRecord(body.metadata)) return undefined;
  const rv = body.metadata.resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

/**
 * Decodes an apply body (YAML, or JSON as YAML) and finds duplicate keys as go-yaml's strict mode
 * reports them (`line 1: key "replicas" already set in map`).
 */
function decodeApplyYaml(text: string): { body: unknown; duplicates: string[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lines });
  if (doc.errors.length > 0) throw ApiError.badRequest(`error decoding YAML: ${doc.errors[0].message}`);
  const duplicates: string[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop() as YamlNode | null;
    if (!node || typeof node !== 'object') continue;
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key) && isScalar(pair.key)) {
          duplicates.push(`line ${lines.linePos(pair.key.range?.[0] ?? 0).line}: key ${JSON.stringify(key)} already set in map`);
        }
        seen.add(key);
        stack.push(pair.value);
      }
    } else if ('items' in node && Array.isArray(node.items)) {
      stack.push(...node.items);
    }
  }
  return { body: doc.toJS({ maxAliasCount: 100 }) as unknown, duplicates };
}

/** 422 `"" is invalid: patch: Invalid value: …: strict decoding error: …` (upstream patch.go). */
function strictPatchError(value: string, errors: string[]): ApiError {
  return ApiError.invalid('', '', '', [FieldError.invalid('patch', value, `strict decoding error: ${errors.join(', ')}`)]);
}

/** Applies a JSON, merge or strategic patch to the served form of an object, with field validation. */
function patchTyped(p: PatchRequest, current: StoredObject, type: string | undefined, warnings: string[]): unknown {
  const defs = API_DEFINITIONS.definitions;
  let next: unknown;
  switch (p.type) {
    case 'json':
      next = applyJsonPatch(current, p.body);
      break;
    case 'merge':
      next = applyMergePatch(current, p.body);
      break;
    default:
      next = applyStrategicMergePatch(current, p.body, type === undefined ? patchSchemaFor({}, 'any') : patchSchemaFor(defs, type));
  }
  const unknown = type === undefined ? [] : unknownFields(next, type, defs, true);
  const errors = p.directive === 'Ignore' ? [] : [...p.patchErrors, ...unknown];
  if (errors.length > 0) {
    if (p.directive === 'Strict') throw strictPatchError(p.type === 'strategic' ? formatGoValue(p.body) : JSON.stringify(next), errors);
    warnings.push(...errors);
  }
  return next;
}

/** PATCH on an object or its status. Returns the HTTP code (201 when apply created it) and the object. */
export async function patchObject(w: WriteRequest, name: string, sub: Subresource): Promise<{ code: number; body: StoredObject }> {
  const p = await readPatch(w);
  const type = typeOfResource(w.info);
  if (p.type === 'apply') return applyObject(w, name, sub, p, type);
  let warnings: string[] = [];
  const result = await w.store.guaranteedUpdate(w.ns, name, sub, w.write, p.precondition, (cur) => {
    warnings = [];
    const live = w.store.externalize(cur);
    const next = patchTyped(p, live, type, warnings);
    if (!isRecord(next) || !isRecord(next.metadata)) throw ApiError.badRequest('the patched object is not a valid object');
    trackUpdate(w, live, next, sub);
    return w.store.internalize(next as StoredObject);
  });
  addWarnings(w.res, warnings);
  return { code: 200, body: result };
}

/** Server-side apply: update when the object exists, create it (201) when it does not. */
async function applyObject(w: WriteRequest, name: string, sub: Subresource, p: PatchRequest, type: string | undefined): Promise<{ code: number; body: StoredObject }> {
  if (type === undefined) throw ApiError.unsupportedMediaType('application/apply-patch+yaml', PATCH_CONTENT_TYPES.filter((t) => t !== 'application/apply-patch+yaml'));
  const opts = {
    manager: managerOf(w),
    force: p.force,
    group: w.info.group,
    version: w.info.version,
    kind: w.info.kind,
    name,
    namespace: w.ns,
    ...(sub === 'status' ? { subresource: 'status' as const } : {}),
    now: rfc3339(w.now()),
    type,
    defs: API_DEFINITIONS.definitions,
  };
  const checked = (obj: Record<string, unknown>): StoredObject => {
    const meta = isRecord(obj.metadata) ? obj.metadata : {};
    if (meta.name !== name) {
      throw ApiError.badRequest(`the name of the object (${typeof meta.name === 'string' ? meta.name : ''}) does not match the name on the URL (${name})`);
    }
    if (p.patchErrors.length > 0) {
      if (p.directive === 'Strict') {
        throw ApiError.badRequest(`error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  ${p.patchErrors.join('\n  ')}`);
      }
      if (p.directive === 'Warn') addWarnings(w.res, p.patchErrors);
    }
    return obj as StoredObject;
  };
  for (let attempt = 0; ; attempt++) {
    const exists = await w.store.getVersioned(w.ns, name).then(
      () => true,
      (e: unknown) => {
        if (isApiError(e, 'NotFound')) return false;
        throw e;
      },
    );
    try {
      if (exists || sub !== '') {
        const body = await w.store.guaranteedUpdate(w.ns, name, sub, w.write, p.precondition, (cur) => {
          const applied = checked(serverSideApply(w.store.externalize(cur), p.body, opts));
          const next = w.store.internalize(applied);
          copyManagedFields(applied, next);
          return next;
        });
        return { code: 200, body };
      }
      const created = checked(serverSideApply(undefined, p.body, opts));
      // created may share parts with p.body, which a raced attempt applies again
      return { code: 201, body: await w.store.create(w.ns, deepCopy(created), w.write) };
    } catch (e) {
      const raced = exists ? isApiError(e, 'NotFound') : isApiError(e, 'AlreadyExists');
      if (!raced || attempt >= 2 || sub !== '') throw e;
    }
  }
}

/** The update function of a PATCH on /scale: every patch type applies to the autoscaling/v1 Scale view. */
export async function scalePatch(w: Pick<WriteRequest, 'req' | 'query'>): Promise<(scale: unknown) => unknown> {
  const p = await readPatch(w);
  const defs = API_DEFINITIONS.definitions;
  return (scale) => {
    if (p.type === 'apply') {
      const cfg = p.body;
      if (!isRecord(cfg) || cfg.apiVersion !== 'autoscaling/v1' || cfg.kind !== 'Scale') {
        const av = isRecord(cfg) && typeof cfg.apiVersion === 'string' ? cfg.apiVersion : '';
        const i = av.indexOf('/');
        const kind = isRecord(cfg) && typeof cfg.kind === 'string' ? cfg.kind : '';
        throw ApiError.badRequest(`invalid object type: ${i < 0 ? '' : av.slice(0, i)}/${i < 0 ? av : av.slice(i + 1)}, Kind=${kind}`);
      }
      return applyStrategicMergePatch(scale, cfg, patchSchemaFor(defs, SCALE_TYPE));
    }
    const warnings: string[] = [];
    return patchTyped(p, scale as StoredObject, SCALE_TYPE, warnings);
  };
}
