import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../common/clock.js';
import { RateLimitedTimedQueue } from './timed-queue.js';

async function drain(q: RateLimitedTimedQueue, done: string[]): Promise<void> {
  await q.try(async (name) => {
    done.push(name);
    return [true, 0];
  });
}

void test('burst 1, then one node per 1/qps seconds', async () => {
  const clock = new FakeClock();
  const q = new RateLimitedTimedQueue(clock, 0.1);
  q.add('a', '1');
  q.add('b', '2');
  assert.equal(q.add('a', '1'), false, 'no duplicates');
  const done: string[] = [];
  await drain(q, done);
  assert.deepEqual(done, ['a']);
  await clock.advance(9_000);
  await drain(q, done);
  assert.deepEqual(done, ['a']);
  await clock.advance(1_000);
  await drain(q, done);
  assert.deepEqual(done, ['a', 'b']);
});

void test('rate 0 processes nothing until the limiter is swapped back', async () => {
  const clock = new FakeClock();
  const q = new RateLimitedTimedQueue(clock, 0.1);
  q.swapLimiter(0);
  q.add('a', '1');
  const done: string[] = [];
  await clock.advance(60_000);
  await drain(q, done);
  assert.deepEqual(done, []);
  q.swapLimiter(0.1);
  await drain(q, done);
  assert.deepEqual(done, ['a']);
});

void test('an item that is not done is retried after its wait; removed items are gone', async () => {
  const clock = new FakeClock();
  const q = new RateLimitedTimedQueue(clock, 1000, 1);
  q.add('a', '1');
  q.add('b', '2');
  assert.ok(q.remove('b'));
  let calls = 0;
  await q.try(async () => {
    calls++;
    return [false, 50];
  });
  assert.equal(calls, 1);
  await clock.advance(100);
  await q.try(async () => [true, 0]);
  assert.ok(!q.has('a'));
});
