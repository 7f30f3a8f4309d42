import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../common/clock.js';
import { decide } from './schedule.js';

const unreachable = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2025-01-01T00:00:00Z' }];
const tolerate = (s?: number) => [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: s }];

void test('untolerated taint: evict now; tolerated forever or no taint: cancel', () => {
  const clock = new FakeClock();
  assert.deepEqual(decide(unreachable, [], undefined, clock.now()), { kind: 'schedule', at: { createdAt: clock.now(), fireAt: clock.now() } });
  assert.deepEqual(decide(unreachable, tolerate(), undefined, clock.now()), { kind: 'cancel' });
  assert.deepEqual(decide([], tolerate(3), undefined, clock.now()), { kind: 'cancel' });
});

void test('tolerationSeconds counts from when the eviction was first scheduled', async () => {
  const clock = new FakeClock();
  const first = decide(unreachable, tolerate(3), undefined, clock.now());
  assert.equal(first.kind, 'schedule');
  const at = first.kind === 'schedule' ? first.at : undefined;
  assert.equal(at!.fireAt - clock.now(), 3000);
  await clock.advance(2000);
  // re-evaluated later (another pod update): the original deadline stands
  assert.deepEqual(decide(unreachable, tolerate(3), at, clock.now()), { kind: 'schedule', at });
  await clock.advance(1000);
  const due = decide(unreachable, tolerate(3), at, clock.now());
  assert.ok(due.kind === 'schedule' && due.at.fireAt <= clock.now());
});

void test('once scheduled, a changed toleration keeps the schedule (as upstream)', async () => {
  const clock = new FakeClock();
  const t0 = clock.now();
  const first = decide(unreachable, tolerate(60), undefined, t0);
  const at = first.kind === 'schedule' ? first.at : undefined;
  assert.deepEqual(at, { createdAt: t0, fireAt: t0 + 60_000 });
  await clock.advance(10_000);
  assert.deepEqual(decide(unreachable, tolerate(5), at, clock.now()), { kind: 'schedule', at });
  assert.deepEqual(decide(unreachable, tolerate(120), at, clock.now()), { kind: 'schedule', at });
  // a toleration made infinite cancels
  assert.deepEqual(decide(unreachable, tolerate(), at, clock.now()), { kind: 'cancel' });
});
