/**
 * Pods no node fits: the exact upstream FailedScheduling message, PodScheduled=False/Unschedulable, and
 * rescheduling driven by cluster events (a pod deleted or turning terminal, a node added, a taint removed,
 * a node made schedulable) — far sooner than the 5-minute safety flush.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import { RestClient } from '../../client/rest.js';
import { silentLogger } from '../../common/logger.js';
import { startScheduler, type SchedulerHandle } from '../../scheduler/scheduler.js';
import { clearCluster, EVENTS, nodeManifest, NODES, podManifest, PODS, waitBound, waitFor } from '../../scheduler/testing.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';

describe('scheduler: unschedulable pods (real api-server + etcd)', () => {
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
    await clearCluster(rest);
    await waitFor('scheduler cache to drop old nodes', async () => (sched.cachedNodeNames().length === 0 ? true : undefined));
  });

  const createNodes = async (...nodes: Node[]): Promise<void> => {
    for (const n of nodes) await rest.create(NODES, undefined, n);
    await waitFor('scheduler cache to see the nodes', async () => (sched.cachedNodeNames().length === nodes.length ? true : undefined));
  };

  const failedScheduling = (pod: string): Promise<Event> =>
    waitFor(`FailedScheduling event for ${pod}`, async () => {
      const evs = await rest.list<Event>(EVENTS, 'default');
      return evs.items.find((e) => e.involvedObject.name === pod && e.reason === 'FailedScheduling');
    });

  const podScheduledCondition = (pod: string) =>
    waitFor(`PodScheduled=False on ${pod}`, async () => {
      const p = await rest.get<Pod>(PODS, 'default', pod);
      return p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    });

  it('reports the upstream diagnosis as event and condition', async () => {
    await createNodes(
      nodeManifest('node-1', { cpu: '4', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
      nodeManifest('node-2', { cpu: '1' }),
      nodeManifest('node-3', { cpu: '1' }),
    );
    await rest.create(PODS, 'default', podManifest('web-1', { cpu: '2' }));
    const expected =
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. ' +
      'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';
    const ev = await failedScheduling('web-1');
    assert.equal(ev.message, expected);
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.source?.component, 'default-scheduler');
    const cond = await podScheduledCondition('web-1');
    assert.equal(cond.reason, 'Unschedulable');
    assert.equal(cond.message, expected);
    assert.ok(cond.lastTransitionTime);
  });

  it('says preemption is not helpful when every rejection is unresolvable', async () => {
    await createNodes(nodeManifest('a', { labels: { disk: 'hdd' } }), nodeManifest('b', { labels: { disk: 'hdd' } }), nodeManifest('c', { unschedulable: true }));
    await rest.create(PODS, 'default', podManifest('picky', { nodeSelector: { disk: 'ssd' } }));
    const ev = await failedScheduling('picky');
    assert.equal(
      ev.message,
      "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector. " +
        'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('binds a pending pod as soon as a bound pod is deleted (no periodic flush needed)', async () => {
    await createNodes(nodeManifest('node-1', { cpu: '2' }));
    await rest.create(PODS, 'default', podManifest('first', { cpu: '2' }));
    assert.equal(await waitBound(rest, 'first'), 'node-1');
    await rest.create(PODS, 'default', podManifest('second', { cpu: '2' }));
    const ev = await failedScheduling('second');
    assert.match(ev.message ?? '', /^0\/1 nodes are available: 1 Insufficient cpu\./);
    await podScheduledCondition('second');
    const t0 = Date.now();
    await rest.delete(PODS, 'default', 'first', { gracePeriodSeconds: 0 });
    assert.equal(await waitBound(rest, 'second', 'default', 10_000), 'node-1');
    const took = Date.now() - t0;
    // backoff after one failed attempt is 1 s; the leftover flush would take 5 minutes
    assert.ok(took < 5000, `rescheduled ${took} ms after the delete`);
    const events = await waitFor('Scheduled event', async () => {
      const evs = await rest.list<Event>(EVENTS, 'default');
      return evs.items.find((e) => e.involvedObject.name === 'second' && e.reason === 'Scheduled');
    });
    assert.equal(events.message, 'Successfully assigned default/second to node-1');
    const bound = await rest.get<Pod>(PODS, 'default', 'second');
    assert.equal(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');
  });

  it('frees the capacity of a pod that turns terminal', async () => {
    await createNodes(nodeManifest('node-1', { cpu: '1' }));
    await rest.create(PODS, 'default', podManifest('job', { cpu: '1' }));
    await waitBound(rest, 'job');
    await rest.create(PODS, 'default', podManifest('next', { cpu: '1' }));
    await failedScheduling('next');
    const job = await rest.get<Pod>(PODS, 'default', 'job');
    await rest.updateStatus(PODS, 'default', { ...job, status: { ...job.status, phase: 'Succeeded' } });
    assert.equal(await waitBound(rest, 'next', 'default', 5000), 'node-1');
  });

  it('retries when a node is added, a taint removed or a node made schedulable', async () => {
    await createNodes(
      nodeManifest('tainted', { taints: [{ key: 'maintenance', effect: 'NoSchedule' }] }),
      nodeManifest('cordoned', { unschedulable: true }),
    );
    await rest.create(PODS, 'default', podManifest('p-taint', { nodeSelector: { 'kubernetes.io/hostname': 'tainted' } }));
    await rest.create(PODS, 'default', podManifest('p-cordon', { nodeSelector: { 'kubernetes.io/hostname': 'cordoned' } }));
    await rest.create(PODS, 'default', podManifest('p-new', { nodeSelector: { 'kubernetes.io/hostname': 'fresh' } }));
    await Promise.all(['p-taint', 'p-cordon', 'p-new'].map(failedScheduling));
    await rest.patch(NODES, undefined, 'tainted', 'merge', { spec: { taints: null } });
    await rest.patch(NODES, undefined, 'cordoned', 'merge', { spec: { unschedulable: false } });
    await rest.create(NODES, undefined, nodeManifest('fresh'));
    assert.equal(await waitBound(rest, 'p-taint', 'default', 5000), 'tainted');
    assert.equal(await waitBound(rest, 'p-cordon', 'default', 5000), 'cordoned');
    assert.equal(await waitBound(rest, 'p-new', 'default', 5000), 'fresh');
  });

  it('exposes attempts, latency and queue depth on /metrics', async () => {
    const m = await sched.registry.metrics();
    assert.match(m, /scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"/);
    assert.match(m, /scheduler_schedule_attempts_total\{result="unschedulable",profile="default-scheduler"/);
    assert.match(m, /scheduler_pod_scheduling_sli_duration_seconds_bucket/);
    assert.match(m, /scheduler_pending_pods\{queue="unschedulable"/);
  });
});
