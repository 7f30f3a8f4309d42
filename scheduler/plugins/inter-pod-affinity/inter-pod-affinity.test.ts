import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import type { NodeInfo } from '../../cache/node-info.js';
import type { PodInfo } from '../../cache/pod-info.js';
import { CycleState, type NodeScore } from '../../framework/types.js';
import { fakeCluster, nodeInfoOf, podInfoOf } from '../../testing.js';
import { ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY, ERR_REASON_EXISTING_ANTI_AFFINITY, interPodAffinityPlugin } from './inter-pod-affinity.js';

const HOST = 'kubernetes.io/hostname';
const term = (app: string, topologyKey = HOST, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey, ...extra });

function filterAll(nodes: NodeInfo[], pod: PodInfo, nsLabels: Record<string, Record<string, string>> = {}): (string | undefined)[] {
  const plugin = interPodAffinityPlugin({ cluster: fakeCluster(nodes, { namespaceLabels: nsLabels }) });
  const state = new CycleState();
  const pre = plugin.preFilter!(state, pod);
  if (pre?.code === 'Skip') return nodes.map(() => undefined);
  return nodes.map((n) => plugin.filter!(state, pod, n)?.reasons[0]);
}

describe('InterPodAffinity filter', () => {
  it('required anti-affinity keeps the pod off nodes already running a match', () => {
    const db = (n: string) => podInfoOf(n, { labels: { app: 'db' } });
    const nodes = [nodeInfoOf('n1', {}, [db('db-0')]), nodeInfoOf('n2'), nodeInfoOf('n3', {}, [podInfoOf('web', { labels: { app: 'web' } })])];
    const pod = podInfoOf('db-1', { labels: { app: 'db' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } });
    assert.deepEqual(filterAll(nodes, pod), [ERR_REASON_ANTI_AFFINITY, undefined, undefined]);
  });

  it("existing pods' anti-affinity against the incoming pod is enforced", () => {
    const loner = podInfoOf('loner', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } } });
    const nodes = [nodeInfoOf('n1', {}, [loner]), nodeInfoOf('n2')];
    assert.deepEqual(filterAll(nodes, podInfoOf('web', { labels: { app: 'web' } })), [ERR_REASON_EXISTING_ANTI_AFFINITY, undefined]);
  });

  it('required affinity needs a matching pod in the domain, except for the first pod of a self-affine group', () => {
    const nodes = [nodeInfoOf('n1', {}, [podInfoOf('cache', { labels: { app: 'cache' } })]), nodeInfoOf('n2')];
    const app = podInfoOf('app', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('cache')] } } });
    assert.deepEqual(filterAll(nodes, app), [undefined, ERR_REASON_AFFINITY]);
    const first = podInfoOf('g-0', { labels: { app: 'g' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('g')] } } });
    assert.deepEqual(filterAll([nodeInfoOf('a'), nodeInfoOf('b')], first), [undefined, undefined]);
    const lonely = podInfoOf('x', { labels: { app: 'x' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('other')] } } });
    assert.deepEqual(filterAll([nodeInfoOf('a')], lonely), [ERR_REASON_AFFINITY]);
  });

  it('zone-level terms and nodes missing the topology label', () => {
    const nodes = [
      nodeInfoOf('a1', { labels: { zone: 'a' } }, [podInfoOf('db', { labels: { app: 'db' } })]),
      nodeInfoOf('a2', { labels: { zone: 'a' } }),
      nodeInfoOf('b1', { labels: { zone: 'b' } }),
      nodeInfoOf('nozone'),
    ];
    const anti = podInfoOf('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', 'zone')] } } });
    assert.deepEqual(filterAll(nodes, anti), [ERR_REASON_ANTI_AFFINITY, ERR_REASON_ANTI_AFFINITY, undefined, undefined]);
    const aff = podInfoOf('q', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', 'zone')] } } });
    assert.deepEqual(filterAll(nodes, aff), [undefined, undefined, ERR_REASON_AFFINITY, ERR_REASON_AFFINITY]);
  });

  it('terms apply to their own namespace unless namespaces or a namespaceSelector say otherwise', () => {
    const other = podInfoOf('db', { namespace: 'prod', labels: { app: 'db' } });
    const nodes = [nodeInfoOf('n1', {}, [other])];
    const sameNs = podInfoOf('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } });
    assert.deepEqual(filterAll(nodes, sameNs), [undefined]);
    const listed = podInfoOf('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', HOST, { namespaces: ['prod'] })] } } });
    assert.deepEqual(filterAll(nodes, listed), [ERR_REASON_ANTI_AFFINITY]);
    const bySelector = podInfoOf('p', {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', HOST, { namespaceSelector: { matchLabels: { env: 'prod' } } })] } },
    });
    assert.deepEqual(filterAll(nodes, bySelector, { prod: { env: 'prod' } }), [ERR_REASON_ANTI_AFFINITY]);
    assert.deepEqual(filterAll(nodes, bySelector, { prod: { env: 'dev' } }), [undefined]);
  });

  it('skips when neither the pod nor existing pods have required terms', () => {
    const plugin = interPodAffinityPlugin({ cluster: fakeCluster([nodeInfoOf('n')]) });
    assert.equal(plugin.preFilter!(new CycleState(), podInfoOf('p'))?.code, 'Skip');
  });
});

describe('InterPodAffinity score', () => {
  it('preferred affinity attracts, preferred anti-affinity repels, normalised min–max', () => {
    const nodes = [
      nodeInfoOf('n1', {}, [podInfoOf('cache', { labels: { app: 'cache' } })]),
      nodeInfoOf('n2'),
      nodeInfoOf('n3', {}, [podInfoOf('noisy', { labels: { app: 'noisy' } })]),
    ];
    const pod = podInfoOf('p', {
      affinity: {
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 80, podAffinityTerm: term('cache') }] },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 20, podAffinityTerm: term('noisy') }] },
      },
    });
    const plugin = interPodAffinityPlugin({ cluster: fakeCluster(nodes) });
    const state = new CycleState();
    assert.equal(plugin.preScore!(state, pod, nodes), undefined);
    const scores: NodeScore[] = nodes.map((node) => ({ node, score: plugin.score!(state, pod, node) }));
    assert.deepEqual(scores.map((s) => s.score), [80, 0, -20]);
    plugin.normalizeScore!(state, pod, scores);
    assert.deepEqual(scores.map((s) => s.score), [100, 20, 0]);
  });

  it("existing pods' required affinity towards the incoming pod counts with hardPodAffinityWeight 1", () => {
    const fan = podInfoOf('fan', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('star')] } } });
    const nodes = [nodeInfoOf('n1', {}, [fan]), nodeInfoOf('n2')];
    const plugin = interPodAffinityPlugin({ cluster: fakeCluster(nodes) });
    const state = new CycleState();
    const star = podInfoOf('star', { labels: { app: 'star' } });
    assert.equal(plugin.preScore!(state, star, nodes), undefined);
    assert.deepEqual(nodes.map((n) => plugin.score!(state, star, n)), [1, 0]);
    assert.equal(plugin.preScore!(new CycleState(), podInfoOf('plain'), [nodeInfoOf('x')])?.code, 'Skip');
  });
});
