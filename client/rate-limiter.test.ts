import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../common/clock.js';
import { BucketRateLimiter, defaultControllerRateLimiter, ItemExponentialFailureRateLimiter, MaxOfRateLimiter } from './rate-limiter.js';

void test('per-item exponential backoff: 5 ms doubling, capped at 1000 s, per item, forget resets', () => {
  const rl = new ItemExponentialFailureRateLimiter<string>();
  const seq = Array.from({ length: 5 }, () => rl.when('a'));
  assert.deepEqual(seq, [5, 10, 20, 40, 80]);
  assert.equal(rl.when('b'), 5, 'independent per item');
  assert.equal(rl.numRequeues('a'), 5);
  for (let i = 0; i < 30; i++) rl.when('a');
  assert.equal(rl.when('a'), 1000_000);
  for (let i = 0; i < 2000; i++) rl.when('a'); // 2^2000 overflows to Infinity: still capped
  assert.equal(rl.when('a'), 1000_000);
  rl.forget('a');
  assert.equal(rl.numRequeues('a'), 0);
  assert.equal(rl.when('a'), 5);
});

void test('configurable base and cap', () => {
  const rl = new ItemExponentialFailureRateLimiter<string>(100, 1000);
  assert.deepEqual([rl.when('x'), rl.when('x'), rl.when('x'), rl.when('x'), rl.when('x')], [100, 200, 400, 800, 1000]);
});

void test('token bucket: burst free, then 1/qps spacing, refills with time (Clock)', async () => {
  const clock = new FakeClock(0);
  const rl = new BucketRateLimiter<string>(10, 100, clock);
  for (let i = 0; i < 100; i++) assert.equal(rl.when(`k${i}`), 0);
  assert.equal(rl.when('x'), 100);
  assert.equal(rl.when('y'), 200);
  assert.equal(rl.when('z'), 300);
  await clock.advance(300); // 3 tokens back: debt repaid
  assert.equal(rl.when('w'), 100);
  await clock.advance(60_000);
  for (let i = 0; i < 100; i++) assert.equal(rl.when(`k${i}`), 0, 'refilled up to burst only');
  assert.equal(rl.when('over'), 100);
  assert.equal(rl.numRequeues('x'), 0);
});

void test('max-of combines per-item backoff and the bucket', async () => {
  const clock = new FakeClock(0);
  const rl = new MaxOfRateLimiter<string>(new ItemExponentialFailureRateLimiter(5, 1000), new BucketRateLimiter(1, 1, clock));
  assert.equal(rl.when('a'), 5); // bucket has 1 token
  assert.equal(rl.when('a'), 1000); // bucket: 1 s debt dominates 10 ms
  assert.equal(rl.numRequeues('a'), 2);
  rl.forget('a');
  assert.equal(rl.numRequeues('a'), 0);
});

void test('default controller rate limiter matches client-go', () => {
  const clock = new FakeClock(0);
  const rl = defaultControllerRateLimiter<string>({ clock });
  assert.deepEqual([rl.when('a'), rl.when('a'), rl.when('a')], [5, 10, 20]);
  for (let i = 0; i < 97; i++) rl.when(`b${i}`);
  assert.equal(rl.when('c'), 100, 'after the burst of 100, 10 qps');
});
