import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../../framework/types.js';
import { nodeInfoOf, nodeManifest, podInfoOf } from '../../testing.js';
import { ERR_REASON_UNSCHEDULABLE, fits, nodeUnschedulablePlugin } from './node-unschedulable.js';

describe('NodeUnschedulable', () => {
  const plugin = nodeUnschedulablePlugin();

  it('passes schedulable nodes and rejects cordoned ones as unresolvable', () => {
    const pod = podInfoOf('p');
    assert.equal(plugin.filter!(new CycleState(), pod, nodeInfoOf('n')), undefined);
    const s = plugin.filter!(new CycleState(), pod, nodeInfoOf('n', { unschedulable: true }));
    assert.deepEqual(s, { code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON_UNSCHEDULABLE] });
    assert.equal(ERR_REASON_UNSCHEDULABLE, 'node(s) were unschedulable');
  });

  it('lets pods tolerating node.kubernetes.io/unschedulable in', () => {
    const tolerating = podInfoOf('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
    assert.equal(fits(tolerating.pod, true), true);
    const wrongEffect = podInfoOf('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }] });
    assert.equal(fits(wrongEffect.pod, true), false);
  });

  it('requeues pods when a node is uncordoned or added schedulable, not otherwise', () => {
    const [reg] = plugin.eventsToRegister!();
    assert.equal(reg.resource, 'Node');
    if (reg.resource !== 'Node' || !reg.hint) throw new Error('expected a node hint');
    const pod = podInfoOf('p');
    assert.equal(reg.hint(pod, nodeManifest('n', { unschedulable: true }), nodeManifest('n')), 'Queue');
    assert.equal(reg.hint(pod, undefined, nodeManifest('n')), 'Queue');
    assert.equal(reg.hint(pod, nodeManifest('n'), nodeManifest('n')), 'QueueSkip');
    assert.equal(reg.hint(pod, undefined, nodeManifest('n', { unschedulable: true })), 'QueueSkip');
  });
});
