import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, flushPromises } from '../../common/clock.js';
import type { PodInfo } from '../cache/pod-info.js';
import { Action, type ClusterEvent } from '../framework/cluster-event.js';
import { nodeManifest, podInfoOf } from '../testing.js';
import { SchedulingQueue, type QueuedPodInfo } from './scheduling-queue.js';

const nodeAdd: ClusterEvent = { resource: 'Node', actions: Action.Add, newObj: nodeManifest('n'), label: 'NodeAdd' };
const podDelete: ClusterEvent = { resource: 'AssignedPod', actions: Action.Delete, label: 'AssignedPodDelete' };

function setup(helps: (qp: QueuedPodInfo, ev: ClusterEvent) => boolean = (qp, ev) => ev.resource === 'WildCard' || (qp.unschedulablePlugins.has('NodeResourcesFit') && ev.resource === 'AssignedPod')) {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock, eventMayHelp: helps });
  return { clock, q };
}

/** Pops only if activeQ holds a pod (a pending pop() would swallow the next pod that becomes active). */
async function popNow(q: SchedulingQueue): Promise<QueuedPodInfo | undefined> {
  await flushPromises();
  return q.pendingCounts().active > 0 ? q.pop() : undefined;
}

describe('SchedulingQueue', () => {
  it('pops by priority, then by arrival', async () => {
    const { q, clock } = setup();
    const low = podInfoOf('low');
    q.add(low);
    await clock.advance(1);
    q.add(podInfoOf('high', { priority: 100 }));
    await clock.advance(1);
    q.add(podInfoOf('low2'));
    const order: string[] = [];
    for (let i = 0; i < 3; i++) order.push((await q.pop())!.podInfo.name);
    assert.deepEqual(order, ['high', 'low', 'low2']);
    q.close();
  });

  it('keeps unschedulable pods until an event their rejecting plugin registered arrives', async () => {
    const { q, clock } = setup();
    q.add(podInfoOf('p'));
    const qp = (await q.pop())!;
    assert.equal(qp.attempts, 1);
    q.requeueFailed(qp, new Set(['NodeResourcesFit']), false);
    assert.deepEqual(q.pendingCounts(), { active: 0, backoff: 0, unschedulable: 1, gated: 0 });
    q.onClusterEvent(nodeAdd);
    assert.equal(q.pendingCounts().unschedulable, 1, 'a node add does not help this pod (per the hint)');
    await clock.advance(5000);
    q.onClusterEvent(podDelete);
    assert.deepEqual(q.pendingCounts(), { active: 1, backoff: 0, unschedulable: 0, gated: 0 }, 'backoff (1 s) already over → activeQ');
    assert.equal((await popNow(q))?.podInfo.name, 'p');
    q.close();
  });

  it('an event during backoff moves the pod to backoffQ, and it becomes active when backoff ends', async () => {
    const { q, clock } = setup();
    q.add(podInfoOf('p'));
    const qp = (await q.pop())!;
    q.requeueFailed(qp, new Set(['NodeResourcesFit']), false);
    await clock.advance(200);
    q.onClusterEvent(podDelete);
    assert.equal(q.pendingCounts().backoff, 1);
    assert.equal(await popNow(q), undefined);
    await clock.advance(799);
    assert.equal(q.pendingCounts().backoff, 1);
    await clock.advance(1);
    assert.equal(q.pendingCounts().active, 1);
    q.close();
  });

  it('backs off 1 s, 2 s, 4 s … capped at 10 s', () => {
    const { q } = setup();
    assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map((a) => q.backoffDuration(a)), [0, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    q.close();
  });

  it('errors go to backoff and are retried without any event', async () => {
    const { q, clock } = setup(() => false);
    q.add(podInfoOf('p'));
    let qp = (await q.pop())!;
    q.requeueFailed(qp, new Set(), true);
    assert.equal(q.pendingCounts().backoff, 1);
    await clock.advance(1000);
    qp = (await popNow(q))!;
    assert.equal(qp.attempts, 2);
    q.requeueFailed(qp, new Set(), true);
    await clock.advance(1999);
    assert.equal(await popNow(q), undefined);
    await clock.advance(1);
    assert.equal((await popNow(q))?.attempts, 3);
    q.close();
  });

  it('retries pods left unschedulable for 5 minutes (checked every 30 s)', async () => {
    const { q, clock } = setup(() => false);
    const seen: string[] = [];
    const wildcard = (qp: QueuedPodInfo, ev: ClusterEvent): boolean => {
      seen.push(`${qp.podInfo.name}:${ev.label}`);
      return ev.resource === 'WildCard';
    };
    const q2 = new SchedulingQueue({ clock, eventMayHelp: wildcard });
    q2.add(podInfoOf('p'));
    q2.requeueFailed((await q2.pop())!, new Set(['TaintToleration']), false);
    await clock.advance(5 * 60_000);
    assert.equal(q2.pendingCounts().unschedulable, 1, 'not yet: needs more than 5 minutes');
    await clock.advance(30_000);
    assert.equal(q2.pendingCounts().active, 1);
    assert.deepEqual(seen, ['p:UnschedulableTimeout']);
    q.close();
    q2.close();
  });

  it('moves an unschedulable pod when its scheduling properties change, not on other updates', async () => {
    const { q } = setup(() => false);
    const p = podInfoOf('p', { labels: { app: 'a' } });
    q.add(p);
    q.requeueFailed((await q.pop())!, new Set(['InterPodAffinity']), false);
    const annotated = podInfoOf('p', { labels: { app: 'a' } }, (pod) => (pod.metadata!.annotations = { x: 'y' }));
    q.update(p.pod, annotated);
    assert.equal(q.pendingCounts().unschedulable, 1);
    const relabelled = podInfoOf('p', { labels: { app: 'b' } });
    q.update(annotated.pod, relabelled);
    assert.equal(q.pendingCounts().unschedulable + q.pendingCounts().backoff + q.pendingCounts().active, 1);
    assert.equal(q.pendingCounts().unschedulable, 0);
    q.close();
  });

  it('holds gated pods until their scheduling gates are removed', async () => {
    const { q } = setup();
    const gated = podInfoOf('g', {}, (pod) => (pod.spec!.schedulingGates = [{ name: 'example.com/wait' }]));
    q.add(gated);
    assert.deepEqual(q.pendingCounts(), { active: 0, backoff: 0, unschedulable: 0, gated: 1 });
    q.onClusterEvent({ resource: 'WildCard', actions: 0, label: 'x' });
    assert.equal(q.pendingCounts().gated, 1);
    const open: PodInfo = podInfoOf('g');
    q.update(gated.pod, open);
    assert.equal((await popNow(q))?.podInfo.name, 'g');
    q.close();
  });

  it('delete removes a pod from any queue; close wakes waiting pops', async () => {
    const { q } = setup();
    const p = podInfoOf('p');
    q.add(p);
    q.delete(p.pod);
    assert.deepEqual(q.pendingCounts(), { active: 0, backoff: 0, unschedulable: 0, gated: 0 });
    const waiting = q.pop();
    q.close();
    assert.equal(await waiting, undefined);
  });
});
