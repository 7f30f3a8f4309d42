import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { requireResource } from '../../api/resources.js';
import { Informer, restListWatcher } from '../../client/informer.js';
import { RestClient } from '../../client/rest.js';
import type { ControllerManager } from '../../controller-manager/manager.js';
import { eventually, FakeKubelet, startTestManager } from '../../controller-manager/testing.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';

const NAMESPACES = requireResource('', 'v1', 'namespaces');
const REPLICASETS = requireResource('apps', 'v1', 'replicasets');
const PODS = requireResource('', 'v1', 'pods');
const EVENTS = requireResource('', 'v1', 'events');
const NS = 'rs-it';

function replicaSet(name: string, replicas: number, extra: Partial<NonNullable<ReplicaSet['spec']>> = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'img:1' }] } },
      ...extra,
    },
  };
}

const active = (p: Pod): boolean => !p.metadata?.deletionTimestamp;

describe('replicaset controller against a real api-server', () => {
  let c: TestCluster;
  let rest: RestClient;
  let manager: ControllerManager;
  let kubelet: FakeKubelet;
  /** pods the kubelet stand-in must never make ready */
  const held = new Set<string>();

  const pods = async (app: string): Promise<Pod[]> => (await rest.list<Pod>(PODS, NS, { labelSelector: `app=${app}` })).items.filter(active);
  const owned = async (rs: ReplicaSet): Promise<Pod[]> =>
    (await rest.list<Pod>(PODS, NS)).items.filter((p) => active(p) && p.metadata?.ownerReferences?.some((r) => r.uid === rs.metadata?.uid && r.controller));
  const getRS = (name: string): Promise<ReplicaSet> => rest.get<ReplicaSet>(REPLICASETS, NS, name);
  const scale = (name: string, replicas: number): Promise<unknown> => rest.patch(REPLICASETS, NS, name, 'merge', { spec: { replicas } }, { subresource: 'scale' });

  before(async () => {
    c = await startTestCluster();
    rest = new RestClient({ server: c.url, timeoutMs: 10_000 });
    await rest.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    manager = await startTestManager(c.url, { controllers: ['replicaset'] });
    kubelet = new FakeKubelet({ rest, namespace: NS, readyAfterMs: 20, filter: (p) => p.metadata?.labels?.hold !== 'true' && !held.has(p.metadata?.name ?? '') });
    kubelet.start();
  });

  after(async () => {
    await kubelet?.stop();
    await manager?.close();
    rest?.close();
    await c?.stop();
  });

  test('creates pods <rs>-<5 chars> owned by the ReplicaSet, with status fields and events', async () => {
    const rs = await rest.create<ReplicaSet>(REPLICASETS, NS, replicaSet('web', 3));
    await eventually(async () => (await getRS('web')).status?.readyReplicas === 3, 'three ready replicas');
    const ps = await pods('web');
    assert.equal(ps.length, 3);
    for (const p of ps) {
      assert.match(p.metadata?.name ?? '', /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(p.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    }
    const s = (await getRS('web')).status;
    assert.deepEqual(
      { r: s?.replicas, f: s?.fullyLabeledReplicas, rd: s?.readyReplicas, a: s?.availableReplicas, og: s?.observedGeneration },
      { r: 3, f: 3, rd: 3, a: 3, og: 1 },
    );
    await eventually(async () => {
      const evs = (await rest.list<Event>(EVENTS, NS)).items.filter((e) => e.involvedObject.name === 'web' && e.reason === 'SuccessfulCreate');
      return evs.length === 3 && evs.every((e) => /^Created pod: web-/.test(e.message ?? '') && e.source?.component === 'replicaset-controller');
    }, 'SuccessfulCreate events');
  });

  test('scales up and down; the not-ready pod goes first', async () => {
    await scale('web', 5);
    await eventually(async () => (await pods('web')).length === 5 && (await getRS('web')).status?.readyReplicas === 5, 'five replicas');
    // the next pod is never made ready: the kubelet stand-in looks away while it is created
    const all = await pods('web');
    kubelet.enabled = false;
    await scale('web', 6);
    let extra: Pod | undefined;
    await eventually(async () => {
      const now = await pods('web');
      extra = now.find((p) => !all.some((o) => o.metadata?.uid === p.metadata?.uid));
      return now.length === 6 && !!extra;
    }, 'a sixth pod');
    // its ADDED event may reach the stand-in only now: keep it away from this pod for good
    held.add(extra!.metadata!.name!);
    kubelet.enabled = true;
    await eventually(async () => (await getRS('web')).status?.replicas === 6, 'six replicas in status');
    assert.equal((await getRS('web')).status?.readyReplicas, 5);
    await scale('web', 2);
    await eventually(async () => (await pods('web')).length === 2, 'two replicas');
    const left = await pods('web');
    assert.ok(!left.some((p) => p.metadata?.name === extra?.metadata?.name), 'the not-ready pod was deleted first');
    await eventually(async () => {
      const s = (await getRS('web')).status;
      return s?.replicas === 2 && s.readyReplicas === 2 && s.observedGeneration === (await getRS('web')).metadata?.generation;
    }, 'status after scale-down');
  });

  test('adopts matching orphans and releases pods whose labels stop matching', async () => {
    // an orphan with the right labels exists before the ReplicaSet
    await rest.create(PODS, NS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', labels: { app: 'adopt' } }, spec: { containers: [{ name: 'c', image: 'img:1' }] } });
    const rs = await rest.create<ReplicaSet>(REPLICASETS, NS, replicaSet('adopt', 2));
    await eventually(async () => (await owned(rs)).length === 2, 'two owned pods');
    const orphan = await rest.get<Pod>(PODS, NS, 'orphan');
    assert.equal(orphan.metadata?.ownerReferences?.[0]?.uid, rs.metadata?.uid, 'the orphan was adopted');
    assert.equal((await pods('adopt')).length, 2, 'only one pod was created');

    // relabel: released, and replaced
    await rest.patch(PODS, NS, 'orphan', 'merge', { metadata: { labels: { app: 'gone' } } });
    await eventually(async () => (await rest.get<Pod>(PODS, NS, 'orphan')).metadata?.ownerReferences === undefined, 'the pod to be released');
    await eventually(async () => (await owned(rs)).length === 2 && (await pods('adopt')).length === 2, 'a replacement');
  });

  test('no over-creation while its own writes are in flight (expectations), under update churn', async () => {
    let added = 0;
    const ac = new AbortController();
    const inf = new Informer<Pod>(restListWatcher(rest, PODS, NS, { labelSelector: 'app=churn' }));
    inf.addEventHandler({ onAdd: () => added++ });
    inf.start(ac.signal);
    await inf.waitForSync();
    try {
      await rest.create(REPLICASETS, NS, replicaSet('churn', 30, { template: { metadata: { labels: { app: 'churn', hold: 'true' } }, spec: { containers: [{ name: 'c', image: 'img:1' }] } } }));
      // every update is an event that syncs the ReplicaSet again while pods are being created
      for (let i = 0; i < 40; i++) await rest.patch(REPLICASETS, NS, 'churn', 'merge', { metadata: { annotations: { churn: String(i) } } });
      await eventually(async () => (await getRS('churn')).status?.replicas === 30, 'thirty replicas');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(added, 30, 'exactly 30 pods were ever created');
      // and deleting pods behind its back is repaired one for one
      const victims = (await pods('churn')).slice(0, 7);
      await Promise.all(victims.map((p) => rest.delete(PODS, NS, p.metadata?.name ?? '')));
      await eventually(async () => (await pods('churn')).length === 30 && added === 37, 'the seven replacements');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(added, 37);
    } finally {
      ac.abort();
      await inf.stop();
    }
  });

  test('availableReplicas waits for minReadySeconds', async () => {
    await rest.create(REPLICASETS, NS, replicaSet('slow', 2, { minReadySeconds: 2 }));
    await eventually(async () => (await getRS('slow')).status?.readyReplicas === 2, 'ready');
    const t0 = Date.now();
    assert.equal((await getRS('slow')).status?.availableReplicas ?? 0, 0);
    await eventually(async () => (await getRS('slow')).status?.availableReplicas === 2, 'available after minReadySeconds', 10_000);
    assert.ok(Date.now() - t0 >= 1000, 'not available at once');
  });
});
