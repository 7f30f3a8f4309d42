import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { formatGoValue } from './go-format.js';
import { jsonEqual } from './json.js';
import { patchSchemaFor, type Definitions, type PatchSchema } from './schema.js';
import { applyStrategicMergePatch } from './strategic.js';
import { CREATE_CASES, CUSTOM_CASES, CUSTOM_RAW_CASES, RAW_CASES, RAW_EXTENSION_CASES, type UpstreamCase } from './strategic.upstream-cases.js';

type Obj = Record<string, unknown>;

/** upstream's MergeItem / RetainKeysMergeItem test types (patch_test.go), as definitions */
const DEFS: Definitions = {
  mergeItem: {
    fields: {
      name: { type: 'string' },
      value: { type: 'string' },
      other: { type: 'string' },
      mergingList: { type: '[]#mergeItem', patchStrategy: 'merge', patchMergeKey: 'name' },
      nonMergingList: { type: '[]#mergeItem' },
      mergingIntList: { type: '[]integer', patchStrategy: 'merge' },
      nonMergingIntList: { type: '[]integer' },
      mergeItemPtr: { type: '#mergeItem', patchStrategy: 'merge', patchMergeKey: 'name' },
      simpleMap: { type: 'map[string]' },
      replacingItem: { type: 'any', patchStrategy: 'replace' },
      retainKeysMap: { type: '#retainKeysMergeItem', patchStrategy: 'retainKeys' },
      retainKeysMergingList: { type: '[]#mergeItem', patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' },
    },
  },
  retainKeysMergeItem: {
    fields: {
      name: { type: 'string' },
      value: { type: 'string' },
      other: { type: 'string' },
      simpleMap: { type: 'map[string]' },
      mergingIntList: { type: '[]integer', patchStrategy: 'merge' },
      mergingList: { type: '[]#mergeItem', patchStrategy: 'merge', patchMergeKey: 'name' },
      nonMergingList: { type: '[]#mergeItem' },
    },
  },
};
const SCHEMA = patchSchemaFor(DEFS, '#mergeItem');

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asObj = (v: unknown): Obj => (isObj(v) ? v : {});

// --- upstream's sortMergeListsByName (patch.go), used by its tests to compare merge lists order-free ---

function sortScalars(s: unknown[]): unknown[] {
  return [...s].sort((a, b) => (formatGoValue(a) < formatGoValue(b) ? -1 : formatGoValue(a) > formatGoValue(b) ? 1 : 0));
}

function dedupScalars(s: unknown[]): unknown[] {
  return s.filter((v, i) => s.findIndex((w) => jsonEqual(v, w)) === i);
}

function sortMap(m: Obj, schema: PatchSchema): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(m)) {
    let nv = v;
    if ((k === '$retainKeys' || k.startsWith('$deleteFromPrimitiveList')) && Array.isArray(v)) nv = sortScalars(v);
    else if (k.startsWith('$setElementOrder') || k === '$patch') nv = v;
    else if (isObj(v)) nv = sortMap(v, schema.lookupStruct(k).schema);
    else if (Array.isArray(v)) {
      const { schema: sub, meta } = schema.lookupSlice(k);
      if (meta.strategies.includes('merge')) nv = sortArray(v, sub, meta.mergeKey);
    }
    out[k] = nv;
  }
  return out;
}

