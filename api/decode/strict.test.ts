import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Definitions } from '../patch/schema.js';
import { hasDuplicateKeys, strictJsonErrors, unknownFields } from './strict.js';

const DEFS: Definitions = {
  D: { fields: { kind: { type: 'string' }, metadata: { type: '#M' }, spec: { type: '#S' } } },
  M: { fields: { name: { type: 'string' }, labels: { type: 'map[string]' } } },
  S: { fields: { replicas: { type: 'number' }, containers: { type: '[]#C' }, data: { type: 'any' } } },
  C: { fields: { name: { type: 'string' }, image: { type: 'string' } } },
};

describe('strict decoding errors of JSON text (sigs.k8s.io/json UnmarshalStrict)', () => {
  test('unknown and duplicate fields in document order with upstream paths', () => {
    const text = `{"kind":"D","spec":{"replicas":1,"foo":{"x":1,"x":2},"replicas":2,"containers":[{"name":"a","bar":1},{"name":"b","name":"c"}]},
      "metadata":{"labels":{"a":"1","a":"2"},"name":"n"},"top":true}`;
    assert.deepEqual(strictJsonErrors(text, '#D', DEFS), [
      'unknown field "spec.foo"',
      'duplicate field "spec.replicas"',
      'unknown field "spec.containers[0].bar"',
      'duplicate field "spec.containers[1].name"',
      'duplicate field "metadata.labels.a"',
      'unknown field "top"',
    ]);
  });

  test('field names are case-sensitive; escaped keys are decoded; free-form values are not checked', () => {
    const text = '{"Spec":{},"sp\\u0065c":{"data":{"a":1,"a":2}}}';
    assert.deepEqual(strictJsonErrors(text, '#D', DEFS), ['unknown field "Spec"']);
  });

  test('a patch decoded into a map reports duplicates at every level only', () => {
    const text = '{"spec":{"foo":1,"foo":2,"list":[{"k":1,"k":2}]},"spec":null}';
    assert.deepEqual(strictJsonErrors(text, 'any', {}, { freeForm: true }), ['duplicate field "spec.foo"', 'duplicate field "spec.list[0].k"', 'duplicate field "spec"']);
  });

  test('errors are de-duplicated and capped at 100', () => {
    const keys = Array.from({ length: 150 }, (_, i) => `"u${i}":1`).join(',');
    assert.equal(strictJsonErrors(`{${keys},"u0":1}`, '#D', DEFS).length, 100);
    assert.deepEqual(strictJsonErrors('{"x":1,"x":2}', '#D', DEFS), ['unknown field "x"']);
  });

  test('deep nesting does not overflow the stack', () => {
    const deep = `{"spec":{"data":${'['.repeat(20000)}${']'.repeat(20000)}}}`;
    assert.deepEqual(strictJsonErrors(deep, '#D', DEFS), []);
  });
});

describe('unknown fields of decoded values', () => {
  test('reports in key order and prunes when asked', () => {
    const v = { spec: { replicas: 1, foo: 2, containers: [{ name: 'a', bar: 1 }] }, metadata: { labels: { any: 'x' } }, top: 1 };
    assert.deepEqual(unknownFields(structuredClone(v), '#D', DEFS, false), ['unknown field "spec.foo"', 'unknown field "spec.containers[0].bar"', 'unknown field "top"']);
    unknownFields(v, '#D', DEFS, true);
    assert.deepEqual(v, { spec: { replicas: 1, containers: [{ name: 'a' }] }, metadata: { labels: { any: 'x' } } });
  });
});

describe('hasDuplicateKeys (the cheap check before the full strict scan)', () => {
  const dup = (text: string) => hasDuplicateKeys(text, JSON.parse(text));
  test('no duplicates, including keys and colons inside strings and escaped quotes', () => {
    assert.equal(dup('{"a":1,"b":{"a":"x:y","c":[{"a":1},{"a":2}]},"url":"http://h:1/\\"q\\":"}'), false);
    assert.equal(dup('[]'), false);
    assert.equal(dup('"just a string with \\"a\\": inside"'), false);
    assert.equal(dup('{ "a" : 1 , "b"\n:\t{} }'), false);
  });
  test('a key given twice anywhere', () => {
    assert.equal(dup('{"a":1,"a":2}'), true);
    assert.equal(dup('{"spec":{"x":[{"n":1,"n":1}]}}'), true);
    assert.equal(dup('{"m":{"k":"v"},"o":{"k" : "v", "k":"w"}}'), true);
  });
});
