import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeSelectorRequirement, Pod } from 'kubernetes-types/core/v1.js';
import { CycleState, type NodeScore } from '../../framework/types.js';
import { nodeInfoOf, podInfoOf } from '../../testing.js';
import { ERR_REASON_POD, fits, nodeAffinityPlugin, score } from './node-affinity.js';

const node = (labels: Record<string, string>, name = 'n') => ({ name, labels });

function required(...terms: NodeSelectorRequirement[][]): Pod {
  return podInfoOf('p', {
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms.map((matchExpressions) => ({ matchExpressions })) } } },
  }).pod;
}

describe('NodeAffinity filter', () => {
  it('nodeSelector must match every label', () => {
    const pod = podInfoOf('p', { nodeSelector: { disk: 'ssd', zone: 'a' } }).pod;
    assert.equal(fits(pod, node({ disk: 'ssd', zone: 'a', x: 'y' })), true);
    assert.equal(fits(pod, node({ disk: 'ssd' })), false);
  });

  it('supports In, NotIn, Exists, DoesNotExist, Gt and Lt', () => {
    assert.equal(fits(required([{ key: 'disk', operator: 'In', values: ['ssd', 'nvme'] }]), node({ disk: 'nvme' })), true);
    assert.equal(fits(required([{ key: 'disk', operator: 'NotIn', values: ['hdd'] }]), node({})), true, 'NotIn matches a missing label');
    assert.equal(fits(required([{ key: 'disk', operator: 'Exists' }]), node({})), false);
    assert.equal(fits(required([{ key: 'disk', operator: 'DoesNotExist' }]), node({})), true);
    assert.equal(fits(required([{ key: 'cores', operator: 'Gt', values: ['8'] }]), node({ cores: '16' })), true);
    assert.equal(fits(required([{ key: 'cores', operator: 'Gt', values: ['8'] }]), node({ cores: '8' })), false);
    assert.equal(fits(required([{ key: 'cores', operator: 'Lt', values: ['8'] }]), node({ cores: '4' })), true);
    assert.equal(fits(required([{ key: 'cores', operator: 'Lt', values: ['8'] }]), node({ cores: 'many' })), false, 'non-integer label');
  });

  it('ORs terms, ANDs requirements, and an empty or invalid term matches nothing', () => {
    const pod = required([{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }], [{ key: 'c', operator: 'Exists' }]);
    assert.equal(fits(pod, node({ a: '1', b: '1' })), true);
    assert.equal(fits(pod, node({ a: '1' })), false);
    assert.equal(fits(pod, node({ c: '1' })), true);
    assert.equal(fits(required([]), node({ a: '1' })), false);
    assert.equal(fits(required([{ key: 'a', operator: 'Gt', values: ['x'] }]), node({ a: '1' })), false);
  });

  it('matchFields selects by metadata.name', () => {
    const pod = podInfoOf('p', {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }] } } },
    }).pod;
    assert.equal(fits(pod, node({}, 'n2')), true);
    assert.equal(fits(pod, node({}, 'n1')), false);
  });

  it('rejects with the upstream reason and skips pods without requirements', () => {
    const plugin = nodeAffinityPlugin();
    const state = new CycleState();
    assert.equal(plugin.preFilter!(state, podInfoOf('free'))?.code, 'Skip');
    const pod = podInfoOf('p', { nodeSelector: { disk: 'ssd' } });
    const s2 = new CycleState();
    assert.equal(plugin.preFilter!(s2, pod), undefined);
    assert.deepEqual(plugin.filter!(s2, pod, nodeInfoOf('n')), { code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON_POD] });
    assert.equal(plugin.filter!(s2, pod, nodeInfoOf('n', { labels: { disk: 'ssd' } })), undefined);
  });
});

describe('NodeAffinity score', () => {
  it('sums matching preferred weights and normalises to 0–100', () => {
    const pod = podInfoOf('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 2, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
            { weight: 5, preference: { matchExpressions: [{ key: 'ssd', operator: 'Exists' }] } },
            { weight: 9, preference: {} },
          ],
        },
      },
    });
    assert.equal(score(pod.pod, node({ zone: 'a', ssd: '' })), 7);
    assert.equal(score(pod.pod, node({ zone: 'a' })), 2);
    const plugin = nodeAffinityPlugin();
    const state = new CycleState();
    const nodes = [nodeInfoOf('a', { labels: { zone: 'a', ssd: '' } }), nodeInfoOf('b', { labels: { zone: 'a' } }), nodeInfoOf('c')];
    assert.equal(plugin.preScore!(state, pod, nodes), undefined);
    const scores: NodeScore[] = nodes.map((n) => ({ node: n, score: plugin.score!(state, pod, n) }));
    plugin.normalizeScore!(state, pod, scores);
    assert.deepEqual(scores.map((s) => s.score), [100, 28, 0]);
    assert.equal(plugin.preScore!(new CycleState(), podInfoOf('q'), nodes)?.code, 'Skip');
  });
});
