import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { calculateStatus } from './status.js';

const NOW = Date.UTC(2025, 0, 1, 12);

const rs = (minReadySeconds = 0, conditions?: NonNullable<ReplicaSet['status']>['conditions']): ReplicaSet => ({
  metadata: { name: 'r', generation: 3 },
  spec: { replicas: 3, minReadySeconds, selector: {}, template: { metadata: { labels: { app: 'x', tier: 'y' } } } },
  status: { replicas: 0, conditions },
});

const pod = (labels: Record<string, string>, readyFor?: number): Pod => ({
  metadata: { labels },
  status: readyFor === undefined ? {} : { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(NOW - readyFor).toISOString() }] },
});

void test('counts fully labelled, ready and available (minReadySeconds) replicas', () => {
  const pods = [pod({ app: 'x', tier: 'y' }, 20_000), pod({ app: 'x' }, 5_000), pod({ app: 'x', tier: 'y' })];
  const s = calculateStatus(rs(10), pods, undefined, NOW);
  assert.deepEqual(
    { r: s.replicas, f: s.fullyLabeledReplicas, ready: s.readyReplicas, a: s.availableReplicas },
    { r: 3, f: 2, ready: 2, a: 1 },
  );
});

void test('ReplicaFailure appears on a failed create and goes once managing succeeds', () => {
  const s = calculateStatus(rs(), [], new Error('pods "x" is forbidden: exceeded quota'), NOW);
  assert.equal(s.conditions?.[0].type, 'ReplicaFailure');
  assert.equal(s.conditions?.[0].reason, 'FailedCreate');
  assert.equal(s.conditions?.[0].message, 'pods "x" is forbidden: exceeded quota');
  const ok = calculateStatus(rs(0, s.conditions), [], undefined, NOW);
  assert.equal(ok.conditions, undefined);
  assert.equal(ok.replicas, 0);
  assert.equal(ok.readyReplicas, undefined);
});
