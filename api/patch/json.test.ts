import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import {
  applyJsonPatch,
  applyMergePatch,
  cloneJson,
  CRD_PATCH_CONTENT_TYPES,
  jsonByteLength,
  jsonEqual,
  MAX_JSON_PATCH_OPERATIONS,
  PATCH_CONTENT_TYPES,
  patchTypeFromContentType,
} from './json.js';

const UNPROCESSABLE = 'the server rejected our request due to an error in our request';

/** Asserts fn throws an ApiError with this code (and message, if given); returns it. */
function apiErr(fn: () => unknown, code: number, message?: string | RegExp): ApiError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ApiError, `expected an ApiError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

/** 422 with upstream's generic message; the json-patch reason is kept in `cause`. */
function unprocessable(fn: () => unknown, cause?: RegExp): void {
  const e = apiErr(fn, 422, UNPROCESSABLE);
  assert.equal(e.reason, 'Invalid');
  assert.deepEqual(e.toStatus().details, {});
  if (cause) assert.match(String((e.cause as Error).message), cause);
}

function nested(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe('content types', () => {
  test('patchTypeFromContentType ignores parameters, case and spaces', () => {
    assert.equal(patchTypeFromContentType('application/json-patch+json'), 'json');
    assert.equal(patchTypeFromContentType('application/merge-patch+json; charset=utf-8'), 'merge');
    assert.equal(patchTypeFromContentType('Application/Strategic-Merge-Patch+JSON'), 'strategic');
    assert.equal(patchTypeFromContentType('application/apply-patch+yaml ;charset=utf-8'), 'apply');
    assert.equal(patchTypeFromContentType('application/json'), undefined);
    assert.equal(patchTypeFromContentType('application/apply-patch+cbor'), undefined);
    assert.equal(patchTypeFromContentType(''), undefined);
    assert.equal(patchTypeFromContentType(undefined), undefined);
    assert.equal(patchTypeFromContentType('constructor'), undefined);
  });

  test('PATCH_CONTENT_TYPES is in installer.go order for the 415 message', () => {
    assert.equal(
      ApiError.unsupportedMediaType('application/json', [...PATCH_CONTENT_TYPES]).message,
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    );
    assert.deepEqual(CRD_PATCH_CONTENT_TYPES, ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  test('RFC 7386 appendix A examples', () => {
    const cases: [unknown, unknown, unknown][] = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [['a', 'b'], { a: 'c' }, { a: 'c' }],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: 'b', c: null }, { a: 'b' }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [orig, patch, want] of cases) {
      assert.deepEqual(applyMergePatch(orig, patch), want, `${JSON.stringify(orig)} + ${JSON.stringify(patch)}`);
    }
  });

  test('a kubectl-style label patch', () => {
    const pod = { metadata: { name: 'p', labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'a' }] } };
    const out = applyMergePatch(pod, { metadata: { labels: { tier: null, env: 'prod' } }, spec: { containers: [{ name: 'c', image: 'b' }] } });
    assert.deepEqual(out, { metadata: { name: 'p', labels: { app: 'web', env: 'prod' } }, spec: { containers: [{ name: 'c', image: 'b' }] } });
  });

  test('neither the original nor the patch is mutated, and the result shares nothing with them', () => {
    const orig = { a: { b: 1 }, keep: { x: [1] } };
    const patch = { a: { c: { d: [1, 2] } }, n: { m: 1 } };
    const before = structuredClone(orig);
    const patchBefore = structuredClone(patch);
    const out = applyMergePatch(orig, patch) as { a: { c: { d: number[] } }; n: { m: number }; keep: { x: number[] } };
    assert.deepEqual(orig, before);
    assert.deepEqual(patch, patchBefore);
    out.a.c.d.push(3);
    out.n.m = 2;
    out.keep.x.push(2);
    assert.deepEqual(patch, patchBefore);
    assert.deepEqual(orig, before);
  });

  test('nulls inside arrays are kept (arrays replace as a whole)', () => {
    assert.deepEqual(applyMergePatch({}, { a: [null, 1] }), { a: [null, 1] });
  });

  test('keys that are dangerous in JavaScript are ordinary keys', () => {
    const cm = { data: { a: '1', hasOwnProperty: 'x' } };
    const out = applyMergePatch(cm, { data: { constructor: 'c', prototype: 'p', __proto__: 'q', hasOwnProperty: null, z: 'last' } });
    // JSON.parse-created own "__proto__" key, as a request body would carry it
    const fromWire = JSON.parse('{"data":{"__proto__":{"polluted":true}}}') as unknown;
    const out2 = applyMergePatch({}, fromWire) as { data: Record<string, unknown> };
    assert.deepEqual(Object.keys((out as { data: object }).data).sort(), ['a', 'constructor', 'prototype', 'z'].sort());
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(out2.data), Object.prototype);
    assert.deepEqual(Object.keys(out2.data), ['__proto__']);
    assert.equal(JSON.stringify(out2), '{"data":{"__proto__":{"polluted":true}}}');
  });

  test('patch must be a JSON object: null → 400 Invalid JSON Patch, others → 400 decode error', () => {
    apiErr(() => applyMergePatch({}, null), 400, 'Invalid JSON Patch');
    apiErr(() => applyMergePatch({}, [1]), 400, 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}');
    apiErr(() => applyMergePatch({}, 'x'), 400, /cannot unmarshal string into/);
    apiErr(() => applyMergePatch({}, 1), 400, /cannot unmarshal number into/);
    apiErr(() => applyMergePatch({}, true), 400, /cannot unmarshal bool into/);
    assert.equal(apiErr(() => applyMergePatch({}, null), 400).reason, 'BadRequest');
  });

  test('deep nesting: 5000 levels work, more than 10000 are a 400 like Go’s decoder', () => {
    // node:assert's deepEqual itself recurses, so compare with the iterative jsonEqual.
    assert.ok(jsonEqual(applyMergePatch({}, nested(5000)), nested(5000)));
    assert.ok(jsonEqual(applyMergePatch(nested(10_000), nested(10_000)), nested(10_000)));
    apiErr(() => applyMergePatch({}, nested(10_001)), 400, "error decoding patch: invalid character '{' exceeded max depth");
  });
});

describe('JSON patch (RFC 6902)', () => {
  test('RFC 6902 appendix A examples', () => {
    const ok: [unknown, unknown, unknown][] = [
      [{ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
      [{ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
      [{ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
      [{ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
      [{ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
      [
        { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
        [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
        { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
      ],
      [{ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
      [
        { baz: 'qux', foo: ['a', 2, 'c'] },
        [
          { op: 'test', path: '/baz', value: 'qux' },
          { op: 'test', path: '/foo/1', value: 2 },
        ],
        { baz: 'qux', foo: ['a', 2, 'c'] },
      ],
      [{ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
      [{ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
      [{ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
      [{ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~1', value: 9 }], { '/': 9, '~1': 10 }],
    ];
    for (const [doc, ops, want] of ok) assert.deepEqual(applyJsonPatch(doc, ops), want, JSON.stringify(ops));
  });

  test('RFC 6902 appendix A failures are 422', () => {
    unprocessable(() => applyJsonPatch({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]), /testing value \/baz failed: test failed/);
    unprocessable(() => applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]), /doc is missing path/);
    unprocessable(() => applyJsonPatch({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]));
    unprocessable(() => applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/foo/bar/baz', value: 1 }]));
  });

  test('a kubectl patch --type=json on a Deployment', () => {
    const d = { metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'a', env: [] as unknown[] }] } } } };
    const out = applyJsonPatch(d, [
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/annotations', value: {} },
      { op: 'add', path: '/metadata/annotations/example.com~1owner', value: 'me' },
      { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'A', value: '1' } },
      { op: 'remove', path: '/metadata/labels/app' },
    ]);
    assert.deepEqual(out, {
      metadata: { name: 'web', labels: {}, annotations: { 'example.com/owner': 'me' } },
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'c', image: 'a', env: [{ name: 'A', value: '1' }] }] } } },
    });
  });

  test('the original and the ops are never mutated; results do not alias op values', () => {
    const doc = { a: { b: [1, 2] }, c: 'x' };
    const ops = [
      { op: 'add', path: '/v1', value: { deep: [1] } },
      { op: 'add', path: '/v2', value: { deep: [1] } },
      { op: 'copy', from: '/a', path: '/d' },
      { op: 'move', from: '/c', path: '/e' },
      { op: 'remove', path: '/a/b/0' },
    ];
    const docBefore = structuredClone(doc);
    const opsBefore = structuredClone(ops);
    const out = applyJsonPatch(doc, ops) as { v1: { deep: number[] }; d: { b: number[] } };
    assert.deepEqual(doc, docBefore);
    assert.deepEqual(ops, opsBefore);
    out.v1.deep.push(2);
    out.d.b.push(3);
    assert.deepEqual(ops, opsBefore);
    assert.deepEqual(doc, docBefore);
    assert.deepEqual((out as unknown as { a: unknown }).a, { b: [2] }, 'the copy is independent of its source');
  });

  test('a failing patch leaves the original untouched (all or nothing)', () => {
    const doc = { a: 1, list: [1] };
    unprocessable(() => applyJsonPatch(doc, [{ op: 'add', path: '/b', value: 2 }, { op: 'remove', path: '/list/0' }, { op: 'test', path: '/a', value: 2 }]));
    assert.deepEqual(doc, { a: 1, list: [1] });
  });

  describe('malformed patches (400, like kjson.UnmarshalStrict into []jsonPatchOp)', () => {
    test('not an array', () => {
      apiErr(() => applyJsonPatch({}, { op: 'add' }), 400, 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
      apiErr(() => applyJsonPatch({}, 'x'), 400, /cannot unmarshal string into Go value of type \[\]handlers\.jsonPatchOp/);
    });
    test('an element is not an object', () => {
      apiErr(() => applyJsonPatch({}, [1]), 400, 'error decoding patch: json: cannot unmarshal number into Go value of type handlers.jsonPatchOp');
      apiErr(() => applyJsonPatch({}, [[]]), 400, /cannot unmarshal array/);
    });
    test('op, path or from of the wrong type', () => {
      apiErr(() => applyJsonPatch({}, [{ op: 1, path: '/a' }]), 400, 'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string');
      apiErr(() => applyJsonPatch({}, [{ op: 'add', path: ['a'], value: 1 }]), 400, /jsonPatchOp\.path of type string/);
      apiErr(() => applyJsonPatch({}, [{ op: 'copy', path: '/a', from: { x: 1 } }]), 400, /cannot unmarshal object into Go struct field jsonPatchOp\.from/);
      apiErr(() => applyJsonPatch({}, [{ op: true, path: '/a' }]), 400, /cannot unmarshal bool/);
    });
    test('more than 10000 operations is 413', () => {
      const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/a', value: 1 }));
      const e = apiErr(() => applyJsonPatch({ a: 1 }, ops), 413, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
      assert.equal(e.reason, 'RequestEntityTooLarge');
      assert.deepEqual(applyJsonPatch({ a: 1 }, ops.slice(1)), { a: 1 });
    });
    test('nesting deeper than 10000 is 400', () => {
      apiErr(() => applyJsonPatch({}, [{ op: 'add', path: '/a', value: nested(10_001) }]), 400, /exceeded max depth/);
    });
  });

  describe('operations that do not apply (422)', () => {
    test('unknown, missing or misspelled op', () => {
      unprocessable(() => applyJsonPatch({}, [{ op: 'merge', path: '/a' }]), /Unexpected kind: merge/);
      unprocessable(() => applyJsonPatch({}, [{ path: '/a', value: 1 }]), /Unexpected kind: unknown/);
      unprocessable(() => applyJsonPatch({}, [null]), /Unexpected kind: unknown/);
      unprocessable(() => applyJsonPatch({}, [{ op: 'ADD', path: '/a', value: 1 }]));
    });
    test('missing path or from', () => {
      unprocessable(() => applyJsonPatch({}, [{ op: 'add', value: 1 }]), /missing path/);
      unprocessable(() => applyJsonPatch({ a: 1 }, [{ op: 'copy', path: '/b' }]), /missing from/);
      unprocessable(() => applyJsonPatch({ a: 1 }, [{ op: 'move', path: '/b' }]), /missing from/);
    });
    test('paths that do not exist', () => {
      unprocessable(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '/b' }]));
      unprocessable(() => applyJsonPatch({ a: [1] }, [{ op: 'remove', path: '/a/1' }]));
      unprocessable(() => applyJsonPatch({ a: [1] }, [{ op: 'replace', path: '/a/1', value: 2 }]));
      unprocessable(() => applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/2', value: 2 }]), /invalid index/);
      unprocessable(() => applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/x', value: 2 }]));
      unprocessable(() => applyJsonPatch({ a: 1 }, [{ op: 'add', path: '/a/b', value: 2 }]));
      unprocessable(() => applyJsonPatch({ a: null }, [{ op: 'add', path: '/a/b', value: 2 }]));
      unprocessable(() => applyJsonPatch({ a: 1 }, [{ op: 'copy', from: '/nope', path: '/b' }]));
      unprocessable(() => applyJsonPatch({ a: 1 }, [{ op: 'move', from: '/nope', path: '/b' }]));
      unprocessable(() => applyJsonPatch({ a: 1 }, [{ op: 'add', path: 'a', value: 2 }]));
    });
    test('inherited JavaScript properties do not exist', () => {
      unprocessable(() => applyJsonPatch({}, [{ op: 'remove', path: '/toString' }]));
      unprocessable(() => applyJsonPatch({}, [{ op: 'copy', from: '/constructor', path: '/x' }]));
      unprocessable(() => applyJsonPatch({}, [{ op: 'add', path: '/constructor/x', value: 1 }]));
      unprocessable(() => applyJsonPatch({ a: [] }, [{ op: 'remove', path: '/a/length' }]));
      assert.deepEqual(applyJsonPatch({}, [{ op: 'test', path: '/toString', value: null }]), {});
    });
    test('a __proto__ key is refused, never polluting', () => {
      const body = JSON.parse('[{"op":"add","path":"/__proto__","value":{"polluted":true}}]') as unknown;
      unprocessable(() => applyJsonPatch({}, body));
      unprocessable(() => applyJsonPatch({}, [{ op: 'add', path: '/__proto__/polluted', value: true }]));
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
    test('root pointers: add/remove/move/copy fail, replace needs an object or array', () => {
      unprocessable(() => applyJsonPatch({ a: 1 }, [{ op: 'add', path: '', value: { b: 1 } }]));
      unprocessable(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '' }]));
      unprocessable(() => applyJsonPatch({ a: 1 }, [{ op: 'copy', from: '', path: '/b' }]));
      unprocessable(() => applyJsonPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '' }]));
      unprocessable(() => applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: 'x' }]), /must be object or array/);
      assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }]), { b: 2 });
      assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'test', path: '', value: { a: 1 } }]), { a: 1 });
      unprocessable(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '', value: { a: 2 } }]));
    });
    test('moving a value into its own child fails', () => {
      unprocessable(() => applyJsonPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/c' }]));
    });
  });

  describe('json-patch v4 behaviour kept for kubectl users', () => {
    test('replace of a missing object key adds it', () => {
      assert.deepEqual(applyJsonPatch({ metadata: { labels: {} } }, [{ op: 'replace', path: '/metadata/labels/new', value: 'x' }]), {
        metadata: { labels: { new: 'x' } },
      });
    });
    test('negative array indices count from the end', () => {
      assert.deepEqual(applyJsonPatch({ a: [1, 2, 3] }, [{ op: 'remove', path: '/a/-1' }]), { a: [1, 2] });
      assert.deepEqual(applyJsonPatch({ a: [1, 2, 3] }, [{ op: 'replace', path: '/a/-3', value: 0 }]), { a: [0, 2, 3] });
      assert.deepEqual(applyJsonPatch({ a: [[1], [2]] }, [{ op: 'add', path: '/a/-1/0', value: 9 }]), { a: [[1], [9, 2]] });
      assert.deepEqual(applyJsonPatch({ a: [1, 2] }, [{ op: 'test', path: '/a/-1', value: 2 }]), { a: [1, 2] });
      unprocessable(() => applyJsonPatch({ a: [1] }, [{ op: 'remove', path: '/a/-2' }]));
    });
    test('add or replace without a value writes null', () => {
      assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '/b' }, { op: 'replace', path: '/a' }]), { a: null, b: null });
    });
    test('test: a missing key equals null', () => {
      assert.deepEqual(applyJsonPatch({ a: null }, [{ op: 'test', path: '/a', value: null }, { op: 'test', path: '/b', value: null }, { op: 'test', path: '/c' }]), { a: null });
      unprocessable(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: null }]));
      unprocessable(() => applyJsonPatch({}, [{ op: 'test', path: '/a', value: 1 }]));
    });
    test('a null patch is a no-op, an empty one too', () => {
      assert.deepEqual(applyJsonPatch({ a: 1 }, null), { a: 1 });
      assert.deepEqual(applyJsonPatch({ a: 1 }, []), { a: 1 });
    });
    test('unknown fields in an op are ignored', () => {
      assert.deepEqual(applyJsonPatch({}, [{ op: 'add', path: '/a', value: 1, extra: true }]), { a: 1 });
    });
    test('test compares structurally, order of keys does not matter', () => {
      const doc = { spec: { a: 1, b: [1, { c: 2 }] } };
      assert.deepEqual(applyJsonPatch(doc, [{ op: 'test', path: '/spec', value: { b: [1, { c: 2 }], a: 1 } }]), doc);
      unprocessable(() => applyJsonPatch(doc, [{ op: 'test', path: '/spec/b', value: [{ c: 2 }, 1] }]));
      unprocessable(() => applyJsonPatch(doc, [{ op: 'test', path: '/spec/a', value: '1' }]));
    });
  });

  describe('CVE-2019-1002100: copy amplification', () => {
    test('1000 doubling copy ops are rejected quickly with 422', () => {
      const doc = { spec: { data: 'x'.repeat(1024) } };
      const ops = Array.from({ length: 1000 }, (_v, i) => ({ op: 'copy', from: '/spec', path: `/spec/c${i}` }));
      const t0 = Date.now();
      unprocessable(() => applyJsonPatch(doc, ops), /accumulated size increase of copy is \d+, exceeding the limit 3145728/);
      assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0}ms`);
      assert.deepEqual(doc, { spec: { data: 'x'.repeat(1024) } });
    });

    test('1000 copies of a small value under the limit are fine', () => {
      const ops = Array.from({ length: 1000 }, () => ({ op: 'copy', from: '/a', path: '/list/-' }));
      const out = applyJsonPatch({ a: 'hello', list: [] }, ops) as { list: string[] };
      assert.equal(out.list.length, 1000);
    });

    test('the limit counts JSON bytes of the copied values and is configurable', () => {
      // "abc" is 5 JSON bytes: 2 copies = 10 bytes.
      assert.deepEqual(applyJsonPatch({ a: 'abc' }, [{ op: 'copy', from: '/a', path: '/b' }, { op: 'copy', from: '/a', path: '/c' }], 10), { a: 'abc', b: 'abc', c: 'abc' });
      unprocessable(
        () => applyJsonPatch({ a: 'abc' }, [{ op: 'copy', from: '/a', path: '/b' }, { op: 'copy', from: '/a', path: '/c' }, { op: 'copy', from: '/a', path: '/d' }], 10),
        /accumulated size increase of copy is 15, exceeding the limit 10/,
      );
      // Multi-byte characters count as UTF-8 bytes.
      unprocessable(() => applyJsonPatch({ a: 'ééé' }, [{ op: 'copy', from: '/a', path: '/b' }], 7), /is 8, exceeding the limit 7/);
    });

    test('add and move do not count against the copy budget', () => {
      const big = 'y'.repeat(100);
      assert.deepEqual(applyJsonPatch({ a: big }, [{ op: 'add', path: '/b', value: big }, { op: 'move', from: '/a', path: '/c' }], 10), { b: big, c: big });
    });
  });

  describe('deep documents', () => {
    test('deep paths and deep values', () => {
      const depth = 2000;
      const doc = nested(depth);
      const path = '/a'.repeat(depth);
      assert.ok(jsonEqual(applyJsonPatch(doc, [{ op: 'test', path, value: 'leaf' }]), doc));
      const out = applyJsonPatch(doc, [
        { op: 'replace', path, value: 'new' },
        { op: 'add', path: '/b', value: nested(9000) },
        { op: 'test', path: '/b', value: nested(9000) },
        { op: 'copy', from: '/b', path: '/c' },
      ]) as { b: unknown; c: unknown };
      assert.ok(jsonEqual(out.b, nested(9000)));
      assert.ok(jsonEqual(out.c, nested(9000)));
      assert.ok(!jsonEqual(out.b, nested(8999)));
      unprocessable(() => applyJsonPatch(doc, [{ op: 'add', path: `${path}/x/y`, value: 1 }]));
    });
  });
});