function sortArray(s: unknown[], schema: PatchSchema, mergeKey: string): unknown[] {
  if (s.length === 0) return s;
  if (!isObj(s[0])) return sortScalars(dedupScalars(s));
  const key = (v: unknown) => formatGoValue(asObj(v)[mergeKey]);
  return s.map((e) => sortMap(asObj(e), schema)).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function apply(original: unknown, patch: unknown): Obj {
  return applyStrategicMergePatch(original ?? {}, patch ?? {}, SCHEMA);
}

function check(c: UpstreamCase, original: unknown, patch: unknown, expected: unknown, sorted: boolean): void {
  const norm = (v: unknown) => (sorted ? sortMap(asObj(v), SCHEMA) : asObj(v));
  if (c.expectedError) {
    assert.throws(() => apply(norm(original), norm(patch)), (e: unknown) => e instanceof Error && e.message.includes(c.expectedError!));
    return;
  }
  const got = apply(norm(original), norm(patch));
  assert.ok(jsonEqual(got, norm(expected)), `${c.description}\n got:      ${JSON.stringify(got)}\n expected: ${JSON.stringify(norm(expected))}`);
}

/** applies the two-way patch to the original and, where given, the three-way patch to the current object */
function runCase(c: UpstreamCase, sorted: boolean): void {
  if (c.twoWay !== undefined) check(c, c.original, c.twoWay, c.twoWayResult ?? c.modified, sorted);
  if (c.threeWay !== undefined && c.result !== undefined && c.result !== null) check(c, c.current, c.threeWay, c.result, sorted);
}

describe('strategic merge patch: upstream patch_test.go cases', () => {
  for (const c of CUSTOM_CASES) test(`custom: ${c.description}`, () => runCase(c, true));
  for (const c of CUSTOM_RAW_CASES) test(`custom raw: ${c.description}`, () => runCase(c, false));
  for (const c of CREATE_CASES) test(`create: ${c.description}`, () => runCase(c, true));
  for (const c of RAW_CASES) test(`raw: ${c.description}`, () => runCase(c, false));
  for (const c of RAW_EXTENSION_CASES) test(`raw extension: ${c.description}`, () => runCase(c, false));
});

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  assert.fail('expected an ApiError');
}

