/**
 * JSON merge patch (RFC 7386) and JSON patch (RFC 6902) as kube-apiserver applies them
 * (apiserver/pkg/endpoints/handlers/patch.go `jsonPatcher.applyJSPatch`, which uses
 * gopkg.in/evanphx/json-patch.v4). Status codes and messages follow upstream with the default
 * `fieldValidation=Warn` (patch.go decodes the patch strictly first):
 *
 * | problem                                              | upstream                                          |
 * |------------------------------------------------------|---------------------------------------------------|
 * | JSON patch is not an array / an op is not an object / op,path,from not strings | 400 `error decoding patch: json: cannot unmarshal …` |
 * | more than 10000 operations                           | 413 `Request entity too large: The allowed maximum operations in a JSON patch is 10000, got N` |
 * | applying fails (unknown op, missing path, failed `test`, copies over the limit, bad index) | 422 Invalid `the server rejected our request due to an error in our request` (the detail is dropped by `NewGenericServerResponse`; we keep it in `error.cause` for logs) |
 * | merge patch is `null`                                | 400 `Invalid JSON Patch`                          |
 * | merge patch is not an object                         | 400 `error decoding patch: json: cannot unmarshal <type> into Go value of type map[string]interface {}` |
 *
 * CVE-2019-1002100: `copy` operations may add at most `maxCopyBytes` (JSON bytes, accumulated over the
 * patch; upstream `--json-patch-max-copy-bytes` default 3 MiB); `add`/`replace` values come from the
 * request body, which the server already bounds. Inputs are never mutated.
 *
 * Quirks of json-patch v4 kept on purpose because kubectl users rely on them: `replace` of a missing
 * object key adds it, negative array indices count from the end, an `add`/`replace` without `value`
 * writes null, and `null` as the whole JSON patch is a no-op.
 */
// fast-json-patch is CommonJS and fills its exports with Object.assign, which Node's ESM loader cannot
// see as named exports: take the module object.
import jsonpatch from 'fast-json-patch';
import { ApiError } from '../errors.js';

const { applyOperation } = jsonpatch;

/** Upstream `maxJSONPatchOperations`. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;
/** Upstream `JSONPatchMaxCopyBytes` default (apiserver/pkg/server/config.go). */
export const DEFAULT_MAX_COPY_BYTES = 3 * 1024 * 1024;
/** Go encoding/json's nesting limit: deeper patches fail to decode upstream. */
export const MAX_JSON_DEPTH = 10000;

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** Accepted PATCH content types in installer.go's order (the order of the 415 message). */
export const PATCH_CONTENT_TYPES: readonly string[] = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/** Custom resources cannot take strategic merge patches (apiextensions-apiserver crdHandler). */
export const CRD_PATCH_CONTENT_TYPES: readonly string[] = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** Maps a Content-Type header (parameters such as `; charset=utf-8` ignored) to its patch type. */
export function patchTypeFromContentType(ct: string | undefined): PatchType | undefined {
  if (!ct) return undefined;
  const base = ct.split(';', 1)[0].trim().toLowerCase();
  return Object.hasOwn(PATCH_TYPES, base) ? PATCH_TYPES[base] : undefined;
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON type name Go's decoder reports in UnmarshalTypeError. */
function goJsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'bool';
    default: return 'object';
  }
}

function decodeError(message: string): ApiError {
  return ApiError.badRequest(`error decoding patch: ${message}`);
}

/** Throws 400 like Go's decoder when a value nests deeper than {@link MAX_JSON_DEPTH}. Iterative. */
function checkDepth(root: unknown): void {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_JSON_DEPTH) {
      throw decodeError(`invalid character '${Array.isArray(v) ? '[' : '{'}' exceeded max depth`);
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
}

