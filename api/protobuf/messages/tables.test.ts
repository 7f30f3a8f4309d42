import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES, apiVersionOf } from '../../resources.js';
import { SCALAR_TYPES, SPECIAL_TYPES } from '../schema.js';
import { MESSAGES, rootMessage } from './index.js';

test('every field names a scalar, a special or a message of the table', () => {
  for (const [name, spec] of Object.entries(MESSAGES)) {
    for (const [num, [json, type, mode]] of Object.entries(spec)) {
      const n = Number(num);
      assert.ok(Number.isInteger(n) && n >= 1, `${name} field ${num}`);
      assert.ok(json !== '', `${name} field ${num} has a JSON name`);
      const known = SCALAR_TYPES.has(type) || SPECIAL_TYPES.has(type) || Object.hasOwn(MESSAGES, type);
      assert.ok(known, `${name} field ${num} (${json}) has type ${type}`);
      if (mode === 'inline') assert.ok(Object.hasOwn(MESSAGES, type), `${name}.${json} inlines a message`);
      if (mode === 'keep' || mode === 'ptr') assert.ok(SCALAR_TYPES.has(type), `${name}.${json}: ${mode} is for scalars`);
    }
  }
});

test('JSON names are unique within a message, inline fields included', () => {
  const names = (message: string): string[] =>
    Object.values(MESSAGES[message]).flatMap(([json, type, mode]) => (mode === 'inline' ? names(type) : [json]));
  for (const message of Object.keys(MESSAGES)) {
    const all = names(message);
    assert.equal(new Set(all).size, all.length, `${message}: ${all.join(', ')}`);
  }
});

test('every kind kubemu serves, and the request kinds kubectl sends, has a message', () => {
  const kinds = [
    ...RESOURCES.map((r) => [apiVersionOf(r), r.kind]),
    ['v1', 'DeleteOptions'],
    ['meta.k8s.io/v1', 'DeleteOptions'],
    ['policy/v1', 'Eviction'],
    ['v1', 'Binding'],
    ['autoscaling/v1', 'Scale'],
  ];
  for (const [apiVersion, kind] of kinds) {
    const message = rootMessage(apiVersion, kind);
    assert.ok(message !== undefined && Object.hasOwn(MESSAGES, message), `${apiVersion} ${kind}`);
  }
});
