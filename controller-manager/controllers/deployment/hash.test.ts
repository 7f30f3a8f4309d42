import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, computeHash, fnv32a, safeEncodeString } from './hash.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

void test('fnv32a matches the reference vectors', () => {
  assert.equal(fnv32a(enc('')), 0x811c9dc5);
  assert.equal(fnv32a(enc('a')), 0xe40c292c);
  assert.equal(fnv32a(enc('foobar')), 0xbf9cf968);
});

void test('SafeEncodeString maps characters onto 27 vowel-free characters', () => {
  // upstream: rand.SafeEncodeString("1234567890") (byte % 27 into "bcdfghjklmnpqrstvwxz2456789")
  assert.equal(safeEncodeString('0'), '4');
  // '1' is byte 49, 49 % 27 = 22 → '5'; '9' is 57 → 3 → 'f'
  assert.equal(safeEncodeString('19'), '5f');
  for (const ch of safeEncodeString('4294967295')) assert.match(ch, /[bcdfghjklmnpqrstvwxz2456789]/);
});

void test('the hash depends on content, not on key order, and on collisionCount', () => {
  const a = { metadata: { labels: { app: 'web', tier: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
  const b = { spec: { containers: [{ image: 'busybox', name: 'c' }] }, metadata: { labels: { tier: 'x', app: 'web' } } };
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.equal(computeHash(a), computeHash(b));
  assert.notEqual(computeHash(a), computeHash({ ...a, spec: { containers: [{ name: 'c', image: 'nginx' }] } }));
  assert.notEqual(computeHash(a, 1), computeHash(a));
  assert.notEqual(computeHash(a, 1), computeHash(a, 2));
  assert.match(computeHash(a), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
});
