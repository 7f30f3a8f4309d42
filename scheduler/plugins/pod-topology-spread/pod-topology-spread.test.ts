import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { selectorFromSet } from '../../../api/labels.js';
import type { NodeInfo } from '../../cache/node-info.js';
import type { PodInfo } from '../../cache/pod-info.js';
import { CycleState, type NodeScore } from '../../framework/types.js';
import { fakeCluster, nodeInfoOf, podInfoOf } from '../../testing.js';
import { ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH, podTopologySpreadPlugin } from './pod-topology-spread.js';

const ZONE = 'topology.kubernetes.io/zone';
const web = (name: string) => podInfoOf(name, { labels: { app: 'web' } });
const zoneNode = (name: string, zone: string, pods: PodInfo[] = []) => nodeInfoOf(name, { labels: { [ZONE]: zone } }, pods);
const hard = (maxSkew: number, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint[] => [
  { maxSkew, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...extra },
];

function filterAll(nodes: NodeInfo[], pod: PodInfo): (string | undefined)[] {
  const plugin = podTopologySpreadPlugin({ cluster: fakeCluster(nodes) });
  const state = new CycleState();
  if (plugin.preFilter!(state, pod)?.code === 'Skip') return nodes.map(() => undefined);
  return nodes.map((n) => plugin.filter!(state, pod, n)?.reasons[0]);
}

function scoreAll(nodes: NodeInfo[], pod: PodInfo, defaultApp?: string): number[] {
  const plugin = podTopologySpreadPlugin({ cluster: fakeCluster(nodes, { defaultSelector: () => selectorFromSet(defaultApp ? { app: defaultApp } : {}) }) });
  const state = new CycleState();
  if (plugin.preScore!(state, pod, nodes)?.code === 'Skip') return nodes.map(() => -1);
  const scores: NodeScore[] = nodes.map((node) => ({ node, score: plugin.score!(state, pod, node) }));
  plugin.normalizeScore!(state, pod, scores);
  return scores.map((s) => s.score);
}

describe('PodTopologySpread filter (DoNotSchedule)', () => {
  it('rejects domains that would exceed maxSkew over the emptiest domain', () => {
    const nodes = [zoneNode('a1', 'a', [web('w1'), web('w2')]), zoneNode('b1', 'b', [web('w3')]), zoneNode('c1', 'c')];
    const pod = podInfoOf('new', { labels: { app: 'web' }, topologySpreadConstraints: hard(1) });
    // counts a=2 b=1 c=0, min 0: a → 3 > 1, b → 2 > 1, c → 1 ok
    assert.deepEqual(filterAll(nodes, pod), [ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_CONSTRAINTS_NOT_MATCH, undefined]);
    const loose = podInfoOf('new', { labels: { app: 'web' }, topologySpreadConstraints: hard(2) });
    assert.deepEqual(filterAll(nodes, loose), [ERR_REASON_CONSTRAINTS_NOT_MATCH, undefined, undefined]);
  });

  it('a pod that does not match its own selector does not count itself', () => {
    const nodes = [zoneNode('a1', 'a', [web('w1')]), zoneNode('b1', 'b')];
    const other = podInfoOf('other', { labels: { app: 'other' }, topologySpreadConstraints: hard(1) });
    assert.deepEqual(filterAll(nodes, other), [undefined, undefined]);
  });

  it('nodes without the topology label are unresolvable; minDomains raises the floor', () => {
    const nodes = [zoneNode('a1', 'a', [web('w1')]), nodeInfoOf('bare')];
    const pod = podInfoOf('new', { labels: { app: 'web' }, topologySpreadConstraints: hard(1) });
    assert.deepEqual(filterAll(nodes, pod), [undefined, ERR_REASON_NODE_LABEL_NOT_MATCH]);
    const withMin = podInfoOf('new', { labels: { app: 'web' }, topologySpreadConstraints: hard(1, { minDomains: 2 }) });
    // only one eligible domain < minDomains 2 → global minimum 0 → a: 1 + 1 − 0 = 2 > 1
    assert.deepEqual(filterAll(nodes, withMin), [ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH]);
  });

  it('nodeAffinityPolicy Honor leaves nodes the pod cannot use out of the minimum', () => {
    const nodes = [zoneNode('a1', 'a', [web('w1')]), nodeInfoOf('b1', { labels: { [ZONE]: 'b', pool: 'other' } })];
    const pod = podInfoOf('new', { labels: { app: 'web' }, nodeSelector: { [ZONE]: 'a' }, topologySpreadConstraints: hard(1) });
    assert.deepEqual(filterAll(nodes, pod)[0], undefined, 'zone b is not eligible, so a is the minimum');
  });
});

describe('PodTopologySpread score', () => {
  it('ScheduleAnyway favours the domain with fewer matching pods', () => {
    const nodes = [zoneNode('a1', 'a', [web('w1'), web('w2')]), zoneNode('b1', 'b', [web('w3')]), zoneNode('c1', 'c')];
    const pod = podInfoOf('new', {
      labels: { app: 'web' },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }],
    });
    const scores = scoreAll(nodes, pod);
    assert.ok(scores[2] > scores[1] && scores[1] > scores[0], `scores ${scores.join(',')}`);
    assert.equal(scores[2], 100);
  });

  it('spreads a workload over hostnames by default when something selects it, and skips otherwise', () => {
    const nodes = [nodeInfoOf('h1', {}, [web('w1'), web('w2')]), nodeInfoOf('h2')];
    const pod = podInfoOf('new', { labels: { app: 'web' } });
    const scores = scoreAll(nodes, pod, 'web');
    assert.ok(scores[1] > scores[0], `scores ${scores.join(',')}`);
    assert.deepEqual(scoreAll(nodes, pod), [-1, -1], 'no Service / controller → no default constraints');
  });
});
