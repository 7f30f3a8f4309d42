import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchingTolerations, minTolerationMs, toleratesTaint } from './taints.js';

const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const notReady = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };

void test('ToleratesTaint: key, effect and operator', () => {
  assert.ok(toleratesTaint({ key: unreachable.key, operator: 'Exists', effect: 'NoExecute' }, unreachable));
  assert.ok(toleratesTaint({ operator: 'Exists' }, unreachable), 'empty key with Exists tolerates everything');
  assert.ok(!toleratesTaint({ key: unreachable.key, operator: 'Exists', effect: 'NoSchedule' }, unreachable));
  assert.ok(toleratesTaint({ key: 'k', value: 'v' }, { key: 'k', value: 'v', effect: 'NoExecute' }), 'empty operator means Equal');
  assert.ok(!toleratesTaint({ key: 'k', operator: 'Equal', value: 'w' }, { key: 'k', value: 'v', effect: 'NoExecute' }));
});

void test('GetMatchingTolerations needs every taint tolerated', () => {
  const tol = [{ key: unreachable.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }];
  assert.deepEqual(matchingTolerations([unreachable], tol), { all: true, used: tol });
  assert.deepEqual(matchingTolerations([unreachable, notReady], tol), { all: false, used: [] });
  assert.deepEqual(matchingTolerations([], []), { all: true, used: [] });
});

void test('getMinTolerationTime: shortest, 0 for ≤ 0, -1 for forever', () => {
  assert.equal(minTolerationMs([{ tolerationSeconds: 30 }, { tolerationSeconds: 5 }, {}]), 5000);
  assert.equal(minTolerationMs([{ tolerationSeconds: -3 }, { tolerationSeconds: 5 }]), 0);
  assert.equal(minTolerationMs([{}, {}]), -1);
  assert.equal(minTolerationMs([]), 0);
});
