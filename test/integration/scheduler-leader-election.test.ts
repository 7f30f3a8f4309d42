/**
 * Two scheduler replicas with leader election on the Lease kube-system/kube-scheduler: only the leader binds,
 * every pod is bound exactly once, and the standby takes over when the leader stops. Also /healthz and /metrics.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { requireResource } from '../../api/resources.js';
import { RestClient } from '../../client/rest.js';
import { silentLogger } from '../../common/logger.js';
import { restBinder, type Binder } from '../../scheduler/binder.js';
import { startScheduler, type SchedulerHandle } from '../../scheduler/scheduler.js';
import { EVENTS, nodeManifest, NODES, podManifest, PODS, waitBound, waitFor } from '../../scheduler/testing.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';

const LEASES = requireResource('coordination.k8s.io', 'v1', 'leases');

interface BindCall {
  by: string;
  pod: string;
  ok: boolean;
  error?: string;
}

describe('scheduler: two replicas with leader election (real api-server + etcd)', () => {
  let cluster: TestCluster;
  let rest: RestClient;
  const calls: BindCall[] = [];
  const replicas: SchedulerHandle[] = [];

  const spyBinder = (by: string): Binder => {
    const real = restBinder(rest);
    return {
      bind: async (pod, node) => {
        const name = pod.metadata?.name ?? '';
        try {
          await real.bind(pod, node);
          calls.push({ by, pod: name, ok: true });
        } catch (e) {
          calls.push({ by, pod: name, ok: false, error: e instanceof Error ? e.message : String(e) });
          throw e;
        }
      },
    };
  };

  const start = (id: string): Promise<SchedulerHandle> =>
    startScheduler({
      server: cluster.url,
      log: silentLogger(),
      leaderElect: true,
      identity: id,
      leaseDurationMs: 3000,
      renewDeadlineMs: 2000,
      retryPeriodMs: 300,
      healthPort: 0,
      binder: spyBinder(id),
    });

  before(async () => {
    cluster = await startTestCluster();
    rest = new RestClient({ server: cluster.url });
    for (let i = 1; i <= 4; i++) await rest.create(NODES, undefined, nodeManifest(`node-${i}`, { cpu: '16', memory: '32Gi' }));
    replicas.push(await start('sched-a'), await start('sched-b'));
  });

  after(async () => {
    for (const r of replicas) await r.close();
    rest?.close();
    await cluster?.stop();
  });

  it('only the leader schedules, and no pod is bound twice', async () => {
    const leader = await waitFor('a leader', async () => replicas.find((r) => r.isLeader()));
    const standby = replicas.find((r) => r !== leader)!;
    assert.equal(standby.isLeader(), false);
    const lease = await rest.get<Lease>(LEASES, 'kube-system', 'kube-scheduler');
    assert.equal(lease.spec?.holderIdentity, leader.identity);

    await Promise.all(Array.from({ length: 40 }, (_, i) => rest.create(PODS, 'default', podManifest(`p-${i}`, { cpu: '100m' }))));
    for (let i = 0; i < 40; i++) await waitBound(rest, `p-${i}`);
    await leader.idle();
    assert.equal(calls.length, 40, `binding calls: ${JSON.stringify(calls.filter((c) => !c.ok))}`);
    assert.ok(calls.every((c) => c.ok && c.by === leader.identity));
    assert.equal(new Set(calls.map((c) => c.pod)).size, 40);
    const scheduled = await waitFor('40 Scheduled events', async () => {
      const evs = (await rest.list<Event>(EVENTS, 'default')).items.filter((e) => e.reason === 'Scheduled');
      return evs.length >= 40 ? evs : undefined;
    });
    assert.equal(scheduled.length, 40);
    assert.ok(scheduled.every((e) => (e.count ?? 1) === 1));
  });

  it('the standby takes over when the leader stops', async () => {
    const leader = replicas.find((r) => r.isLeader())!;
    const standby = replicas.find((r) => r !== leader)!;
    await leader.close();
    await waitFor('standby to lead', async () => (standby.isLeader() ? true : undefined), 10_000);
    calls.length = 0;
    for (let i = 0; i < 10; i++) await rest.create(PODS, 'default', podManifest(`q-${i}`, { cpu: '100m' }));
    for (let i = 0; i < 10; i++) await waitBound(rest, `q-${i}`);
    assert.equal(calls.length, 10);
    assert.ok(calls.every((c) => c.ok && c.by === standby.identity));
    const pods = await rest.list<Pod>(PODS, 'default');
    assert.ok(pods.items.every((p) => p.spec?.nodeName));
  });

  it('serves /healthz, /readyz and /metrics', async () => {
    const live = replicas.find((r) => r.isLeader())!;
    const base = `http://127.0.0.1:${live.healthPort}`;
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const res = await fetch(base + path);
      assert.equal(res.status, 200, path);
      assert.equal(await res.text(), 'ok');
    }
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler",component="kube-scheduler"\} 10/);
    assert.match(metrics, /scheduler_pod_scheduling_sli_duration_seconds_count/);
    assert.match(metrics, /scheduler_pending_pods\{queue="active",component="kube-scheduler"\} 0/);
  });
});
