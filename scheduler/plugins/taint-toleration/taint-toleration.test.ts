import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Taint } from 'kubernetes-types/core/v1.js';
import { CycleState, type NodeScore } from '../../framework/types.js';
import { nodeInfoOf, nodeManifest, podInfoOf } from '../../testing.js';
import { countIntolerableTaints, taintTolerationPlugin, untoleratedReason, untoleratedTaint } from './taint-toleration.js';

const cp: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
const notReady: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };
const notReadySchedule: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
const gpu: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
const soft: Taint = { key: 'spot', value: 'true', effect: 'PreferNoSchedule' };

describe('TaintToleration filter', () => {
  it('rejects NoSchedule and NoExecute taints the pod does not tolerate, with the upstream reason', () => {
    const pod = podInfoOf('p');
    const s = taintTolerationPlugin().filter!(new CycleState(), pod, nodeInfoOf('n', { taints: [soft, cp] }));
    assert.deepEqual(s, { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'] });
    assert.equal(untoleratedReason(gpu), 'node(s) had untolerated taint {dedicated: gpu}');
    assert.equal(untoleratedTaint(pod.pod, [notReady])?.key, 'node.kubernetes.io/not-ready');
    assert.equal(untoleratedTaint(pod.pod, [soft]), undefined, 'PreferNoSchedule does not filter');
  });

  it('matches tolerations as upstream: Equal compares values, Exists ignores them, empty key + Exists tolerates all', () => {
    const equal = podInfoOf('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] });
    assert.equal(untoleratedTaint(equal.pod, [gpu]), undefined);
    const wrongValue = podInfoOf('p', { tolerations: [{ key: 'dedicated', value: 'cpu' }] });
    assert.equal(untoleratedTaint(wrongValue.pod, [gpu])?.key, 'dedicated');
    const exists = podInfoOf('p', { tolerations: [{ key: 'dedicated', operator: 'Exists' }] });
    assert.equal(untoleratedTaint(exists.pod, [gpu]), undefined);
    const all = podInfoOf('p', { tolerations: [{ operator: 'Exists' }] });
    assert.equal(untoleratedTaint(all.pod, [gpu, cp, notReady]), undefined);
    const wrongEffect = podInfoOf('p', { tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }] });
    assert.equal(untoleratedTaint(wrongEffect.pod, [gpu])?.key, 'dedicated');
  });

  it('the default not-ready NoExecute toleration does not cover the NoSchedule not-ready taint', () => {
    const pod = podInfoOf('p', { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] });
    assert.equal(untoleratedTaint(pod.pod, [notReady]), undefined);
    assert.equal(untoleratedTaint(pod.pod, [notReadySchedule])?.effect, 'NoSchedule');
  });
});

describe('TaintToleration score', () => {
  it('counts intolerable PreferNoSchedule taints and normalises in reverse', () => {
    assert.equal(countIntolerableTaints([soft, { key: 'b', effect: 'PreferNoSchedule' }, cp], []), 2);
    assert.equal(countIntolerableTaints([soft], [{ key: 'spot', operator: 'Exists' }]), 0);
    const plugin = taintTolerationPlugin();
    const pod = podInfoOf('p');
    const state = new CycleState();
    const nodes = [nodeInfoOf('clean'), nodeInfoOf('one', { taints: [soft] }), nodeInfoOf('two', { taints: [soft, { key: 'x', effect: 'PreferNoSchedule' }] })];
    plugin.preScore!(state, pod, nodes);
    const scores: NodeScore[] = nodes.map((node) => ({ node, score: plugin.score!(state, pod, node) }));
    assert.deepEqual(scores.map((s) => s.score), [0, 1, 2]);
    plugin.normalizeScore!(state, pod, scores);
    assert.deepEqual(scores.map((s) => s.score), [100, 50, 0]);
  });

  it('requeues when a taint is removed and the node becomes tolerable', () => {
    const reg = taintTolerationPlugin().eventsToRegister!()[0];
    if (reg.resource !== 'Node' || !reg.hint) throw new Error('expected a node hint');
    const pod = podInfoOf('p');
    assert.equal(reg.hint(pod, nodeManifest('n', { taints: [cp] }), nodeManifest('n')), 'Queue');
    assert.equal(reg.hint(pod, nodeManifest('n', { taints: [cp] }), nodeManifest('n', { taints: [gpu] })), 'QueueSkip');
    assert.equal(reg.hint(pod, nodeManifest('n'), nodeManifest('n', { labels: { a: 'b' } })), 'QueueSkip');
  });
});
