/**
 * Strategic merge patch, applied as kube-apiserver applies it: a port of the server-side path of
 * apimachinery/pkg/util/strategicpatch/patch.go (`StrategicMergeMapPatchUsingLookupPatchMeta`, i.e.
 * `mergeMap` with MergeParallelList and IgnoreUnmatchedNulls) at v0.32.
 *
 * - Maps merge recursively; `null` deletes a key; a type change or scalar replaces the value; a field
 *   with strategy `replace` is replaced wholesale.
 * - `$patch: replace` in a map makes the map the patch's content, `$patch: delete` empties it.
 * - Lists without strategy `merge` are replaced. Merge lists of maps match elements by the field's merge
 *   key (matched elements merge, others are appended); `{key: v, $patch: delete}` removes matching
 *   elements, `{$patch: replace}` replaces the list with the other elements. Merge lists of scalars are
 *   unioned and de-duplicated.
 * - `$deleteFromPrimitiveList/<field>` removes values from a list, `$setElementOrder/<field>` sets the
 *   final order, `$retainKeys` drops every live key it does not name (and rejects patch keys it does
 *   not name).
 *
 * Errors map to HTTP as upstream's `interpretStrategicMergePatchError`: malformed directives are 400,
 * lists of lists and retainKeys mismatches 422, and every other error (a missing merge key, an unknown
 * `$patch` value) surfaces as upstream's non-Status error: a 500 carrying the library's message.
 * Inputs are never mutated.
 */
import { ApiError } from '../errors.js';
import { formatGoValue, goTypeName } from './go-format.js';
import { sliceStable } from './go-sort.js';
import { cloneJson, jsonEqual } from './json.js';
import type { PatchSchema } from './schema.js';

type Obj = Record<string, unknown>;

const DIRECTIVE = '$patch';
const DELETE = 'delete';
const REPLACE = 'replace';
const MERGE = 'merge';
const RETAIN_KEYS = 'retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder';

/**
 * Applies `patch` (a JSON object, or null for no change) to `original` using `schema` for merge keys
 * and strategies. Returns a new object.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: PatchSchema): Obj {
  const base: Obj = isObj(original) ? cloneJson(original) : {};
  if (patch === null) return base;
  if (!isObj(patch)) {
    throw ApiError.badRequest(`json: cannot unmarshal ${jsonTypeName(patch)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(base, cloneJson(patch), schema);
}

// --- errors (apimachinery/pkg/util/mergepatch/errors.go) -------------------------------------------

const errBadPatchFormatForPrimitiveList = () => ApiError.badRequest('invalid patch format of primitive list');
const errBadPatchFormatForRetainKeys = () => ApiError.badRequest('invalid patch format of retainKeys');
const errBadPatchFormatForSetElementOrderList = () => ApiError.badRequest('invalid patch format of setElementOrder list');
const errNoListOfLists = () => new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});

/** An error upstream returns as a plain Go error: the apiserver answers 500 with its text. */
function plainError(message: string): ApiError {
  return new ApiError(500, 'InternalError', message);
}
const errNoMergeKey = (m: Obj, key: string) => plainError(`map: ${formatGoValue(m)} does not contain declared merge key: ${key}`);
const errBadArgType = (expected: string, actual: unknown) => plainError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const errBadPatchType = (t: unknown, m: Obj) => plainError(`unknown patch type: ${formatGoValue(t)} in map: ${formatGoValue(m)}`);

const MAP_TYPE = 'map[string]interface {}';
const SLICE_TYPE = '[]interface {}';

// --- helpers ------------------------------------------------------------------------------------------

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function has(o: Obj, k: string): boolean {
  return Object.hasOwn(o, k);
}

function jsonTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'string' || typeof v === 'number' ? typeof v : 'object';
}

/** The Go reflect type of a decoded JSON value, for "same type" checks (Go compares reflect.Type). */
type Kind = 'map' | 'slice' | 'string' | 'number' | 'bool' | 'nil';

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'bool';
    default: return 'map';
  }
}

/** Go `==` on interface values holding JSON scalars (maps and slices compare structurally here). */
function goEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return jsonEqual(a, b);
  return false;
}

/** Own-property write that also works for a key named `__proto__`. */
function setOwn(o: Obj, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else o[key] = value;
}

