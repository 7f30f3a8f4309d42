import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { equalIgnoreHash, findActiveOrLatest, keptAvailableReplicaCount, findNewReplicaSet, findOldReplicaSets, isSaturated } from './replicasets.js';
import { replicaSetProportion } from './sync.js';

function rs(name: string, created: string, replicas: number, image = 'a', extra: Partial<NonNullable<ReplicaSet['metadata']>> = {}): ReplicaSet {
  return {
    metadata: { name, uid: name, creationTimestamp: created, ...extra },
    spec: { replicas, selector: {}, template: { metadata: { labels: { app: 'x', 'pod-template-hash': name } }, spec: { containers: [{ name: 'c', image }] } } },
    status: { replicas, availableReplicas: replicas },
  };
}

const dep = (image: string, replicas = 3): Deployment => ({
  metadata: { name: 'x' },
  spec: {
    replicas,
    selector: {},
    template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image }] } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
  },
  status: { replicas },
});

void test('templates compare without the pod-template-hash label and key order', () => {
  assert.ok(equalIgnoreHash({ metadata: { labels: { app: 'x', 'pod-template-hash': 'h' } }, spec: { containers: [] } }, { spec: { containers: [] }, metadata: { labels: { app: 'x' } } }));
  assert.ok(equalIgnoreHash({ metadata: { labels: { 'pod-template-hash': 'h' } } }, { metadata: {} }));
  assert.ok(!equalIgnoreHash({ metadata: { labels: { app: 'y' } } }, { metadata: { labels: { app: 'x' } } }));
});

void test('templates compare as decoded: null, {} and [] equal absence (kubectl rollout undo sends them)', () => {
  const stored = { metadata: { labels: { app: 'x', 'pod-template-hash': 'h' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  const fromUndo = JSON.parse('{"metadata":{"creationTimestamp":null,"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"i","resources":{},"args":[]}]}}') as PodTemplateSpec;
  assert.ok(equalIgnoreHash(stored, fromUndo));
  assert.ok(!equalIgnoreHash(stored, { ...fromUndo, spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '1' } } }] } }));
  // scalars keep their meaning: false is not absence
  assert.ok(!equalIgnoreHash(stored, { ...stored, spec: { ...stored.spec, automountServiceAccountToken: false } }));
});

void test('the new ReplicaSet is the oldest with the current template; the others are old', () => {
  const a = rs('a', '2025-01-01T00:00:00Z', 2, 'v1');
  const b = rs('b', '2025-01-02T00:00:00Z', 1, 'v2');
  const c = rs('c', '2025-01-03T00:00:00Z', 0, 'v2');
  assert.equal(findNewReplicaSet(dep('v2'), [c, a, b])?.metadata?.name, 'b');
  const { required, all } = findOldReplicaSets(dep('v2'), [a, b, c]);
  assert.deepEqual(all.map((r) => r.metadata?.name), ['a', 'c']);
  assert.deepEqual(required.map((r) => r.metadata?.name), ['a']);
});

void test('findActiveOrLatest: the only active one, else the newest, else none', () => {
  const a = rs('a', '2025-01-01T00:00:00Z', 0);
  const b = rs('b', '2025-01-02T00:00:00Z', 0);
  const n = rs('n', '2025-01-03T00:00:00Z', 2);
  assert.equal(findActiveOrLatest(n, [a, b])?.metadata?.name, 'n');
  assert.equal(findActiveOrLatest(undefined, [a, b])?.metadata?.name, 'b');
  assert.equal(findActiveOrLatest(rs('m', '2025-01-03T00:00:00Z', 0), [a, b])?.metadata?.name, 'm');
  assert.equal(findActiveOrLatest(n, [rs('a', '2025-01-01T00:00:00Z', 1)]), undefined);
});

void test('saturation needs the desired-replicas annotation, the size and full availability', () => {
  const n = rs('n', '2025-01-03T00:00:00Z', 3, 'a', { annotations: { 'deployment.kubernetes.io/desired-replicas': '3' } });
  assert.ok(isSaturated(dep('a'), n));
  assert.ok(!isSaturated(dep('a', 4), n));
  assert.ok(!isSaturated(dep('a'), rs('n', '2025-01-03T00:00:00Z', 3)));
});

void test('proportional scaling uses max-replicas of the last scale, rounding half away from zero', () => {
  // deployment 10 → 15 replicas with surge 1 (max 16); RS sized 6 when max was 11
  const d = dep('a', 15);
  const r = rs('r', '2025-01-01T00:00:00Z', 6, 'a', { annotations: { 'deployment.kubernetes.io/max-replicas': '11' } });
  // 6 * 16 / 11 = 8.727 → 9: +3, capped by what is left to add
  assert.equal(replicaSetProportion(r, d, 5, 0), 3);
  assert.equal(replicaSetProportion(r, d, 5, 4), 1);
  // scaling down to 0: the whole ReplicaSet goes
  assert.equal(replicaSetProportion(r, dep('a', 0), -7, 0), -6);
  // no annotation: falls back to status.replicas of the deployment
  const r2 = rs('r2', '2025-01-01T00:00:00Z', 2);
  assert.equal(replicaSetProportion(r2, { ...dep('a', 6), status: { replicas: 4 } }, 3, 0), 2);
  assert.equal(replicaSetProportion(rs('z', '2025-01-01T00:00:00Z', 0), d, 5, 0), 0);
});

void test('kept availability counts a ReplicaSet scaled down but not yet re-counted at its spec', () => {
  const old = rs('a', '2025-01-01T00:00:00Z', 3);
  const stale: ReplicaSet = { ...old, status: { replicas: 4, availableReplicas: 4 } };
  const newRS: ReplicaSet = { ...rs('b', '2025-01-02T00:00:00Z', 2), status: { replicas: 2, availableReplicas: 1 } };
  assert.equal(keptAvailableReplicaCount([stale, newRS, undefined]), 3 + 1);
});
