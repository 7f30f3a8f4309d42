import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Namespace, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { ApiError } from '../api/errors.js';
import { FakeClock, flushPromises } from '../common/clock.js';
import { silentLogger } from '../common/logger.js';
import { createMetricsRegistry } from '../common/metrics.js';
import { SchedulerCache } from './cache/cache.js';
import { clusterView } from './cluster-view.js';
import { defaultProfile, numFeasibleNodesToFind } from './framework/profile.js';
import { inTreeRegistry } from './framework/registry.js';
import { Framework } from './framework/runtime.js';
import { CycleState } from './framework/types.js';
import { SchedulerMetrics } from './metrics.js';
import { SchedulingQueue } from './queue/scheduling-queue.js';
import { SchedulerCore } from './schedule-one.js';
import { nodeManifest, podInfoOf } from './testing.js';
import { Lister } from '../client/lister.js';
import { Store } from '../client/store.js';

interface PendingBind {
  pod: Pod;
  node: string;
  resolve: () => void;
  reject: (e: unknown) => void;
}

function setup() {
  const clock = new FakeClock();
  const cache = new SchedulerCache();
  const listers = { namespaces: new Lister<Namespace>(new Store<Namespace>()), services: new Lister<Service>(new Store<Service>()), replicaSets: new Lister<ReplicaSet>(new Store<ReplicaSet>()) };
  const cluster = clusterView(cache, listers);
  const framework = new Framework(defaultProfile(), inTreeRegistry(), { cluster });
  const queue = new SchedulingQueue({ clock, eventMayHelp: (qp, ev) => framework.eventMayHelp(qp.unschedulablePlugins, qp.podInfo, ev) });
  const binds: PendingBind[] = [];
  const events: { reason: string; message: string }[] = [];
  const conditions: { pod: string; reason: string; message: string }[] = [];
  const informerPods = new Map<string, Pod>();
  const core = new SchedulerCore({
    framework,
    cache,
    cluster,
    queue,
    binder: { bind: (pod, node) => new Promise<void>((resolve, reject) => binds.push({ pod, node, resolve, reject })) },
    getPod: (ns, name) => informerPods.get(`${ns}/${name}`),
    events: { event: (_o, _t, reason, message) => events.push({ reason, message }) },
    conditions: { setPodScheduled: async (pod, _s, reason, message) => void conditions.push({ pod: pod.metadata?.name ?? '', reason, message }) },
    metrics: new SchedulerMetrics(createMetricsRegistry('test'), 'default-scheduler', () => queue.pendingCounts()),
    clock,
    log: silentLogger(),
    random: () => 0,
  });
  const addPending = (name: string, cpu: string) => {
    const pi = podInfoOf(name, { cpu });
    informerPods.set(pi.key, pi.pod);
    queue.add(pi);
    return pi;
  };
  const scheduleNext = async () => {
    const qp = await queue.pop();
    core.scheduleOne(qp!);
  };
  return { clock, cache, queue, core, binds, events, conditions, informerPods, addPending, scheduleNext };
}

describe('SchedulerCore', () => {
  it('counts assumed pods, so back-to-back pods never over-commit a node before bindings are observed', async () => {
    const t = setup();
    t.cache.addNode(nodeManifest('n1', { cpu: '2' }));
    for (const name of ['a', 'b', 'c']) t.addPending(name, '1');
    for (let i = 0; i < 3; i++) await t.scheduleNext();
    assert.deepEqual(t.binds.map((b) => `${b.pod.metadata?.name}→${b.node}`), ['a→n1', 'b→n1'], 'no binding has completed yet');
    assert.equal(t.queue.pendingCounts().unschedulable, 1);
    assert.match(t.events.at(-1)?.message ?? '', /^0\/1 nodes are available: 1 Insufficient cpu\./);
    assert.deepEqual(t.conditions.map((c) => `${c.pod}:${c.reason}`), ['c:Unschedulable']);
    t.queue.close();
  });

  it('on a rejected binding (409) forgets the assumption, frees the capacity and retries after backoff', async () => {
    const t = setup();
    t.cache.addNode(nodeManifest('n1', { cpu: '1' }));
    t.addPending('a', '1');
    await t.scheduleNext();
    assert.equal(t.cache.isAssumed('a'), true);
    t.addPending('b', '1');
    await t.scheduleNext();
    assert.equal(t.queue.pendingCounts().unschedulable, 1, 'b waits: a holds the cpu');
    t.binds[0].reject(ApiError.conflict({ group: '', resource: 'pods/binding' }, 'a', 'pod a is already assigned to node "n9"'));
    await flushPromises();
    assert.equal(t.cache.isAssumed('a'), false);
    assert.equal(t.cache.hasPod('a'), false);
    // the freed capacity is an AssignedPodDelete event for NodeResourcesFit: b is tried again
    assert.equal(t.queue.pendingCounts().backoff, 2);
    assert.ok(t.events.some((e) => e.reason === 'FailedScheduling' && e.message.startsWith('running Bind plugin "DefaultBinder": ')));
    t.queue.close();
  });

  it('does not requeue a pod the informer already shows bound (no double binding)', async () => {
    const t = setup();
    t.cache.addNode(nodeManifest('n1', { cpu: '4' }));
    const a = t.addPending('a', '1');
    await t.scheduleNext();
    t.informerPods.set(a.key, { ...a.pod, spec: { ...a.pod.spec!, nodeName: 'n1' } });
    t.binds[0].reject(ApiError.conflict({ group: '', resource: 'pods/binding' }, 'a', 'pod a is already assigned to node "n1"'));
    await flushPromises();
    assert.deepEqual(t.queue.pendingCounts(), { active: 0, backoff: 0, unschedulable: 0, gated: 0 });
    assert.equal(t.binds.length, 1);
    t.queue.close();
  });

  it('records Scheduled after a successful binding and errors without nodes', async () => {
    const t = setup();
    t.addPending('lonely', '1');
    await t.scheduleNext();
    assert.equal(t.events.at(-1)?.message, 'no nodes available to schedule pods');
    assert.equal(t.queue.pendingCounts().backoff, 1);
    t.cache.addNode(nodeManifest('n1'));
    await t.clock.advance(1000);
    await t.scheduleNext();
    t.binds[0].resolve();
    await flushPromises();
    assert.deepEqual(t.events.at(-1), { reason: 'Scheduled', message: 'Successfully assigned default/lonely to n1' });
    await t.core.waitForBindings();
    t.queue.close();
  });

  it('stops once enough feasible nodes are found (percentageOfNodesToScore)', () => {
    const t = setup();
    for (let i = 0; i < 200; i++) t.cache.addNode(nodeManifest(`n${i}`));
    const out = t.core.schedulePod(new CycleState(), podInfoOf('p', { cpu: '1' }));
    assert.equal(out.kind, 'scheduled');
    if (out.kind === 'scheduled') assert.deepEqual([out.evaluated, out.feasible], [100, 100]);
    assert.deepEqual([50, 200, 1000, 5000, 100_000].map((n) => numFeasibleNodesToFind(0, n)), [50, 100, 420, 500, 5000]);
    assert.equal(numFeasibleNodesToFind(100, 1000), 1000);
    t.queue.close();
  });
});
