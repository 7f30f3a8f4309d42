import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, flushPromises } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { PodWorkers, type SyncOutcome } from './workers.js';

void test('one sync per uid at a time; requests during a sync coalesce into one more', async () => {
  const clock = new FakeClock(0);
  const calls: string[] = [];
  let release: (() => void) | undefined;
  let running = 0;
  let maxRunning = 0;
  const w = new PodWorkers(
    async (uid) => {
      calls.push(uid);
      running++;
      maxRunning = Math.max(maxRunning, running);
      if (uid === 'a' && calls.filter((c) => c === 'a').length === 1) await new Promise<void>((r) => (release = r));
      running--;
      return { done: false };
    },
    clock,
    silentLogger(),
  );
  w.enqueue('a');
  w.enqueue('b');
  await flushPromises();
  w.enqueue('a');
  w.enqueue('a');
  w.enqueue('a');
  release?.();
  await flushPromises();
  await flushPromises();
  assert.deepEqual(calls, ['a', 'b', 'a']);
  assert.equal(maxRunning, 2, 'different pods run concurrently');
  await w.stop();
});

void test('requeueAfter and failures schedule later syncs; done retires the worker', async () => {
  const clock = new FakeClock(0);
  const outcomes: (SyncOutcome | Error)[] = [{ done: false, requeueAfterMs: 5000 }, new Error('docker down'), { done: true }];
  const at: number[] = [];
  const w = new PodWorkers(
    async () => {
      at.push(clock.now());
      const o = outcomes.shift() ?? { done: true };
      if (o instanceof Error) throw o;
      return o;
    },
    clock,
    silentLogger(),
  );
  w.enqueue('a');
  await clock.advance(10_000);
  assert.deepEqual(at, [0, 5000, 6000]);
  assert.equal(w.has('a'), false);
  await w.stop();
});

void test('of two delayed requests the earlier wins', async () => {
  const clock = new FakeClock(0);
  const at: number[] = [];
  const w = new PodWorkers(async () => (at.push(clock.now()), { done: false }), clock, silentLogger());
  w.enqueue('a', 5000);
  w.enqueue('a', 2000);
  w.enqueue('a', 8000);
  await clock.advance(10_000);
  assert.deepEqual(at, [2000]);
  await w.stop();
});
