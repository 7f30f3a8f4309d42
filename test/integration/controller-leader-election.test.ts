import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { requireResource } from '../../api/resources.js';
import { Informer, restListWatcher } from '../../client/informer.js';
import { RestClient } from '../../client/rest.js';
import type { ControllerManager } from '../../controller-manager/manager.js';
import { eventually, FakeKubelet, startTestManager } from '../../controller-manager/testing.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';

const NAMESPACES = requireResource('', 'v1', 'namespaces');
const REPLICASETS = requireResource('apps', 'v1', 'replicasets');
const DEPLOYMENTS = requireResource('apps', 'v1', 'deployments');
const PODS = requireResource('', 'v1', 'pods');
const LEASES = requireResource('coordination.k8s.io', 'v1', 'leases');
const NS = 'le-kcm';

// upstream ratios (15 / 10 / 2 s), compressed
const ELECTION = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 };

describe('controller-manager leader election and restarts against a real api-server', () => {
  let c: TestCluster;
  let rest: RestClient;
  const managers: ControllerManager[] = [];
  const ac = new AbortController();
  let pods: Informer<Pod>;
  let added = 0;
  let deleted = 0;

  const start = async (identity: string): Promise<ControllerManager> => {
    const m = await startTestManager(c.url, {
      leaderElect: true,
      leaderElection: { ...ELECTION, identity },
      controllers: ['replicaset', 'deployment'],
    });
    managers.push(m);
    return m;
  };

  before(async () => {
    c = await startTestCluster();
    rest = new RestClient({ server: c.url, timeoutMs: 10_000 });
    await rest.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    pods = new Informer<Pod>(restListWatcher(rest, PODS, NS));
    pods.addEventHandler({ onAdd: () => added++, onDelete: () => deleted++ });
    pods.start(ac.signal);
    await pods.waitForSync();
  });

  after(async () => {
    ac.abort();
    await pods?.stop();
    await Promise.all(managers.map((m) => m.close()));
    rest?.close();
    await c?.stop();
  });

  test('of two managers only the leader acts; the standby takes over within lease + retry', async () => {
    const a = await start('kcm-a');
    await eventually(() => a.isLeader(), 'a to lead');
    const b = await start('kcm-b');
    const lease = await rest.get<Lease>(LEASES, 'kube-system', 'kube-controller-manager');
    assert.equal(lease.spec?.holderIdentity, 'kcm-a');
    assert.equal(lease.spec?.leaseDurationSeconds, 3);

    await rest.create<ReplicaSet>(REPLICASETS, NS, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'le' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'le' } }, template: { metadata: { labels: { app: 'le' } }, spec: { containers: [{ name: 'c', image: 'img' }] } } },
    });
    await eventually(() => pods.store.size === 3, 'three pods');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(added, 3, 'exactly three pods were created');
    assert.equal(b.isLeader(), false);

    // the leader dies without releasing the lease
    const killed = Date.now();
    await a.close();
    await eventually(() => b.isLeader(), 'b to take over', 15_000);
    const took = Date.now() - killed;
    // lease duration + one retry period with jitter (≤ 2.2 × retry) + slack
    assert.ok(took <= ELECTION.leaseDurationMs + 2.2 * ELECTION.retryPeriodMs + 1500, `took over after ${took} ms`);
    assert.equal((await rest.get<Lease>(LEASES, 'kube-system', 'kube-controller-manager')).spec?.holderIdentity, 'kcm-b');

    await rest.patch(REPLICASETS, NS, 'le', 'merge', { spec: { replicas: 5 } });
    await eventually(() => pods.store.size === 5, 'the new leader acts');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(added, 5);
    assert.equal(deleted, 0);
    await b.close();
  });

  test('a restarted controller-manager creates or deletes no pods (daemon-restart check)', async () => {
    const m1 = await start('kcm-c');
    const kubelet = new FakeKubelet({ rest, namespace: NS });
    kubelet.start();
    try {
      await rest.create<Deployment>(DEPLOYMENTS, NS, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'steady' },
        spec: { replicas: 4, selector: { matchLabels: { app: 'steady' } }, template: { metadata: { labels: { app: 'steady' } }, spec: { containers: [{ name: 'c', image: 'img' }] } } },
      });
      await eventually(async () => (await rest.get<Deployment>(DEPLOYMENTS, NS, 'steady')).status?.availableReplicas === 4, 'steady available');
      const uids = (): string[] => pods.store.list().filter((p) => p.metadata?.labels?.app === 'steady').map((p) => p.metadata?.uid ?? '').sort();
      const before = uids();
      const [addedBefore, deletedBefore] = [added, deleted];
      await m1.close();
      const m2 = await start('kcm-d');
      await eventually(() => m2.isLeader(), 'the restarted manager to lead', 15_000);
      await new Promise((r) => setTimeout(r, 2000));
      assert.deepEqual(uids(), before);
      assert.deepEqual([added, deleted], [addedBefore, deletedBefore]);
      // and it still acts: a no-op scale is observed
      await rest.patch(DEPLOYMENTS, NS, 'steady', 'merge', { metadata: { annotations: { touch: '1' } } });
      await eventually(async () => {
        const d = await rest.get<Deployment>(DEPLOYMENTS, NS, 'steady');
        return (d.status?.observedGeneration ?? 0) === d.metadata?.generation;
      }, 'observedGeneration to catch up');
      assert.deepEqual(uids(), before);
    } finally {
      await kubelet.stop();
    }
  });
});
