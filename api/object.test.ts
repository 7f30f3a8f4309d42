import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepCopy } from './object.js';

test('deepCopy copies JSON values deeply and independently', () => {
  const src = { a: [1, { b: 'x' }, null], c: { d: true, e: undefined }, f: 1.5 };
  const copy = deepCopy(src);
  assert.deepEqual(copy, src);
  copy.a.push(2);
  (copy.a[1] as { b: string }).b = 'y';
  copy.c.d = false;
  assert.deepEqual(src, { a: [1, { b: 'x' }, null], c: { d: true, e: undefined }, f: 1.5 });
  assert.ok('e' in copy.c);
});

test('deepCopy of a frozen object is mutable', () => {
  const src = Object.freeze({ m: Object.freeze({ k: 'v' }) });
  const copy = deepCopy(src) as { m: { k: string } };
  copy.m.k = 'w';
  assert.equal(src.m.k, 'v');
});

test('deepCopy keeps a "__proto__" key as data, as JSON.parse made it', () => {
  const src = JSON.parse('{"__proto__":{"polluted":true},"x":1}') as Record<string, unknown>;
  const copy = deepCopy(src);
  assert.ok(Object.hasOwn(copy, '__proto__'));
  assert.equal(Object.getPrototypeOf(copy), Object.prototype);
  assert.equal(JSON.stringify(copy), '{"__proto__":{"polluted":true},"x":1}');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('deepCopy copies deep nesting', () => {
  let deep: unknown = 'leaf';
  for (let i = 0; i < 4000; i++) deep = [deep];
  let b = deepCopy(deep);
  for (let i = 0; i < 4000; i++) b = (b as unknown[])[0];
  assert.equal(b, 'leaf');
});
