import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, flushPromises } from '../common/clock.js';
import { silentLogger } from '../common/logger.js';
import { runController } from './controller-runner.js';
import { ItemExponentialFailureRateLimiter } from './rate-limiter.js';
import { WorkQueue } from './workqueue.js';

function setup() {
  const clock = new FakeClock(0);
  const queue = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
  const ac = new AbortController();
  return { clock, queue, ac, log: silentLogger() };
}

void test('syncs every key; success forgets the key', async () => {
  const { queue, ac, log } = setup();
  const synced: string[] = [];
  queue.addRateLimited('x'); // leaves a failure count behind
  const run = runController({ name: 't', queue, workers: 2, log, signal: ac.signal, sync: async (k) => void synced.push(k) });
  queue.add('a');
  queue.add('b');
  await flushPromises();
  assert.deepEqual(synced.sort(), ['a', 'b']);
  assert.equal(queue.numRequeues('a'), 0);
  ac.abort();
  await run;
});

void test('errors re-queue with rate-limited backoff until success, then forget', async () => {
  const { queue, ac, log, clock } = setup();
  let attempts = 0;
  const times: number[] = [];
  const run = runController({
    name: 't', queue, workers: 1, log, signal: ac.signal,
    sync: async () => {
      attempts++;
      times.push(clock.now());
      if (attempts < 4) throw new Error('not yet');
    },
  });
  queue.add('k');
  await flushPromises();
  assert.equal(attempts, 1);
  assert.equal(queue.numRequeues('k'), 1);
  await clock.advance(5);
  await clock.advance(10);
  await clock.advance(20);
  assert.equal(attempts, 4);
  assert.deepEqual(times, [0, 5, 15, 35]);
  assert.equal(queue.numRequeues('k'), 0, 'forgotten after success');
  await clock.advance(10_000);
  assert.equal(attempts, 4);
  ac.abort();
  await run;
});

void test('maxRetries drops a key after that many failures', async () => {
  const { queue, ac, log, clock } = setup();
  let attempts = 0;
  const run = runController({ name: 't', queue, workers: 1, log, signal: ac.signal, maxRetries: 2, sync: () => { attempts++; throw new Error('always'); } });
  queue.add('k');
  await clock.advance(10_000);
  assert.equal(attempts, 3, 'first try + 2 retries');
  assert.equal(queue.numRequeues('k'), 0);
  ac.abort();
  await run;
});

void test('never the same key twice at once across workers; re-adds during sync are processed afterwards', async () => {
  const { queue, ac, log } = setup();
  const inFlight = new Set<string>();
  let overlap = 0;
  let calls = 0;
  const gates: (() => void)[] = [];
  const run = runController({
    name: 't', queue, workers: 4, log, signal: ac.signal,
    sync: async (k) => {
      calls++;
      if (inFlight.has(k)) overlap++;
      inFlight.add(k);
      await new Promise<void>((r) => gates.push(r));
      inFlight.delete(k);
    },
  });
  queue.add('k');
  await flushPromises();
  queue.add('k');
  queue.add('k');
  await flushPromises();
  assert.equal(calls, 1);
  gates.shift()!();
  await flushPromises();
  assert.equal(calls, 2, 're-added key synced once more');
  gates.shift()!();
  await flushPromises();
  assert.equal(calls, 2);
  assert.equal(overlap, 0);
  ac.abort();
  await run;
});

void test('stopping waits for in-flight syncs and takes no new keys', async () => {
  const { queue, ac, log } = setup();
  let release!: () => void;
  let finished = false;
  const run = runController({
    name: 't', queue, workers: 2, log, signal: ac.signal,
    sync: async (k) => {
      if (k === 'slow') {
        await new Promise<void>((r) => (release = r));
        finished = true;
      }
    },
  });
  queue.add('slow');
  await flushPromises();
  ac.abort();
  queue.add('late');
  let stopped = false;
  const done = run.then(() => (stopped = true));
  await flushPromises();
  assert.equal(stopped, false, 'still waiting for the in-flight sync');
  release();
  await done;
  assert.equal(finished, true);
});

void test('an already-aborted signal returns at once', async () => {
  const { queue, ac, log } = setup();
  ac.abort();
  await runController({ name: 't', queue, workers: 3, log, signal: ac.signal, sync: async () => assert.fail('no sync') });
});