describe('strategic merge patch: errors as the apiserver reports them', () => {
  test('missing merge key is upstream\'s plain error (500) with the Go map text', () => {
    const e = apiError(() => apply({ mergingList: [{ name: 'a' }] }, { mergingList: [{ value: 'b' }] }));
    assert.equal(e.code, 500);
    assert.equal(e.message, 'map: map[value:b] does not contain declared merge key: name');
  });

  test('a delete directive without the merge key is the same error', () => {
    const e = apiError(() => apply({ mergingList: [{ name: 'a' }] }, { mergingList: [{ $patch: 'delete' }] }));
    assert.equal(e.message, 'map: map[$patch:delete] does not contain declared merge key: name');
  });

  test('$patch: merge is not supported in lists, unknown $patch values are errors', () => {
    assert.equal(apiError(() => apply({ mergingList: [] }, { mergingList: [{ $patch: 'merge' }] })).message, 'merging lists cannot yet be specified in the patch');
    assert.match(apiError(() => apply({ simpleMap: { a: 'b' } }, { simpleMap: { $patch: 'merge' } })).message, /^unknown patch type: merge in map: map\[\$patch:merge\]$/);
  });

  test('malformed directives are 400 BadRequest', () => {
    const cases: [Obj, string][] = [
      [{ '$deleteFromPrimitiveListX/mergingIntList': [1] }, 'invalid patch format of primitive list'],
      [{ retainKeysMap: { $retainKeys: 'name' } }, 'invalid patch format of retainKeys'],
      [{ retainKeysMap: { $retainKeys: ['name'], value: 'x' } }, 'invalid patch format of retainKeys'],
      [{ '$setElementOrderX/mergingList': [] }, 'invalid patch format of setElementOrder list'],
    ];
    for (const [patch, message] of cases) {
      const e = apiError(() => apply({ retainKeysMap: { name: 'a' }, mergingIntList: [1] }, patch));
      assert.equal(e.code, 400, message);
      assert.equal(e.reason, 'BadRequest');
      assert.equal(e.message, message);
    }
  });

  test('a list of lists is 422 Invalid', () => {
    const e = apiError(() => apply({ mergingList: [[1]] }, { mergingList: [[2]] }));
    assert.equal(e.code, 422);
    assert.equal(e.reason, 'Invalid');
  });

  test('the $setElementOrder list must agree with the patch list', () => {
    const e = apiError(() => apply({ mergingList: [{ name: '1' }] }, { '$setElementOrder/mergingList': [{ name: '1' }], mergingList: [{ name: '2' }] }));
    assert.match(e.message, /doesn't match \$setElementOrder list/);
  });

  test('a non-object patch is a decode error (400), null changes nothing', () => {
    const e = apiError(() => applyStrategicMergePatch({}, [1], SCHEMA));
    assert.equal(e.code, 400);
    assert.equal(e.message, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
    assert.deepEqual(applyStrategicMergePatch({ name: 'a' }, null, SCHEMA), { name: 'a' });
  });
});

describe('strategic merge patch: directives', () => {
  test('inputs are not mutated', () => {
    const original = { mergingList: [{ name: 'a', value: '1' }], simpleMap: { k: 'v' } };
    const patch = { mergingList: [{ name: 'a', $patch: 'delete' }], simpleMap: { k: null } };
    const o = structuredClone(original);
    const p = structuredClone(patch);
    assert.deepEqual(apply(original, patch), { mergingList: [], simpleMap: {} });
    assert.deepEqual(original, o);
    assert.deepEqual(patch, p);
  });

  test('null deletes, unmatched nulls are dropped, nested nulls in new values are discarded', () => {
    assert.deepEqual(apply({ name: 'a', value: 'b' }, { value: null, other: null }), { name: 'a' });
    assert.deepEqual(apply({}, { retainKeysMap: { name: 'x', value: null } }), { retainKeysMap: { name: 'x' } });
  });

  test('$patch: replace on a map keeps only the patch content, $patch: delete empties it', () => {
    assert.deepEqual(apply({ simpleMap: { a: '1', b: '2' } }, { simpleMap: { $patch: 'replace', c: '3' } }), { simpleMap: { c: '3' } });
    assert.deepEqual(apply({ simpleMap: { a: '1' } }, { simpleMap: { $patch: 'delete' } }), { simpleMap: {} });
  });

  test('a new value carrying a $patch directive is dropped', () => {
    assert.deepEqual(apply({ name: 'a' }, { simpleMap: { $patch: 'replace', a: '1' } }), { name: 'a' });
  });

  test('$patch: replace in a merge list replaces the list', () => {
    assert.deepEqual(apply({ mergingList: [{ name: 'a' }, { name: 'b' }] }, { mergingList: [{ name: 'c' }, { $patch: 'replace' }] }), { mergingList: [{ name: 'c' }] });
  });

  test('$deleteFromPrimitiveList works on merging and non-merging scalar lists', () => {
    assert.deepEqual(apply({ mergingIntList: [1, 2, 3] }, { '$deleteFromPrimitiveList/mergingIntList': [2] }), { mergingIntList: [1, 3] });
    assert.deepEqual(apply({ nonMergingIntList: [1, 2, 3] }, { '$deleteFromPrimitiveList/nonMergingIntList': [1, 3] }), { nonMergingIntList: [2] });
  });

  test('$setElementOrder orders the patch items; a server-only item goes before the first item it preceded live', () => {
    const got = apply(
      { mergingList: [{ name: 'a' }, { name: 'x' }, { name: 'b' }] },
      { '$setElementOrder/mergingList': [{ name: 'b' }, { name: 'a' }], mergingList: [{ name: 'b', value: '2' }] },
    );
    assert.deepEqual(got, { mergingList: [{ name: 'x' }, { name: 'b', value: '2' }, { name: 'a' }] });
  });

  test('$retainKeys clears keys it does not name before merging', () => {
    assert.deepEqual(apply({ retainKeysMap: { name: 'a', value: 'b', other: 'c' } }, { retainKeysMap: { $retainKeys: ['name', 'other'], other: 'd' } }), { retainKeysMap: { name: 'a', other: 'd' } });
  });

  test('a replace-strategy field is replaced wholesale', () => {
    assert.deepEqual(apply({ replacingItem: { a: 1, b: 2 } }, { replacingItem: { c: 3 } }), { replacingItem: { c: 3 } });
  });

  test('non-merge lists are replaced, merge lists of scalars are unioned', () => {
    assert.deepEqual(apply({ nonMergingList: [{ name: 'a' }], nonMergingIntList: [1, 2] }, { nonMergingList: [{ name: 'b' }], nonMergingIntList: [3] }), {
      nonMergingList: [{ name: 'b' }],
      nonMergingIntList: [3],
    });
    assert.deepEqual(apply({ mergingIntList: [1, 2] }, { mergingIntList: [2, 3] }), { mergingIntList: [1, 2, 3] });
  });

  test('fields the schema does not know merge as maps and replace as lists', () => {
    assert.deepEqual(apply({ unknown: { a: 1, l: [1] } }, { unknown: { b: 2, l: [2] } }), { unknown: { a: 1, b: 2, l: [2] } });
  });
});
