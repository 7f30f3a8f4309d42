import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../api/errors.js';
import { FakeClock } from '../common/clock.js';
import { EventRecorder, formatTime } from './events.js';
import { FakeEventSink } from './testing.js';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'prod', uid: 'u-1', resourceVersion: '42' } };
const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', uid: 'n-1' } };

function setup() {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const sink = new FakeEventSink();
  const rec = new EventRecorder({ sink, component: 'default-scheduler', clock });
  return { clock, sink, rec };
}

void test('creates a core/v1 Event with upstream fields and a <name>.<16 hex> name', async () => {
  const { sink, rec } = setup();
  rec.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available');
  await rec.flush();
  assert.equal(sink.ops.length, 1);
  const ev = sink.ops[0].body as Event;
  assert.match(ev.metadata.name!, /^web-1\.[0-9a-f]{16}$/);
  assert.equal(ev.metadata.namespace, 'prod');
  assert.deepEqual(ev.involvedObject, { kind: 'Pod', apiVersion: 'v1', name: 'web-1', namespace: 'prod', uid: 'u-1', resourceVersion: '42' });
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.reason, 'FailedScheduling');
  assert.equal(ev.message, '0/3 nodes are available');
  assert.deepEqual(ev.source, { component: 'default-scheduler' });
  assert.equal(ev.firstTimestamp, '2025-01-01T00:00:00Z');
  assert.equal(ev.lastTimestamp, '2025-01-01T00:00:00Z');
  assert.equal(ev.count, 1);
  assert.equal(ev.kind, 'Event');
  assert.equal(ev.apiVersion, 'v1');
});

void test('the same object+reason+message within 10 minutes patches count and lastTimestamp', async () => {
  const { sink, rec, clock } = setup();
  rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  await clock.advance(30_000);
  rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  await clock.advance(9 * 60_000);
  rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  await rec.flush();
  assert.deepEqual(sink.ops.map((o) => o.op), ['create', 'patch', 'patch']);
  const name = sink.ops[0].name;
  assert.ok(sink.ops.every((o) => o.name === name));
  const stored = sink.events.get(`prod/${name}`)!;
  assert.equal(stored.count, 3);
  assert.equal(stored.firstTimestamp, '2025-01-01T00:00:00Z');
  assert.equal(stored.lastTimestamp, formatTime(clock.now()));
});

void test('a different reason, message, type or object makes a new event; so does a gap over 10 minutes', async () => {
  const { sink, rec, clock } = setup();
  rec.event(pod, 'Normal', 'Pulled', 'image pulled');
  rec.event(pod, 'Normal', 'Pulled', 'other message');
  rec.event(pod, 'Normal', 'Created', 'image pulled');
  rec.event(pod, 'Warning', 'Pulled', 'image pulled');
  rec.event({ ...pod, metadata: { ...pod.metadata, name: 'web-2', uid: 'u-2' } }, 'Normal', 'Pulled', 'image pulled');
  await clock.advance(10 * 60_000);
  rec.event(pod, 'Normal', 'Pulled', 'image pulled');
  await rec.flush();
  assert.deepEqual(sink.ops.map((o) => o.op), ['create', 'create', 'create', 'create', 'create', 'create']);
  const names = new Set(sink.ops.map((o) => o.name));
  assert.equal(names.size, 6, 'names are unique even within one millisecond');
});

void test('cluster-scoped objects get events in the default namespace', async () => {
  const { sink, rec } = setup();
  rec.event(node, 'Normal', 'NodeReady', 'Node node-1 status is now: NodeReady');
  await rec.flush();
  assert.equal(sink.ops[0].namespace, 'default');
  assert.equal((sink.ops[0].body as Event).involvedObject.namespace, undefined);
});

void test('if the aggregated event was deleted, a new one is created carrying the count', async () => {
  const { sink, rec } = setup();
  rec.event(pod, 'Warning', 'BackOff', 'x');
  await rec.flush();
  sink.events.clear();
  rec.event(pod, 'Warning', 'BackOff', 'x');
  await rec.flush();
  assert.deepEqual(sink.ops.map((o) => o.op), ['create', 'patch', 'create']);
  const ev = sink.ops[2].body as Event;
  assert.equal(ev.count, 2);
  assert.equal(ev.firstTimestamp, '2025-01-01T00:00:00Z');
});

void test('write failures are logged, never thrown; later events still go through', async () => {
  const { sink, rec } = setup();
  sink.failWith = ApiError.unavailable('down');
  rec.event(pod, 'Normal', 'A', 'a');
  await rec.flush();
  sink.failWith = undefined;
  rec.event(pod, 'Normal', 'B', 'b');
  await rec.flush();
  assert.deepEqual([...sink.events.values()].map((e) => e.reason), ['B']);
});

void test('host is recorded in source and reportingInstance; objects without a name are skipped', async () => {
  const clock = new FakeClock(0);
  const sink = new FakeEventSink();
  const rec = new EventRecorder({ sink, component: 'kubelet', host: 'node-1', clock });
  rec.event(pod, 'Normal', 'Started', 'Started container c');
  rec.event({ kind: 'Pod', apiVersion: 'v1', metadata: {} }, 'Normal', 'X', 'y');
  await rec.flush();
  assert.equal(sink.ops.length, 1);
  const ev = sink.ops[0].body as Event;
  assert.deepEqual(ev.source, { component: 'kubelet', host: 'node-1' });
  assert.equal(ev.reportingComponent, 'kubelet');
  assert.equal(ev.reportingInstance, 'node-1');
});

void test('the queue is bounded: events beyond maxQueued are dropped', async () => {
  const clock = new FakeClock(0);
  const sink = new FakeEventSink();
  const rec = new EventRecorder({ sink, component: 'c', clock, maxQueued: 3 });
  for (let i = 0; i < 10; i++) rec.event(pod, 'Normal', `R${i}`, 'm');
  await rec.flush();
  assert.equal(sink.ops.length, 3);
  rec.event(pod, 'Normal', 'after', 'm');
  await rec.flush();
  assert.equal(sink.ops.length, 4);
});
