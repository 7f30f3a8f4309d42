import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { deploymentComplete, deploymentProgressing, deploymentTimedOut, newCondition, REASON, setCondition, type MutableStatus } from './conditions.js';
import { calculateStatus } from './status.js';

const T0 = Date.UTC(2025, 0, 1);

void test('setCondition keeps lastTransitionTime while the status stays, and ignores same status+reason', () => {
  const s: MutableStatus = {};
  setCondition(s, newCondition('Progressing', 'True', REASON.NewReplicaSet, 'a', T0));
  setCondition(s, newCondition('Available', 'True', REASON.MinimumReplicasAvailable, 'b', T0));
  setCondition(s, newCondition('Progressing', 'True', REASON.NewReplicaSet, 'changed', T0 + 5000));
  assert.equal(s.conditions![0].message, 'a');
  setCondition(s, newCondition('Progressing', 'True', REASON.NewRSAvailable, 'done', T0 + 9000));
  const p = s.conditions!.find((c) => c.type === 'Progressing')!;
  assert.equal(p.reason, REASON.NewRSAvailable);
  assert.equal(p.lastTransitionTime, '2025-01-01T00:00:00Z');
  assert.equal(p.lastUpdateTime, '2025-01-01T00:00:09Z');
  assert.deepEqual(s.conditions!.map((c) => c.type), ['Available', 'Progressing']);
});

const d = (status: Deployment['status'], progressDeadlineSeconds = 10): Deployment => ({
  metadata: { name: 'x', generation: 2 },
  spec: { replicas: 3, progressDeadlineSeconds, selector: {}, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } },
  status,
});

void test('complete, progressing and timed out as upstream computes them', () => {
  assert.ok(deploymentComplete(d({}), { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 2 }));
  assert.ok(!deploymentComplete(d({}), { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 }));
  assert.ok(deploymentProgressing(d({ replicas: 4, updatedReplicas: 1 }), { replicas: 4, updatedReplicas: 2 }));
  assert.ok(deploymentProgressing(d({ replicas: 4, updatedReplicas: 2 }), { replicas: 3, updatedReplicas: 2 }));
  assert.ok(!deploymentProgressing(d({ replicas: 4, updatedReplicas: 2, availableReplicas: 2 }), { replicas: 4, updatedReplicas: 2, availableReplicas: 2 }));
  const updated = '2025-01-01T00:00:00Z';
  const cond = { type: 'Progressing', status: 'True', reason: REASON.ReplicaSetUpdated, lastUpdateTime: updated };
  assert.ok(!deploymentTimedOut(d({}), { conditions: [cond] }, T0 + 10_000));
  assert.ok(deploymentTimedOut(d({}), { conditions: [cond] }, T0 + 10_001));
  assert.ok(!deploymentTimedOut(d({}), { conditions: [{ ...cond, reason: REASON.NewRSAvailable }] }, T0 + 60_000));
  assert.ok(!deploymentTimedOut(d({}, 2147483647), { conditions: [cond] }, T0 + 60_000));
});

void test('status: Available by minimum availability; zero counters omitted', () => {
  const rss = [
    { spec: { replicas: 2, selector: {} }, status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 } },
    { spec: { replicas: 1, selector: {} }, status: { replicas: 1 } },
  ];
  const s = calculateStatus(rss, rss[1], d({}), T0);
  assert.equal(s.replicas, 3);
  assert.equal(s.updatedReplicas, 1);
  assert.equal(s.availableReplicas, 2);
  assert.equal(s.unavailableReplicas, 1);
  assert.equal(s.observedGeneration, 2);
  assert.equal(s.conditions![0].reason, REASON.MinimumReplicasAvailable);
  const none = calculateStatus([], undefined, d({}), T0);
  assert.equal(none.replicas, undefined);
  assert.equal(none.conditions![0].status, 'False');
  assert.equal(none.conditions![0].message, 'Deployment does not have minimum availability.');
});
