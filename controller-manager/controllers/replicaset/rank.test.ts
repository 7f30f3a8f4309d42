import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { podsToDelete } from './rank.js';

const NOW = Date.UTC(2025, 0, 1, 12);
const ago = (ms: number): string => new Date(NOW - ms).toISOString();

function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; readySince?: number; created?: number; restarts?: number; cost?: string } = {}): Pod {
  return {
    metadata: {
      name,
      uid: name,
      creationTimestamp: ago(o.created ?? 3_600_000),
      annotations: o.cost ? { 'controller.kubernetes.io/pod-deletion-cost': o.cost } : undefined,
    },
    spec: { nodeName: o.node, containers: [] },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.ready === false ? [{ type: 'Ready', status: 'False' }] : [{ type: 'Ready', status: 'True', lastTransitionTime: ago(o.readySince ?? 3_600_000) }],
      containerStatuses: [{ name: 'c', restartCount: o.restarts ?? 0, image: '', imageID: '', ready: true }],
    },
  };
}

const names = (ps: Pod[]): string[] => ps.map((p) => p.metadata?.name ?? '');

void test('unscheduled, then pending, then not ready go first', () => {
  const ps = [pod('running', { node: 'n1' }), pod('notready', { node: 'n1', ready: false }), pod('pending', { node: 'n1', phase: 'Pending', ready: false }), pod('unscheduled', { phase: 'Pending', ready: false })];
  assert.deepEqual(names(podsToDelete(ps, ps, 3, NOW)), ['unscheduled', 'pending', 'notready']);
});

void test('lower deletion cost, then doubled-up nodes, then more recently ready, more restarts, newer', () => {
  const cheap = pod('cheap', { node: 'n1', cost: '-5' });
  const a = pod('a', { node: 'n2' });
  const b = pod('b', { node: 'n2' });
  const alone = pod('alone', { node: 'n3' });
  assert.deepEqual(names(podsToDelete([alone, a, cheap], [alone, a, b, cheap], 2, NOW)), ['cheap', 'a']);

  const young = pod('young', { node: 'n1', readySince: 1_000 });
  const old = pod('old', { node: 'n2', readySince: 7_200_000 });
  assert.deepEqual(names(podsToDelete([old, young], [old, young], 1, NOW)), ['young']);

  const flappy = pod('flappy', { node: 'n1', restarts: 4 });
  const steady = pod('steady', { node: 'n2' });
  assert.deepEqual(names(podsToDelete([steady, flappy], [steady, flappy], 1, NOW)), ['flappy']);

  const newer = pod('newer', { node: 'n1', created: 60_000 });
  const older = pod('older', { node: 'n2', created: 7_200_000 });
  assert.deepEqual(names(podsToDelete([older, newer], [older, newer], 1, NOW)), ['newer']);
});

void test('times in the same power-of-two bucket tie and fall back to uid (logarithmic scale-down)', () => {
  const x = pod('x', { node: 'n1', readySince: 3_000_000 });
  const y = pod('y', { node: 'n2', readySince: 3_100_000 });
  assert.deepEqual(names(podsToDelete([y, x], [x, y], 1, NOW)), ['x']);
});

void test('deleting all of them needs no ranking', () => {
  const ps = [pod('a'), pod('b')];
  assert.deepEqual(names(podsToDelete(ps, ps, 5, NOW)), ['a', 'b']);
});