describe('iterative JSON helpers', () => {
  test('jsonByteLength matches JSON.stringify', () => {
    const samples: unknown[] = [
      null, true, false, 0, -1.5, 1e21, 'x', 'é"\\\n\u0001', [], {}, [1, 'a', null, [true]],
      { a: 1, 'b"c': [1, { d: 'é' }], e: {} }, JSON.parse('{"__proto__":{"x":1}}') as unknown,
    ];
    for (const v of samples) assert.equal(jsonByteLength(v), Buffer.byteLength(JSON.stringify(v)), JSON.stringify(v));
  });
  test('cloneJson copies deeply without sharing and keeps __proto__ keys own', () => {
    const v = JSON.parse('{"a":[1,{"b":2}],"__proto__":{"p":1}}') as { a: [number, { b: number }] };
    const c = cloneJson(v);
    assert.equal(JSON.stringify(c), JSON.stringify(v));
    c.a[1].b = 3;
    assert.equal(v.a[1].b, 2);
    assert.equal(Object.getPrototypeOf(c), Object.prototype);
  });
  test('jsonEqual ignores key order and distinguishes types', () => {
    assert.ok(jsonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }));
    assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: 2 }));
    assert.ok(!jsonEqual([1], { 0: 1 }));
    assert.ok(!jsonEqual(1, '1'));
    assert.ok(!jsonEqual(null, {}));
    assert.ok(jsonEqual(null, null));
  });
});
