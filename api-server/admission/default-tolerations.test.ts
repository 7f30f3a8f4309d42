import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Toleration } from 'kubernetes-types/core/v1.js';
import type { DeepMutable } from '../../api/object.js';
import { addDefaultTolerations } from './default-tolerations.js';

const pod = (tolerations?: Toleration[]): DeepMutable<Pod> => ({ spec: { containers: [], tolerations } });

void test('adds not-ready and unreachable NoExecute tolerations with the configured seconds', () => {
  const p = pod();
  addDefaultTolerations(p, 300);
  assert.deepEqual(p.spec?.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
});

void test('keeps what the pod already tolerates (own seconds, empty key or effect)', () => {
  const own = pod([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 7 }]);
  addDefaultTolerations(own, 300);
  assert.deepEqual(own.spec?.tolerations?.map((t) => [t.key, t.tolerationSeconds]), [
    ['node.kubernetes.io/unreachable', 7],
    ['node.kubernetes.io/not-ready', 300],
  ]);
  const all = pod([{ operator: 'Exists' }]);
  addDefaultTolerations(all, 300);
  assert.equal(all.spec?.tolerations?.length, 1);
  const anyEffect = pod([{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }]);
  addDefaultTolerations(anyEffect, 5);
  assert.deepEqual(anyEffect.spec?.tolerations?.map((t) => t.key), ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
});
