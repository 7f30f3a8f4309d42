import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROLLERS, selectControllers } from './index.js';

void test('--controllers: * for all, names and aliases enable, -name disables', () => {
  assert.equal(selectControllers(['*']).length, CONTROLLERS.length);
  assert.deepEqual(selectControllers(['replicaset', 'deployment-controller']).map((d) => d.name), ['replicaset-controller', 'deployment-controller']);
  const all = selectControllers(['*', '-garbagecollector', '-node-lifecycle-controller']).map((d) => d.name);
  assert.ok(!all.includes('garbage-collector-controller'));
  assert.ok(!all.includes('node-lifecycle-controller'));
  assert.equal(all.length, CONTROLLERS.length - 2);
  assert.throws(() => selectControllers(['nope']), /unknown controller\(s\): nope/);
});