// --- mergeMap ---------------------------------------------------------------------------------------

function mergeMap(original: Obj, patch: Obj, schema: PatchSchema): Obj {
  if (has(patch, DIRECTIVE)) return handleDirectiveInMergeMap(patch[DIRECTIVE], patch);

  applyRetainKeysDirective(original, patch);
  mergePatchIntoOriginal(original, patch, schema);

  for (const key of Object.keys(patch)) {
    const patchV = patch[key];
    let k = key;
    let isDeleteList = false;
    if (k.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      k = extractKey(k, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
    }

    // null deletes the key (unmatched nulls are ignored)
    if (patchV === null) {
      delete original[k];
      continue;
    }

    if (!has(original, k)) {
      if (!isDeleteList) {
        discardNullValuesFromPatch(patchV);
        setDirectiveFree(original, k, patchV);
      }
      continue;
    }

    const origV = original[k];
    const ok = kindOf(origV);
    if (ok !== kindOf(patchV)) {
      if (!isDeleteList) {
        discardNullValuesFromPatch(patchV);
        setDirectiveFree(original, k, patchV);
      }
      continue;
    }
    switch (ok) {
      case 'map': {
        const { schema: sub, meta } = schema.lookupStruct(k);
        const strategy = extractRetainKeysPatchStrategy(meta.strategies);
        setOwn(original, k, strategy !== REPLACE ? mergeMap(origV as Obj, patchV as Obj, sub) : patchV);
        break;
      }
      case 'slice': {
        const { schema: sub, meta } = schema.lookupSlice(k);
        const strategy = extractRetainKeysPatchStrategy(meta.strategies);
        setOwn(original, k, mergeSliceHandler(GoSlice.decoded(origV as unknown[]), patchV as unknown[], sub, strategy, meta.mergeKey, isDeleteList));
        break;
      }
      default:
        setDirectiveFree(original, k, patchV);
    }
  }
  return original;
}

/** `original[k], ok = removeDirectives(v); if !ok { delete(original, k) }` */
function setDirectiveFree(original: Obj, k: string, v: unknown): void {
  const [clean, keep] = removeDirectives(v);
  if (keep) setOwn(original, k, clean);
  else delete original[k];
}

function handleDirectiveInMergeMap(directive: unknown, patch: Obj): Obj {
  if (directive === REPLACE) {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === DELETE) return {};
  throw errBadPatchType(directive, patch);
}

/** `strings.SplitN(s, "/", 2)` must give exactly the prefix and a field name. */
function extractKey(s: string, prefix: string): string {
  const i = s.indexOf('/');
  if (i < 0 || s.slice(0, i) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST) throw errBadPatchFormatForPrimitiveList();
    throw errBadPatchFormatForSetElementOrderList();
  }
  return s.slice(i + 1);
}

/** Returns the non-retainKeys strategy of a field (`merge`, `replace` or ''). */
function extractRetainKeysPatchStrategy(strategies: readonly string[]): string {
  switch (strategies.length) {
    case 0:
      return '';
    case 1:
      return strategies[0] === RETAIN_KEYS ? '' : strategies[0];
    case 2:
      if (strategies[0] === RETAIN_KEYS) return strategies[1];
      if (strategies[1] === RETAIN_KEYS) return strategies[0];
      break;
  }
  throw plainError(`unexpected patch strategy: ${formatGoValue(strategies)}`);
}

function applyRetainKeysDirective(original: Obj, patch: Obj): void {
  if (!has(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const retainKeys = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(retainKeys)) throw errBadPatchFormatForRetainKeys();
  const keep = (k: string) => retainKeys.some((v) => v === k);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep(k)) throw errBadPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) {
    if (!keep(k)) delete original[k];
  }
}

/**
 * Processes every `$setElementOrder/<field>` directive together with its list: merges the list, then
 * orders the result ($setElementOrder > patch order > live order) and removes both from the patch.
 */
