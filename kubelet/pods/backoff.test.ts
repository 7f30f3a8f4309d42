import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../common/clock.js';
import { Backoff } from './backoff.js';

void test('CrashLoopBackOff: 10 s, doubling, capped at the maximum', async () => {
  const clock = new FakeClock(0);
  const b = new Backoff(clock, 10_000, 40_000);
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    const exitedAt = clock.now();
    assert.equal(b.isInBackOffSince('k', exitedAt), i > 0, `attempt ${i}`);
    if (i > 0) await clock.advance(b.remainingSince('k', exitedAt));
    assert.equal(b.isInBackOffSince('k', exitedAt), false);
    b.next('k', exitedAt);
    delays.push(b.get('k'));
  }
  assert.deepEqual(delays, [10_000, 20_000, 40_000, 40_000, 40_000]);
});

void test('a container that ran longer than 2 x max starts over at the initial delay', async () => {
  const clock = new FakeClock(0);
  const b = new Backoff(clock, 10_000, 40_000);
  b.next('k', 0);
  b.next('k', 0);
  assert.equal(b.get('k'), 20_000);
  await clock.advance(80_001);
  assert.equal(b.isInBackOffSince('k', clock.now()), false);
  b.next('k', clock.now());
  assert.equal(b.get('k'), 10_000);
});

void test('ImagePullBackOff counts from the last failure; reset and prefix reset forget keys', async () => {
  const clock = new FakeClock(0);
  const b = new Backoff(clock, 10_000, 300_000);
  assert.equal(b.isInBackOffSinceUpdate('uid_img'), false);
  b.next('uid_img', clock.now());
  assert.equal(b.isInBackOffSinceUpdate('uid_img'), true);
  await clock.advance(9_999);
  assert.equal(b.remainingSinceUpdate('uid_img'), 1);
  await clock.advance(1);
  assert.equal(b.isInBackOffSinceUpdate('uid_img'), false);
  b.next('uid/c', 0);
  b.resetPrefix('uid/');
  assert.equal(b.get('uid/c'), 0);
  assert.equal(b.get('uid_img'), 10_000);
});
