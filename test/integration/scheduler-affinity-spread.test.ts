/**
 * Inter-pod affinity / anti-affinity on kubernetes.io/hostname, topology spread constraints (DoNotSchedule and
 * ScheduleAnyway) and the default spreading of a ReplicaSet's pods, against a real api-server + etcd.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { requireResource } from '../../api/resources.js';
import { RestClient } from '../../client/rest.js';
import { silentLogger } from '../../common/logger.js';
import { startScheduler, type SchedulerHandle } from '../../scheduler/scheduler.js';
import { clearCluster, EVENTS, nodeManifest, NODES, podManifest, PODS, waitBound, waitFor } from '../../scheduler/testing.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';

const REPLICASETS = requireResource('apps', 'v1', 'replicasets');

function count(nodes: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of nodes) out[n] = (out[n] ?? 0) + 1;
  return out;
}

describe('scheduler: inter-pod affinity and topology spread (real api-server + etcd)', () => {
  let cluster: TestCluster;
  let rest: RestClient;
  let sched: SchedulerHandle;

  before(async () => {
    cluster = await startTestCluster();
    rest = new RestClient({ server: cluster.url });
    sched = await startScheduler({ server: cluster.url, log: silentLogger() });
    assert.equal(await sched.synced(), true);
  });

  after(async () => {
    await sched?.close();
    rest?.close();
    await cluster?.stop();
  });

  beforeEach(async () => {
    await rest.deleteCollection(EVENTS, 'default', {});
    await rest.deleteCollection(REPLICASETS, 'default', {});
    await clearCluster(rest);
    await waitFor('scheduler cache to drop old nodes', async () => (sched.cachedNodeNames().length === 0 ? true : undefined));
  });

  const createNodes = async (...nodes: Node[]): Promise<void> => {
    for (const n of nodes) await rest.create(NODES, undefined, n);
    await waitFor('scheduler cache to see the nodes', async () => (sched.cachedNodeNames().length === nodes.length ? true : undefined));
  };

  it('required anti-affinity on hostname: one replica per node, the extra one unschedulable', async () => {
    await createNodes(nodeManifest('n1'), nodeManifest('n2'), nodeManifest('n3'));
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    for (let i = 0; i < 4; i++) await rest.create(PODS, 'default', podManifest(`db-${i}`, { labels: { app: 'db' }, affinity: anti }));
    const bound: string[] = [];
    for (let i = 0; i < 4; i++) {
      const p = await waitFor(`db-${i} decided`, async () => {
        const pod = await rest.get<Pod>(PODS, 'default', `db-${i}`);
        if (pod.spec?.nodeName) return pod;
        return pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False') ? pod : undefined;
      });
      if (p.spec?.nodeName) bound.push(p.spec.nodeName);
    }
    assert.deepEqual([...bound].sort(), ['n1', 'n2', 'n3']);
    const ev = await waitFor('FailedScheduling', async () => (await rest.list<Event>(EVENTS, 'default')).items.find((e) => e.reason === 'FailedScheduling'));
    assert.equal(
      ev.message,
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
  });

  it("an existing pod's anti-affinity keeps others away; deleting it lets them in", async () => {
    await createNodes(nodeManifest('solo'));
    await rest.create(PODS, 'default', podManifest('loner', {
      labels: { app: 'loner' },
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } },
    }));
    await waitBound(rest, 'loner');
    await rest.create(PODS, 'default', podManifest('web', { labels: { app: 'web' } }));
    const ev = await waitFor('FailedScheduling', async () => (await rest.list<Event>(EVENTS, 'default')).items.find((e) => e.reason === 'FailedScheduling'));
    assert.match(ev.message ?? '', /^0\/1 nodes are available: 1 node\(s\) didn't satisfy existing pods anti-affinity rules\./);
    await rest.delete(PODS, 'default', 'loner', { gracePeriodSeconds: 0 });
    assert.equal(await waitBound(rest, 'web', 'default', 5000), 'solo');
  });

  it('required pod affinity co-locates with the target; preferred affinity attracts', async () => {
    await createNodes(nodeManifest('x1'), nodeManifest('x2'), nodeManifest('x3'));
    await rest.create(PODS, 'default', podManifest('cache', { labels: { app: 'cache' }, nodeSelector: { 'kubernetes.io/hostname': 'x2' } }));
    assert.equal(await waitBound(rest, 'cache'), 'x2');
    await rest.create(PODS, 'default', podManifest('app', {
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' }] } },
    }));
    assert.equal(await waitBound(rest, 'app'), 'x2');
    await rest.create(PODS, 'default', podManifest('fan', {
      cpu: '100m',
      affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' } }] } },
    }));
    assert.equal(await waitBound(rest, 'fan'), 'x2');
  });

  it('topology spread DoNotSchedule keeps zones within maxSkew', async () => {
    await createNodes(
      nodeManifest('za-1', { labels: { 'topology.kubernetes.io/zone': 'a' } }),
      nodeManifest('za-2', { labels: { 'topology.kubernetes.io/zone': 'a' } }),
      nodeManifest('zb-1', { labels: { 'topology.kubernetes.io/zone': 'b' } }),
    );
    const tsc = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' as const, labelSelector: { matchLabels: { app: 'spread' } } }];
    const zones: string[] = [];
    for (let i = 0; i < 6; i++) {
      await rest.create(PODS, 'default', podManifest(`s-${i}`, { labels: { app: 'spread' }, topologySpreadConstraints: tsc }));
      const node = await waitBound(rest, `s-${i}`);
      zones.push(node.startsWith('za') ? 'a' : 'b');
      const c = count(zones);
      assert.ok(Math.abs((c.a ?? 0) - (c.b ?? 0)) <= 1, `zones after ${i + 1} pods: ${JSON.stringify(c)}`);
    }
    assert.deepEqual(count(zones), { a: 3, b: 3 });
  });

  it('topology spread: a node without the topology label is rejected with the upstream reason', async () => {
    await createNodes(nodeManifest('nolabel'));
    await rest.create(PODS, 'default', podManifest('needs-zone', {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'needs-zone' } } }],
    }));
    const ev = await waitFor('FailedScheduling', async () => (await rest.list<Event>(EVENTS, 'default')).items.find((e) => e.reason === 'FailedScheduling'));
    assert.equal(
      ev.message,
      "0/1 nodes are available: 1 node(s) didn't match pod topology spread constraints (missing required label). " +
        'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
  });

  it("spreads a ReplicaSet's pods over nodes by default (system default constraints)", async () => {
    // node "roomy" is much larger, so LeastAllocated alone would pile everything onto it
    await createNodes(nodeManifest('roomy', { cpu: '64', memory: '256Gi' }), nodeManifest('r2', { cpu: '8', memory: '32Gi' }), nodeManifest('r3', { cpu: '8', memory: '32Gi' }));
    const rs = await rest.create<ReplicaSet>(REPLICASETS, 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'rs-web' } }, template: { metadata: { labels: { app: 'rs-web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid ?? '', controller: true };
    const nodes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const pod = podManifest(`web-${i}`, { labels: { app: 'rs-web' }, cpu: '100m', memory: '128Mi' });
      pod.metadata!.ownerReferences = [owner];
      await rest.create(PODS, 'default', pod);
      nodes.push(await waitBound(rest, `web-${i}`));
    }
    const c = count(nodes);
    assert.ok((c.roomy ?? 0) < 6 && Object.keys(c).length >= 2, `replicas spread over nodes: ${JSON.stringify(c)}`);

    // without an owner (no default selector) the same pods do pile onto the biggest node
    const loose: string[] = [];
    for (let i = 0; i < 3; i++) {
      await rest.create(PODS, 'default', podManifest(`loose-${i}`, { labels: { app: 'loose' }, cpu: '100m', memory: '128Mi' }));
      loose.push(await waitBound(rest, `loose-${i}`));
    }
    assert.deepEqual(loose, ['roomy', 'roomy', 'roomy']);
  });
});