function mergePatchIntoOriginal(original: Obj, patch: Obj, schema: PatchSchema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER) || !has(patch, key)) continue;
    const setOrder = patch[key];
    delete patch[key];
    if (!Array.isArray(setOrder)) throw errBadArgType(SLICE_TYPE, setOrder);
    const field = extractKey(key, SET_ELEMENT_ORDER);
    const foundOriginal = has(original, field);
    const foundPatch = has(patch, field);
    let originalList: unknown[] = [];
    let patchList: unknown[] = [];
    if (foundOriginal) {
      if (!Array.isArray(original[field])) throw errBadArgType(SLICE_TYPE, original[field]);
      originalList = original[field] as unknown[];
    }
    if (foundPatch) {
      if (!Array.isArray(patch[field])) throw errBadArgType(SLICE_TYPE, patch[field]);
      patchList = patch[field] as unknown[];
    }
    const { schema: sub, meta } = schema.lookupSlice(field);
    const strategy = extractRetainKeysPatchStrategy(meta.strategies);
    const mergeKey = meta.mergeKey;
    validatePatchWithSetOrderList(patchList, setOrder, mergeKey);

    // Go's merge shares the live list's backing array: deletions shift it in place and appends fill its
    // spare capacity, and the live order used below is read back through that array afterwards.
    const live = GoSlice.decoded(originalList);
    const backing = live.arr;
    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchList)[0] as unknown[];
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(live, patchList, sub, strategy, mergeKey, false);
    else continue;
    const serverOrder = backing.slice(0, originalList.length);

    const [patchItems, serverOnly] = mergeKey === '' ? partitionPrimitives(merged, setOrder) : partitionMaps(merged, setOrder, mergeKey);
    const kind = sliceElementType([serverOrder, patchList]);
    setOwn(original, field, normalizeElementOrder(patchItems, serverOnly, setOrder, serverOrder, mergeKey, kind));
    delete patch[field];
  }
}

/**
 * The relative order of the patch list must agree with the $setElementOrder list, and (ignoring
 * deletions and directives) the patch list must be a subset of it.
 */
