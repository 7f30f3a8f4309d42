import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { maxSurge, maxUnavailable, newRSNewReplicas, resolveFenceposts, scaledValue } from './fenceposts.js';

function deploy(replicas: number, surge: number | string, unavailable: number | string, type = 'RollingUpdate'): Deployment {
  return {
    spec: {
      replicas,
      selector: {},
      template: {},
      strategy: type === 'RollingUpdate' ? { type, rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } : { type },
    },
  };
}

function rs(replicas: number): ReplicaSet {
  return { spec: { replicas, selector: {} } };
}

void test('percentages: surge rounds up, unavailable rounds down (GetScaledValueFromIntOrPercent)', () => {
  assert.equal(scaledValue('25%', 10, true), 3);
  assert.equal(scaledValue('25%', 10, false), 2);
  assert.equal(scaledValue('10%', 30, true), 3);
  assert.equal(scaledValue('33%', 3, true), 1);
  assert.equal(scaledValue('33%', 3, false), 0);
  assert.equal(scaledValue(2, 10, true), 2);
  assert.equal(scaledValue(undefined, 10, true), 0);
  assert.throws(() => scaledValue('25', 10, true), /not a percentage/);
  assert.throws(() => scaledValue('x%', 10, true), /invalid value/);
});

void test('resolveFenceposts: both zero makes unavailable 1', () => {
  assert.deepEqual(resolveFenceposts('25%', '25%', 4), [1, 1]);
  assert.deepEqual(resolveFenceposts('25%', '25%', 1), [1, 0]);
  assert.deepEqual(resolveFenceposts(0, 0, 5), [0, 1]);
  assert.deepEqual(resolveFenceposts('0%', '10%', 5), [0, 1]);
  assert.deepEqual(resolveFenceposts(3, '50%', 5), [3, 2]);
});

void test('maxSurge / maxUnavailable follow the strategy', () => {
  assert.equal(maxSurge(deploy(10, '25%', '25%')), 3);
  assert.equal(maxUnavailable(deploy(10, '25%', '25%')), 2);
  assert.equal(maxSurge(deploy(10, 1, 1, 'Recreate')), 0);
  assert.equal(maxUnavailable(deploy(10, 1, 1, 'Recreate')), 0);
  // never more unavailable than replicas; none at all for 0 replicas
  assert.equal(maxUnavailable(deploy(2, 0, 5)), 2);
  assert.equal(maxUnavailable(deploy(0, 0, 5)), 0);
});

void test('newRSNewReplicas: scale up to replicas+surge in total, never beyond replicas', () => {
  const d = deploy(4, 1, 1);
  const newRS = rs(0);
  // old RS at 4, surge 1: the new one may get 1
  assert.equal(newRSNewReplicas(d, [rs(4), newRS], newRS), 1);
  // total already at 5: no room
  const n1 = rs(1);
  assert.equal(newRSNewReplicas(d, [rs(4), n1], n1), 1);
  // old scaled down to 3: the new one may reach 2
  assert.equal(newRSNewReplicas(d, [rs(3), n1], n1), 2);
  // no old pods: straight to replicas, not replicas+surge
  const n0 = rs(0);
  assert.equal(newRSNewReplicas(d, [n0], n0), 4);
  assert.equal(newRSNewReplicas(deploy(4, 1, 1, 'Recreate'), [rs(4), n0], n0), 4);
});

void test('newRSNewReplicas: pods an old ReplicaSet still has count against maxSurge until they are gone', () => {
  const d = deploy(4, 2, 0);
  const newRS: ReplicaSet = { spec: { replicas: 2, selector: {} }, status: { replicas: 2 } };
  // the old ReplicaSet was just scaled 4 → 2 but still reports 4 pods: no room yet
  const old: ReplicaSet = { spec: { replicas: 2, selector: {} }, status: { replicas: 4 } };
  assert.equal(newRSNewReplicas(d, [old, newRS], newRS), 2);
  // its pods are gone: the new one may grow to 4
  const settled: ReplicaSet = { spec: { replicas: 2, selector: {} }, status: { replicas: 2 } };
  assert.equal(newRSNewReplicas(d, [settled, newRS], newRS), 4);
});