/** Own-property write that also works for a key named `__proto__`. */
function setOwn(obj: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

function getOwn(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

// Iterative helpers: structuredClone overflows the stack near 2000 levels and JSON.stringify near 4000,
// while Go's decoder accepts 10000. These walk JSON values with an explicit stack instead.

/** Deep copy of a JSON value. Own enumerable keys only; a `__proto__` key stays an own key. */
export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const rootOut: unknown = Array.isArray(value) ? new Array<unknown>(value.length) : {};
  const stack: [unknown, unknown][] = [[value, rootOut]];
  while (stack.length > 0) {
    const [src, dst] = stack.pop() as [unknown, unknown];
    if (Array.isArray(src)) {
      const out = dst as unknown[];
      for (let i = 0; i < src.length; i++) {
        const v: unknown = src[i];
        if (typeof v === 'object' && v !== null) {
          const child: unknown = Array.isArray(v) ? new Array<unknown>(v.length) : {};
          out[i] = child;
          stack.push([v, child]);
        } else out[i] = v;
      }
    } else {
      const from = src as JsonObject;
      const out = dst as JsonObject;
      for (const key of Object.keys(from)) {
        const v = from[key];
        if (typeof v === 'object' && v !== null) {
          const child: unknown = Array.isArray(v) ? new Array<unknown>(v.length) : {};
          setOwn(out, key, child);
          stack.push([v, child]);
        } else setOwn(out, key, v);
      }
    }
  }
  return rootOut as T;
}

/** The size in bytes of `JSON.stringify(value)` as UTF-8, computed without building the string. */
export function jsonByteLength(value: unknown): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') total += Buffer.byteLength(JSON.stringify(v), 'utf8');
    else if (typeof v === 'number') total += Number.isFinite(v) ? String(v).length : 4;
    else if (typeof v === 'boolean') total += v ? 4 : 5;
    else if (v === null || v === undefined) total += 4;
    else if (Array.isArray(v)) {
      total += 2 + Math.max(0, v.length - 1);
      for (const item of v) stack.push(item);
    } else if (typeof v === 'object') {
      const obj = v as JsonObject;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
      total += 2 + Math.max(0, keys.length - 1);
      for (const k of keys) {
        total += Buffer.byteLength(JSON.stringify(k), 'utf8') + 1;
        stack.push(obj[k]);
      }
    }
  }
  return total;
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const stack: [unknown, unknown][] = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop() as [unknown, unknown];
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) stack.push([x[i], y[i]]);
      continue;
    }
    const xo = x as JsonObject;
    const yo = y as JsonObject;
    const keys = Object.keys(xo);
    if (keys.length !== Object.keys(yo).length) return false;
    for (const k of keys) {
      if (!Object.hasOwn(yo, k)) return false;
      stack.push([xo[k], yo[k]]);
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// JSON merge patch
// ---------------------------------------------------------------------------------------------

/**
 * RFC 7386. `patch` must be a JSON object. Nulls delete keys; arrays and scalars replace.
 *
 * The algorithm is written out here instead of calling `json-merge-patch`'s `apply`, which mutates its
 * target, stops processing a patch at the first `constructor`/`prototype`/`__proto__` key (silently
 * dropping the keys after it — valid ConfigMap keys) and breaks on an own `hasOwnProperty` key.
 */
export function applyMergePatch(original: unknown, patch: unknown): unknown {
  if (patch === null) throw ApiError.badRequest('Invalid JSON Patch');
  if (!isObject(patch)) {
    throw decodeError(`json: cannot unmarshal ${goJsonType(patch)} into Go value of type map[string]interface {}`);
  }
  checkDepth(patch);
  const result: JsonObject = isObject(original) ? cloneJson(original) : {};
  // Iterative RFC 7386 MergePatch: pairs of (target object, patch object) still to merge.
  const stack: [JsonObject, JsonObject][] = [[result, patch]];
  while (stack.length > 0) {
    const [target, p] = stack.pop() as [JsonObject, JsonObject];
    for (const key of Object.keys(p)) {
      const pv = p[key];
      if (pv === null) {
        if (Object.hasOwn(target, key)) delete target[key];
      } else if (isObject(pv)) {
        const cur = getOwn(target, key);
        const child: JsonObject = isObject(cur) ? cur : {};
        setOwn(target, key, child);
        stack.push([child, pv]);
      } else {
        setOwn(target, key, cloneJson(pv));
      }
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// JSON patch
// ---------------------------------------------------------------------------------------------

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

interface RawOp {
  op?: string;
  path?: string;
  from?: string;
  hasValue: boolean;
  value: unknown;
}

/** Failure while applying: reported as upstream's generic 422, with the json-patch reason as `cause`. */
class ApplyError extends Error {}

function unprocessable(cause: unknown): ApiError {
  const e = new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  e.cause = cause;
  return e;
}

/** Decodes like `kjson.UnmarshalStrict(patch, &[]jsonPatchOp{})`: only JSON types are checked here. */
function decodeOps(ops: unknown): RawOp[] {
  if (ops === null) return [];
  if (!Array.isArray(ops)) {
    throw decodeError(`json: cannot unmarshal ${goJsonType(ops)} into Go value of type []handlers.jsonPatchOp`);
  }
  return ops.map((o: unknown): RawOp => {
    if (o === null) return { hasValue: false, value: undefined };
    if (!isObject(o)) {
      throw decodeError(`json: cannot unmarshal ${goJsonType(o)} into Go value of type handlers.jsonPatchOp`);
    }
    const raw: RawOp = { hasValue: Object.hasOwn(o, 'value'), value: getOwn(o, 'value') };
    for (const field of ['op', 'path', 'from'] as const) {
      const v = getOwn(o, field);
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') {
        throw decodeError(`json: cannot unmarshal ${goJsonType(v)} into Go struct field jsonPatchOp.${field} of type string`);
      }
      raw[field] = v;
    }
    return raw;
  });
}

function decodeToken(t: string): string {
  return t.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));
}

function encodeToken(t: string): string {
  return t.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** strconv.Atoi: optional sign, decimal digits. */
function atoi(s: string): number | undefined {
  if (!/^[+-]?\d{1,15}$/.test(s)) return undefined;
  return Number(s);
}

interface Location {
  /** The object or array holding the target. */
  container: JsonObject | unknown[];
  /** Decoded key, or for arrays the raw token (index or `-`). */
  key: string;
  /** The pointer rewritten for fast-json-patch: canonical, non-negative indices. */
  pointer: string;
}

/**
 * Resolves everything but the last token, like json-patch v4's `findObject`: each step must be an own
 * property (objects) or an in-range index (arrays, negative counts from the end) whose value is an
 * object or array. Root pointers ("") have no container and fail, as upstream.
 */
function locate(doc: unknown, path: string, what: string): Location {
  if (path === '' || !path.startsWith('/')) throw new ApplyError(`${what}: doc is missing path: "${path}"`);
  const tokens = path.slice(1).split('/').map(decodeToken);
  let cur: unknown = doc;
  const canonical: string[] = [];
  for (let i = 0; i < tokens.length - 1; i++) {
    const tok = tokens[i];
    let next: unknown;
    if (Array.isArray(cur)) {
      const idx = arrayIndex(cur, tok, false);
      if (idx === undefined) throw new ApplyError(`${what}: doc is missing path: "${path}"`);
      next = cur[idx];
      canonical.push(String(idx));
    } else if (isObject(cur)) {
      next = getOwn(cur, tok);
      canonical.push(encodeToken(tok));
    }
    if (typeof next !== 'object' || next === null) throw new ApplyError(`${what}: doc is missing path: "${path}"`);
    cur = next;
  }
  if (typeof cur !== 'object' || cur === null) throw new ApplyError(`${what}: doc is missing path: "${path}"`);
  const key = tokens[tokens.length - 1];
  return { container: cur as JsonObject | unknown[], key, pointer: `/${canonical.map((c) => `${c}/`).join('')}` };
}

/** An existing index (or, with `forAdd`, one past the end). Negative indices count from the end. */
function arrayIndex(arr: unknown[], tok: string, forAdd: boolean): number | undefined {
  let idx = atoi(tok);
  if (idx === undefined) return undefined;
  const len = forAdd ? arr.length + 1 : arr.length;
  if (idx < 0) {
    if (idx < -len) return undefined;
    idx += len;
  }
  return idx < len ? idx : undefined;
}

/** Pointer to an existing value plus that value; throws when it does not exist. */
function existing(doc: unknown, path: string, what: string): { pointer: string; value: unknown; loc: Location } {
  const loc = locate(doc, path, what);
  if (Array.isArray(loc.container)) {
    const idx = arrayIndex(loc.container, loc.key, false);
    if (idx === undefined) throw new ApplyError(`${what}: Unable to access invalid index: ${loc.key}`);
    return { pointer: loc.pointer + String(idx), value: loc.container[idx], loc };
  }
  if (!Object.hasOwn(loc.container, loc.key)) throw new ApplyError(`${what}: missing key ${JSON.stringify(loc.key)} at "${path}"`);
  return { pointer: loc.pointer + encodeToken(loc.key), value: loc.container[loc.key], loc };
}

/** Pointer where `add` may write (`-` or an index ≤ length for arrays, any key for objects). */
function addTarget(doc: unknown, path: string, what: string): string {
  const loc = locate(doc, path, what);
  if (Array.isArray(loc.container)) {
    if (loc.key === '-') return `${loc.pointer}-`;
    const idx = arrayIndex(loc.container, loc.key, true);
    if (idx === undefined) throw new ApplyError(`${what}: Unable to access invalid index: ${loc.key}`);
    return loc.pointer + String(idx);
  }
  return loc.pointer + encodeToken(loc.key);
}

/**
 * RFC 6902 with kube-apiserver's limits and status codes (see the module comment). Returns a new
 * document; `original` and `ops` are left untouched.
 */
export function applyJsonPatch(original: unknown, ops: unknown, maxCopyBytes: number = DEFAULT_MAX_COPY_BYTES): unknown {
  checkDepth(ops);
  const decoded = decodeOps(ops);
  if (decoded.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new ApiError(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${decoded.length}`,
    );
  }
  let doc: unknown = cloneJson(original);
  let copied = 0;
  try {
    for (const [i, op] of decoded.entries()) {
      doc = applyOne(doc, op, i, (bytes) => {
        copied += bytes;
        if (maxCopyBytes > 0 && copied > maxCopyBytes) {
          throw new ApplyError(
            `Unable to complete the copy, the accumulated size increase of copy is ${copied}, exceeding the limit ${maxCopyBytes}`,
          );
        }
      });
    }
  } catch (err) {
    if (err instanceof ApplyError) throw unprocessable(err);
    // fast-json-patch refuses `__proto__` keys with a TypeError; very deep values overflow the stack.
    if (err instanceof TypeError || err instanceof RangeError) throw unprocessable(err);
    throw err;
  }
  return doc;
}

function applyOne(doc: unknown, op: RawOp, index: number, chargeCopy: (bytes: number) => void): unknown {
  const kind = op.op ?? 'unknown';
  if (!OPS.has(kind)) throw new ApplyError(`Unexpected kind: ${kind}`);
  if (op.path === undefined) throw new ApplyError(`operation ${index} (${kind}): operation missing path field`);
  const path = op.path;
  // An absent value is a JSON null in json-patch v4 (its value() is a nil node that marshals as null).
  const value: unknown = op.hasValue && op.value !== undefined ? cloneJson(op.value) : null;
  const what = `${kind} operation does not apply`;

  switch (kind) {
    case 'add':
      return applyOperation(doc, { op: 'add', path: addTarget(doc, path, what), value }, false, true, true, index).newDocument;

    case 'remove':
      return applyOperation(doc, { op: 'remove', path: existing(doc, path, what).pointer }, false, true, true, index).newDocument;

    case 'replace': {
      if (path === '') {
        if (typeof value !== 'object' || value === null) throw new ApplyError('replace operation value must be object or array');
        return value;
      }
      const loc = locate(doc, path, what);
      // json-patch v4: replacing a missing object key adds it.
      const target = Array.isArray(loc.container) ? existing(doc, path, what).pointer : loc.pointer + encodeToken(loc.key);
      return applyOperation(doc, { op: 'replace', path: target, value }, false, true, true, index).newDocument;
    }

    case 'test': {
      let actual: unknown;
      if (path === '') actual = doc;
      else {
        const loc = locate(doc, path, `test operation does not apply: is missing path: ${path}`);
        actual = Array.isArray(loc.container) ? existing(doc, path, what).value : getOwn(loc.container, loc.key);
      }
      // json-patch v4 treats a missing key, a null and an absent value alike.
      const equal = actual === undefined || actual === null ? value === null : jsonEqual(actual, value);
      if (!equal) throw new ApplyError(`testing value ${path} failed: test failed`);
      return doc;
    }

    case 'move': {
      if (op.from === undefined) throw new ApplyError(`move operation failed to decode from: operation, missing from field`);
      const from = existing(doc, op.from, `move operation does not apply: doc is missing from path: ${op.from}`);
      const removed: unknown = applyOperation(doc, { op: 'remove', path: from.pointer }, false, true, true, index).removed;
      // The destination is resolved after the removal, as upstream: moving a value into itself fails.
      return applyOperation(doc, { op: 'add', path: addTarget(doc, path, what), value: removed }, false, true, true, index).newDocument;
    }

    case 'copy': {
      if (op.from === undefined) throw new ApplyError(`copy operation failed to decode from: operation, missing from field`);
      const from = existing(doc, op.from, `copy operation does not apply: doc is missing from path: ${op.from}`);
      const dest = addTarget(doc, path, what);
      chargeCopy(jsonByteLength(from.value));
      const copy: unknown = cloneJson(from.value);
      return applyOperation(doc, { op: 'add', path: dest, value: copy }, false, true, true, index).newDocument;
    }
  }
  throw new ApplyError(`Unexpected kind: ${kind}`);
}
