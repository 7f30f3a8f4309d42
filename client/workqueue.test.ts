import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, flushPromises } from '../common/clock.js';
import { ItemExponentialFailureRateLimiter } from './rate-limiter.js';
import { WorkQueue } from './workqueue.js';

function q(clock = new FakeClock(0)) {
  return { clock, queue: new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) }) };
}

void test('add de-duplicates and keeps FIFO order', async () => {
  const { queue } = q();
  for (const k of ['a', 'b', 'a', 'c', 'b', 'a']) queue.add(k);
  assert.equal(queue.len(), 3);
  assert.equal(await queue.get(), 'a');
  assert.equal(await queue.get(), 'b');
  assert.equal(await queue.get(), 'c');
  assert.equal(queue.len(), 0);
});

void test('a key being processed is not handed out again; re-added, it is re-queued exactly once after done()', async () => {
  const { queue } = q();
  queue.add('a');
  const k = await queue.get();
  assert.equal(k, 'a');
  queue.add('a');
  queue.add('a');
  assert.equal(queue.len(), 0, 'not queued while processing');
  let second: string | undefined;
  const waiting = queue.get().then((x) => (second = x));
  await flushPromises();
  assert.equal(second, undefined, 'a second worker does not get the in-flight key');
  queue.done('a');
  await waiting;
  assert.equal(second, 'a');
  queue.done('a');
  assert.equal(queue.len(), 0);
  queue.done('a'); // extra done is harmless
  assert.equal(queue.processingCount(), 0);
});

void test('done() without a re-add does not re-queue', async () => {
  const { queue } = q();
  queue.add('x');
  await queue.get();
  queue.done('x');
  assert.equal(queue.len(), 0);
});

void test('concurrent workers never hold the same key at once', async () => {
  const { queue } = q();
  const inFlight = new Set<string>();
  let violations = 0;
  let processed = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const k = await queue.get();
      if (k === undefined) return;
      if (inFlight.has(k)) violations++;
      inFlight.add(k);
      await flushPromises();
      if (processed < 200) queue.add(k); // re-add while processing
      processed++;
      inFlight.delete(k);
      queue.done(k);
    }
  };
  const workers = Array.from({ length: 5 }, worker);
  for (const k of ['a', 'b', 'c']) queue.add(k);
  while (processed < 200) await flushPromises();
  await queue.shutDownWithDrain();
  await Promise.all(workers);
  assert.equal(violations, 0);
});

void test('get() waits for an add; waiters are served in order', async () => {
  const { queue } = q();
  const got: string[] = [];
  const a = queue.get().then((k) => got.push(`1:${k}`));
  const b = queue.get().then((k) => got.push(`2:${k}`));
  await flushPromises();
  assert.deepEqual(got, []);
  queue.add('x');
  queue.add('y');
  await Promise.all([a, b]);
  assert.deepEqual(got, ['1:x', '2:y']);
});

void test('addAfter delays by the clock; the earliest of several delayed adds wins; <=0 adds now', async () => {
  const { queue, clock } = q();
  queue.addAfter('a', 100);
  queue.addAfter('a', 50);
  queue.addAfter('a', 500);
  queue.addAfter('b', 0);
  assert.equal(queue.len(), 1);
  assert.equal(await queue.get(), 'b');
  await clock.advance(49);
  assert.equal(queue.len(), 0);
  await clock.advance(1);
  assert.equal(queue.len(), 1);
  await clock.advance(1000);
  assert.equal(queue.len(), 1, 'the later timers were cancelled');
});

void test('addRateLimited backs off per item; forget resets; numRequeues counts', async () => {
  const { queue, clock } = q();
  queue.addRateLimited('a'); // 5
  queue.addRateLimited('b'); // 5
  assert.equal(queue.numRequeues('a'), 1);
  await clock.advance(5);
  assert.equal(queue.len(), 2);
  await queue.get();
  await queue.get();
  queue.done('a');
  queue.done('b');
  queue.addRateLimited('a'); // 10
  await clock.advance(9);
  assert.equal(queue.len(), 0);
  await clock.advance(1);
  assert.equal(queue.len(), 1);
  assert.equal(queue.numRequeues('a'), 2);
  queue.forget('a');
  assert.equal(queue.numRequeues('a'), 0);
});

void test('shutDown: adds ignored, queued keys dropped, pending and later get() resolve undefined, timers cleared', async () => {
  const { queue, clock } = q();
  const pending = queue.get();
  queue.add('a');
  assert.equal(await pending, 'a');
  queue.add('b');
  queue.addAfter('c', 10);
  const waiter = queue.get(); // gets b
  assert.equal(await waiter, 'b');
  const idle = queue.get();
  queue.shutDown();
  assert.equal(await idle, undefined);
  queue.add('d');
  assert.equal(await queue.get(), undefined);
  assert.equal(clock.pendingTimers(), 0);
  assert.equal(queue.isShuttingDown(), true);
  queue.done('a');
  queue.done('b');
});

void test('shutDownWithDrain: workers finish what is queued and in flight; then get() is undefined', async () => {
  const { queue } = q();
  queue.add('a');
  queue.add('b');
  const a = await queue.get();
  assert.equal(a, 'a');
  queue.add('a'); // re-added while processing: must still be processed during the drain
  let drained = false;
  const drain = queue.shutDownWithDrain().then(() => (drained = true));
  queue.add('ignored');
  assert.equal(await queue.get(), 'b');
  queue.done('b');
  // queue is empty but 'a' will be re-queued: a getter must wait, not get undefined
  const next = queue.get();
  await flushPromises();
  assert.equal(drained, false);
  queue.done('a');
  assert.equal(await next, 'a');
  await flushPromises();
  assert.equal(drained, false);
  queue.done('a');
  await drain;
  assert.equal(drained, true);
  assert.equal(await queue.get(), undefined);
});

void test('shutDownWithDrain with nothing in flight resolves at once and wakes idle workers', async () => {
  const { queue } = q();
  const idle = queue.get();
  await queue.shutDownWithDrain();
  assert.equal(await idle, undefined);
  await queue.shutDownWithDrain();
});
