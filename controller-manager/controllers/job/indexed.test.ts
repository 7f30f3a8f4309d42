import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { formatIndexes, indexedTemplate, parseIndexes, planIndexed } from './indexed.js';

const pod = (name: string, index: string | undefined): Pod => ({
  metadata: { name, annotations: index === undefined ? {} : { 'batch.kubernetes.io/job-completion-index': index } },
});

test('completedIndexes round-trips in the compressed form', () => {
  assert.equal(formatIndexes(new Set([5, 1, 3, 4, 0])), '0-1,3-5');
  assert.equal(formatIndexes(new Set()), '');
  assert.deepEqual([...parseIndexes('0-1,3-5,9')].sort((a, b) => a - b), [0, 1, 3, 4, 5, 9]);
  assert.deepEqual([...parseIndexes('x,2')], [2]);
});

test('plan: lowest pending indexes up to parallelism; done, invalid and doubled indexes go', () => {
  assert.deepEqual(planIndexed(5, 2, new Set([0]), []), { create: [1, 2], remove: [] });
  const a = pod('a', '1');
  const b = pod('b', '1');
  const c = pod('c', '0');
  const d = pod('d', '7');
  const e = pod('e', undefined);
  const plan = planIndexed(5, 3, new Set([0]), [a, b, c, d, e]);
  assert.deepEqual(plan.remove.map((p) => p.metadata?.name), ['b', 'c', 'd', 'e']);
  assert.deepEqual(plan.create, [2, 3]);
  assert.deepEqual(planIndexed(5, 1, new Set(), [pod('x', '3'), pod('y', '1')]).remove.map((p) => p.metadata?.name), ['x']);
});

test('the pod template of an index', () => {
  const t = indexedTemplate({ metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', env: [{ name: 'X', value: '1' }] }], initContainers: [{ name: 'i' }] } }, 'job', 4);
  assert.equal(t.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'], '4');
  assert.deepEqual(t.metadata?.labels, { app: 'a', 'batch.kubernetes.io/job-completion-index': '4' });
  assert.equal(t.spec?.hostname, 'job-4');
  assert.deepEqual(t.spec?.containers[0].env?.map((e) => e.name), ['X', 'JOB_COMPLETION_INDEX']);
  assert.deepEqual(t.spec?.initContainers?.[0].env?.map((e) => e.name), ['JOB_COMPLETION_INDEX']);
});