function validatePatchWithSetOrderList(patchList: unknown[], setOrder: unknown[], mergeKey: string): void {
  if (setOrder.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey !== '' ? extractToDeleteItems(patchList)[0] : patchList;
  let pi = 0;
  let si = 0;
  while (pi < nonDelete.length && si < setOrder.length) {
    if (isObj(nonDelete[pi]) && has(nonDelete[pi] as Obj, DIRECTIVE)) {
      pi++;
      continue;
    }
    if (mergeKeyValueEqual(nonDelete[pi], setOrder[si], mergeKey)) pi++;
    si++;
  }
  if (pi < nonDelete.length && si >= setOrder.length) {
    throw plainError(`The order in patch list:\n${formatGoValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${formatGoValue(setOrder)}\n`);
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return goEqual(left, right);
  if (!isObj(left)) throw errBadArgType(MAP_TYPE, left);
  if (!isObj(right)) throw errBadArgType(MAP_TYPE, right);
  if (!has(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!has(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return goEqual(left[mergeKey], right[mergeKey]);
}

/** Removes `$patch` maps (and every directive map below) from a value; [value, keep]. */
function removeDirectives(v: unknown): [unknown, boolean] {
  if (isObj(v)) {
    if (has(v, DIRECTIVE)) return [null, false];
    for (const k of Object.keys(v)) {
      const [c, keep] = removeDirectives(v[k]);
      if (keep) setOwn(v, k, c);
      else delete v[k];
    }
    return [v, true];
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const [c, keep] = removeDirectives(item);
      if (keep) out.push(c);
    }
    return [out, true];
  }
  return [v, true];
}

function discardNullValuesFromPatch(v: unknown): void {
  if (isObj(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNullValuesFromPatch(v[k]);
    }
  } else if (Array.isArray(v)) {
    for (const item of v) discardNullValuesFromPatch(item);
  }
}

// --- lists --------------------------------------------------------------------------------------------

function mergeSliceHandler(original: GoSlice, patch: unknown[], schema: PatchSchema, strategy: string, mergeKey: string, isDeleteList: boolean): unknown[] {
  // delete lists are handled the same way whatever the field's strategy
  if (strategy === MERGE || isDeleteList) return mergeSlice(original, patch, schema, mergeKey, isDeleteList);
  return patch;
}

function mergeSlice(original: GoSlice, patch: unknown[], schema: PatchSchema, mergeKey: string, isDeleteList: boolean): unknown[] {
  const live = original.items();
  if (live.length === 0 && patch.length === 0) return live;
  const kind = sliceElementType([live, patch]);
  if (kind !== 'map') {
    if (isDeleteList) return deleteFromSlice(live, patch);
    // `append(original, patch...)` reuses the live list's array when it has room, and the de-duplication
    // then rewrites that array in place: the live order is read back through it
    const merged = deduplicateScalars(original.appendAll(patch));
    const [patchItems, serverOnly] = partitionPrimitives(merged, patch);
    return normalizeElementOrder(patchItems, serverOnly, patch, original.items(), mergeKey, kind);
  }
  if (mergeKey === '') throw plainError(`cannot merge lists without merge key for ${schema.name}`);
  const [remaining, plainPatch] = mergeSliceWithSpecialElements(original, patch, mergeKey);
  const serverOrder = remaining.items();
  const merged = mergeSliceWithoutSpecialElements(remaining, plainPatch, mergeKey, schema);
  const [patchItems, serverOnly] = partitionMaps(merged, plainPatch, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, plainPatch, serverOrder, mergeKey, kind);
}

/** Applies `$patch` elements (delete by key, replace the list) and returns [live list, patch without them]. */
function mergeSliceWithSpecialElements(original: GoSlice, patch: unknown[], mergeKey: string): [GoSlice, unknown[]] {
  const plain: unknown[] = [];
  let replace = false;
  for (const v of patch) {
    const m = v as Obj;
    if (!has(m, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const directive = m[DIRECTIVE];
    if (directive === DELETE) {
      if (!has(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      for (let i = findMapInSlice(original.items(), mergeKey, m[mergeKey]); i >= 0; i = findMapInSlice(original.items(), mergeKey, m[mergeKey])) {
        original.deleteAt(i);
      }
    } else if (directive === REPLACE) {
      replace = true;
    } else if (directive === MERGE) {
      throw plainError('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, m);
    }
  }
  return replace ? [GoSlice.decoded(plain), []] : [original, plain];
}

/** Merges each patch element into the live element with the same key, or appends it. */
function mergeSliceWithoutSpecialElements(original: GoSlice, patch: unknown[], mergeKey: string, schema: PatchSchema): unknown[] {
  for (const v of patch) {
    const m = v as Obj;
    if (!has(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
    const i = findMapInSlice(original.items(), mergeKey, m[mergeKey]);
    if (i >= 0) original.arr[i] = mergeMap(original.arr[i] as Obj, m, schema);
    else original.push(v);
  }
  return original.items();
}

/**
 * A Go slice header (array + length) over a backing array whose spare capacity is kept: `deleteAt` is
 * `append(s[:i], s[i+1:]...)` and `push` is `append(s, v)`, which writes into the same array while it
 * has room. Upstream's results depend on this sharing, see mergePatchIntoOriginal.
 */
class GoSlice {
  constructor(
    public arr: unknown[],
    public len: number,
  ) {}

  /** a list as Go's JSON decoder builds it: appended one by one, so its capacity is the next power of two */
  static decoded(items: unknown[]): GoSlice {
    let cap = 0;
    while (cap < items.length) cap = growCap(cap);
    const arr = new Array<unknown>(cap);
    items.forEach((v, i) => (arr[i] = v));
    return new GoSlice(arr, items.length);
  }

  items(): unknown[] {
    return this.arr.slice(0, this.len);
  }

  deleteAt(i: number): void {
    for (let j = i; j < this.len - 1; j++) this.arr[j] = this.arr[j + 1];
    this.len--;
  }

  /** `append(s, vs...)`: a new header, sharing this array when it has room for all of vs */
  appendAll(vs: unknown[]): GoSlice {
    const n = this.len + vs.length;
    const arr = n <= this.arr.length ? this.arr : this.items();
    vs.forEach((v, i) => (arr[this.len + i] = v));
    return new GoSlice(arr, n);
  }

  push(v: unknown): void {
    if (this.len >= this.arr.length) {
      const grown = new Array<unknown>(growCap(this.arr.length));
      for (let j = 0; j < this.len; j++) grown[j] = this.arr[j];
      this.arr = grown;
    }
    this.arr[this.len++] = v;
  }
}

/** Go's growslice for appending one element (doubling below 256, then about 1.25x). */
function growCap(cap: number): number {
  if (cap === 0) return 1;
  if (cap < 256) return cap * 2;
  return cap + Math.floor((cap + 3 * 256) / 4);
}

/** Index of the first map whose merge key equals value; every element must be a map. */
function findMapInSlice(list: unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    if (!isObj(m)) throw plainError(`value for key ${i} is not a map`);
    if (has(m, key) && goEqual(m[key], value)) return i;
  }
  return -1;
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  return current.filter((v) => !toDelete.some((d) => goEqual(d, v)));
}

/** Upstream's in-place de-duplication (a duplicate is overwritten by the last element), on the slice's array. */
function deduplicateScalars(s: GoSlice): unknown[] {
  const a = s.arr;
  let length = s.len - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (goEqual(a[i], a[j])) {
        a[j] = a[length];
        length--;
        j--;
      }
    }
  }
  return a.slice(0, Math.max(0, length + 1));
}

/** The common element type of the lists; lists of lists and mixed types are errors. */
function sliceElementType(lists: unknown[][]): Kind {
  let prev: Kind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = kindOf(v);
      if (prev === undefined) {
        prev = k;
        if (k === 'slice') throw errNoListOfLists();
      } else if (prev !== k) {
        throw plainError(`list element types are not identical: ${formatGoValue(lists)}`);
      }
    }
  }
  if (prev === undefined) throw plainError('no elements in any of the given slices');
  return prev;
}

function partitionPrimitives(list: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) (by.some((b) => goEqual(b, v)) ? inPatch : serverOnly).push(v);
  return [inPatch, serverOnly];
}

function partitionMaps(list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) {
    if (!isObj(v)) throw errBadArgType(MAP_TYPE, v);
    if (!has(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findMapInSlice(by, mergeKey, v[mergeKey]) >= 0 ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

function extractToDeleteItems(list: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const del: unknown[] = [];
  for (const v of list) {
    if (!isObj(v)) throw errBadArgType(MAP_TYPE, v);
    (has(v, DIRECTIVE) && v[DIRECTIVE] === DELETE ? del : keep).push(v);
  }
  return [keep, del];
}

/**
 * Sorts the patch items by patchOrder and the server-only items by serverOrder, then interleaves them,
 * keeping each group's relative order (upstream `normalizeElementOrder`).
 */
function normalizeElementOrder(patch: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: Kind): unknown[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: Kind): unknown[] {
  let items = [...toSort];
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, [items, order]);
    [items, toDelete] = extractToDeleteItems(items);
  }
  sliceStable(items, (a, b) => {
    const ia = indexOf(order, a, mergeKey, kind);
    if (ia >= 0) {
      const ib = indexOf(order, b, mergeKey, kind);
      if (ib >= 0) return ia < ib;
    }
    return true;
  });
  return [...items, ...toDelete];
}

function validateMergeKeyInLists(mergeKey: string, lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObj(item)) throw errBadArgType(MAP_TYPE, item);
      if (!has(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

/** Inserts each item of `left` into `right` by serverOrder, keeping both lists' relative orders. */
function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, kind: Kind): unknown[] {
  const less = (l: unknown, r: unknown): [boolean, boolean] => {
    const li = indexOf(serverOrder, l, mergeKey, kind);
    const ri = indexOf(serverOrder, r, mergeKey, kind);
    return li >= 0 && ri >= 0 ? [li < ri, true] : [false, false];
  };
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  const size = left.length + right.length;
  for (let k = 0; k < size; k++) {
    if (i >= left.length && j < right.length) out.push(right[j++]);
    else if (j >= right.length && i < left.length) out.push(left[i++]);
    else {
      const [isLess, foundBoth] = less(left[i], right[j]);
      if (foundBoth && isLess) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Index of an item in a list: by merge key value for maps (a missing key matches a missing key), else by value. */
function indexOf(list: unknown[], item: unknown, mergeKey: string, kind: Kind): number {
  const key = (v: unknown): unknown => (kind === 'map' ? (isObj(v) && has(v, mergeKey) ? v[mergeKey] : null) : v);
  const want = key(item);
  return list.findIndex((v) => goEqual(key(v), want));
}
