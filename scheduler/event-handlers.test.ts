import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../common/clock.js';
import { SchedulerCache } from './cache/cache.js';
import { nodeEventHandler, podEventHandler } from './event-handlers.js';
import type { ClusterEvent } from './framework/cluster-event.js';
import { SchedulingQueue } from './queue/scheduling-queue.js';
import { nodeManifest, podInfoOf } from './testing.js';

function setup() {
  const events: ClusterEvent[] = [];
  const queue = new SchedulingQueue({ clock: new FakeClock(), eventMayHelp: (_qp, ev) => (events.push(ev), false) });
  const cache = new SchedulerCache();
  return { queue, cache, events, pods: podEventHandler(cache, queue, 'default-scheduler'), nodes: nodeEventHandler(cache, queue) };
}

const withRV = (p: Pod, rv: string, extra: Partial<Pod['spec']> = {}): Pod => ({ ...p, metadata: { ...p.metadata, resourceVersion: rv }, spec: { ...p.spec!, ...extra } });

describe('informer event handlers', () => {
  it('queues pending pods of this scheduler only, and not those being deleted', () => {
    const t = setup();
    t.pods.onAdd!(podInfoOf('mine').pod, false);
    t.pods.onAdd!(podInfoOf('theirs', { schedulerName: 'other' }).pod, false);
    t.pods.onAdd!(podInfoOf('dying', {}, (p) => (p.metadata = { ...p.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' })).pod, false);
    assert.equal(t.queue.pendingCounts().active, 1);
    assert.equal(t.queue.has('default/mine'), true);
    t.queue.close();
  });

  it('moves a pod from the queue to the cache when it becomes bound, and ignores updates of assumed pods', () => {
    const t = setup();
    t.cache.addNode(nodeManifest('n1'));
    const pending = withRV(podInfoOf('p', { cpu: '1' }).pod, '1');
    t.pods.onAdd!(pending, false);
    t.pods.onUpdate!(pending, withRV(pending, '2', { nodeName: 'n1' }));
    assert.equal(t.queue.has('default/p'), false);
    assert.equal(t.cache.nodeInfo('n1')?.requested.milliCPU, 1000);

    const other = withRV(podInfoOf('q').pod, '1');
    t.cache.assumePod(podInfoOf('q'), 'n1');
    t.pods.onUpdate!(other, withRV(other, '2'));
    assert.equal(t.queue.has('default/q'), false, 'an assumed pod is not queued again');
    t.queue.close();
  });

  it('turns deletions of bound pods and node changes into cluster events', async () => {
    const t = setup();
    const bound = withRV(podInfoOf('b', {}, (p) => (p.spec!.nodeName = 'n1')).pod, '1');
    t.pods.onAdd!(bound, false);
    t.queue.add(podInfoOf('waiting'));
    t.queue.requeueFailed((await t.queue.pop())!, new Set(['NodeResourcesFit']), false);
    t.pods.onDelete!(bound);
    t.nodes.onAdd!(nodeManifest('n2'), false);
    t.nodes.onUpdate!(nodeManifest('n2'), nodeManifest('n2', { taints: [{ key: 'k', effect: 'NoSchedule' }] }));
    t.nodes.onUpdate!(nodeManifest('n2'), nodeManifest('n2'));
    assert.deepEqual(t.events.map((e) => e.label), ['AssignedPodDelete', 'NodeAdd', 'NodeUpdate']);
    assert.equal(t.cache.hasPod('b'), false);
    t.queue.close();
  });
});
