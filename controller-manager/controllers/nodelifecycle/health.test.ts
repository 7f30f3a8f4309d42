import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../../common/clock.js';
import { NodeHealth } from './health.js';

const GRACE = 4000;

function node(heartbeat: string, status = 'True'): Node {
  return {
    metadata: { name: 'n1', creationTimestamp: '2025-01-01T00:00:00Z' },
    status: {
      conditions: [
        { type: 'Ready', status, reason: 'KubeletReady', lastHeartbeatTime: heartbeat, lastTransitionTime: '2025-01-01T00:00:00Z' },
        { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: heartbeat, lastTransitionTime: '2025-01-01T00:00:00Z' },
      ],
    },
  };
}

const lease = (renewMs: number): Lease => ({ metadata: { name: 'n1' }, spec: { renewTime: new Date(renewMs).toISOString() } });

void test('a node renewing its Lease stays healthy; once silent past the grace period its conditions go Unknown', async () => {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const h = new NodeHealth(clock, GRACE, 10_000);
  const n = node('2025-01-01T00:00:00Z');
  assert.equal(h.check(n, lease(clock.now())).newStatus, undefined);
  for (let i = 0; i < 5; i++) {
    await clock.advance(2000);
    assert.equal(h.check(n, lease(clock.now())).newStatus, undefined, 'lease renewals are heartbeats');
  }
  const lastRenew = clock.now();
  await clock.advance(GRACE);
  assert.equal(h.check(n, lease(lastRenew)).newStatus, undefined, 'exactly at the grace period: still fine');
  await clock.advance(1);
  const r = h.check(n, lease(lastRenew));
  assert.equal(r.observed.status, 'True');
  const ready = r.newStatus?.conditions?.find((c) => c.type === 'Ready');
  assert.deepEqual(
    { status: ready?.status, reason: ready?.reason, message: ready?.message, hb: ready?.lastHeartbeatTime },
    { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', hb: '2025-01-01T00:00:00Z' },
  );
  const types = r.newStatus?.conditions?.map((c) => `${c.type}=${c.status}`);
  assert.deepEqual(types, ['Ready=Unknown', 'MemoryPressure=Unknown', 'DiskPressure=Unknown', 'PIDPressure=Unknown']);
  const dp = r.newStatus?.conditions?.find((c) => c.type === 'DiskPressure');
  assert.equal(dp?.reason, 'NodeStatusNeverUpdated');
  assert.equal(dp?.message, 'Kubelet never posted node status.');
});

void test('a new Ready heartbeat counts as well; Unknown is written once', async () => {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const h = new NodeHealth(clock, GRACE, 10_000);
  h.check(node('2025-01-01T00:00:00Z'), undefined);
  await clock.advance(3000);
  assert.equal(h.check(node('2025-01-01T00:00:03Z'), undefined).newStatus, undefined);
  await clock.advance(GRACE + 1);
  const r = h.check(node('2025-01-01T00:00:03Z'), undefined);
  assert.ok(r.newStatus);
  const written: Node = { ...node('2025-01-01T00:00:03Z'), status: r.newStatus };
  h.wrote(written, r.newStatus);
  await clock.advance(500);
  const again = h.check(written, undefined);
  assert.equal(again.newStatus, undefined, 'already Unknown: nothing to write');
  assert.equal(again.observed.status, 'Unknown');
});

void test('a node that never posted Ready gets the startup grace period, counted from its creation', async () => {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const h = new NodeHealth(clock, GRACE, 10_000);
  const fresh: Node = { metadata: { name: 'n1', creationTimestamp: '2025-01-01T00:00:00Z' }, status: {} };
  await clock.advance(9000);
  const r0 = h.check(fresh, undefined);
  assert.equal(r0.current, undefined);
  assert.equal(r0.newStatus, undefined);
  await clock.advance(1001);
  const r = h.check(fresh, undefined);
  assert.equal(r.newStatus?.conditions?.find((c) => c.type === 'Ready')?.reason, 'NodeStatusNeverUpdated');
});
