import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, realClock } from './clock.js';

void test('FakeClock fires due timers in order and advances now()', async () => {
  const c = new FakeClock(1000);
  const fired: string[] = [];
  c.setTimeout(() => fired.push(`b@${c.now()}`), 20);
  c.setTimeout(() => fired.push(`a@${c.now()}`), 10);
  c.setTimeout(() => fired.push(`c@${c.now()}`), 20);
  c.setTimeout(() => fired.push('late'), 100);
  await c.advance(20);
  assert.deepEqual(fired, ['a@1010', 'b@1020', 'c@1020']);
  assert.equal(c.now(), 1020);
  assert.equal(c.pendingTimers(), 1);
  assert.equal(c.nextTimerAt(), 1100);
});

void test('FakeClock clearTimeout cancels', async () => {
  const c = new FakeClock(0);
  let n = 0;
  const h = c.setTimeout(() => n++, 5);
  c.clearTimeout(h);
  c.clearTimeout(undefined);
  await c.advance(10);
  assert.equal(n, 0);
});

void test('FakeClock lets promise continuations run between timers (chained sleeps in one advance)', async () => {
  const c = new FakeClock(0);
  const times: number[] = [];
  const loop = (async () => {
    for (let i = 0; i < 3; i++) {
      await c.sleep(10);
      await Promise.resolve();
      times.push(c.now());
    }
  })();
  await c.advance(30);
  await loop;
  assert.deepEqual(times, [10, 20, 30]);
});

void test('FakeClock timers scheduled by timers fire within the same advance when due', async () => {
  const c = new FakeClock(0);
  const seen: number[] = [];
  c.setTimeout(() => {
    seen.push(c.now());
    c.setTimeout(() => seen.push(c.now()), 5);
  }, 5);
  await c.advance(9);
  assert.deepEqual(seen, [5]);
  await c.advance(1);
  assert.deepEqual(seen, [5, 10]);
});

void test('sleep resolves early (without rejecting) on abort', async () => {
  const c = new FakeClock(0);
  const ac = new AbortController();
  let done = false;
  const p = c.sleep(1000, ac.signal).then(() => (done = true));
  await c.advance(10);
  assert.equal(done, false);
  ac.abort();
  await p;
  assert.equal(done, true);
  assert.equal(c.pendingTimers(), 0, 'the timer is cleared on abort');
  await c.sleep(5, ac.signal); // already aborted: immediate
});

void test('runAll drains timers up to a limit', async () => {
  const c = new FakeClock(0);
  let n = 0;
  const tick = (): void => {
    n++;
    c.setTimeout(tick, 100);
  };
  c.setTimeout(tick, 100);
  await c.runAll(1000);
  assert.equal(n, 10);
});

void test('realClock basics (no waiting)', async () => {
  assert.ok(Math.abs(realClock.now() - Date.now()) < 1000);
  let fired = false;
  const h = realClock.setTimeout(() => (fired = true), 10_000);
  realClock.clearTimeout(h);
  const ac = new AbortController();
  ac.abort();
  await realClock.sleep(10_000, ac.signal);
  assert.equal(fired, false);
});
