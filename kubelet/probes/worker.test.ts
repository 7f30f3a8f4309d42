import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Probe } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../common/clock.js';
import type { ProbeOutcome, ProbeResult } from './prober.js';
import { ProbeWorker, initialResult, type ProbeType } from './worker.js';

interface Harness {
  clock: FakeClock;
  worker: ProbeWorker;
  attempts: number[];
  changes: ProbeResult[];
  failures: string[];
  /** What the next attempts return. */
  next: { result: ProbeResult };
  started: { value: boolean };
}

function harness(type: ProbeType, probe: Probe, startedAt = 0): Harness {
  const clock = new FakeClock(0);
  const h: Omit<Harness, 'worker'> = { clock, attempts: [], changes: [], failures: [], next: { result: 'success' }, started: { value: true } };
  const worker = new ProbeWorker({
    clock,
    type,
    probe,
    startedAt,
    run: async (): Promise<ProbeOutcome> => {
      h.attempts.push(clock.now());
      return { result: h.next.result, output: h.next.result === 'failure' ? 'HTTP probe failed with statuscode: 500' : '' };
    },
    isStarted: () => h.started.value,
    onChange: (r) => h.changes.push(r),
    onFailure: (o) => h.failures.push(o),
  });
  worker.start();
  return { ...h, worker };
}

void test('initial results as upstream', () => {
  assert.equal(initialResult('readiness'), 'failure');
  assert.equal(initialResult('liveness'), 'success');
  assert.equal(initialResult('startup'), 'unknown');
});

void test('probes at once, then every periodSeconds, skipping initialDelaySeconds after the start', async () => {
  const h = harness('readiness', { periodSeconds: 2, initialDelaySeconds: 3 });
  await h.clock.advance(10_000);
  h.worker.stop();
  assert.deepEqual(h.attempts, [4000, 6000, 8000, 10_000]);
  assert.deepEqual(h.changes, ['success']);
  assert.equal(h.worker.result, 'success');
});

void test('readiness flips only after failureThreshold failures and successThreshold successes', async () => {
  const h = harness('readiness', { periodSeconds: 1, failureThreshold: 3, successThreshold: 2 });
  await h.clock.advance(5000); // attempts at 0..5: success ×2 → ready at the 2nd
  assert.deepEqual(h.changes, ['success']);
  h.next.result = 'failure';
  await h.clock.advance(2000);
  assert.equal(h.worker.result, 'success', 'two failures are not enough');
  await h.clock.advance(1000);
  assert.equal(h.worker.result, 'failure');
  assert.equal(h.failures.length, 3);
  h.next.result = 'success';
  await h.clock.advance(1000);
  assert.equal(h.worker.result, 'failure', 'one success is not enough');
  await h.clock.advance(1000);
  assert.equal(h.worker.result, 'success');
  assert.deepEqual(h.changes, ['success', 'failure', 'success']);
  h.worker.stop();
});

void test('liveness: a failure verdict holds the worker until the container is replaced', async () => {
  const h = harness('liveness', { periodSeconds: 1, failureThreshold: 2 });
  h.next.result = 'failure';
  await h.clock.advance(1000);
  assert.deepEqual(h.changes, ['failure']);
  const n = h.attempts.length;
  await h.clock.advance(5000);
  assert.equal(h.attempts.length, n, 'no more attempts while on hold');
  h.worker.stop();
});

void test('liveness and readiness wait for the startup probe; startup stops probing once it passed', async () => {
  const live = harness('liveness', { periodSeconds: 1 });
  live.started.value = false;
  await live.clock.advance(3000);
  assert.deepEqual(live.attempts, [], 'not started yet');
  live.started.value = true;
  await live.clock.advance(1000);
  assert.equal(live.attempts.length, 1);
  live.worker.stop();
  const startup = harness('startup', { periodSeconds: 1, failureThreshold: 30 });
  await startup.clock.advance(3000);
  assert.deepEqual(startup.changes, ['success']);
  assert.equal(startup.attempts.length, 1);
  startup.worker.stop();
});

void test('stop() cancels the timer; unknown results change nothing', async () => {
  const h = harness('readiness', { periodSeconds: 1 });
  h.next.result = 'unknown';
  await h.clock.advance(3000);
  assert.equal(h.worker.result, 'failure');
  assert.deepEqual(h.changes, []);
  h.worker.stop();
  assert.equal(h.clock.pendingTimers(), 0);
});
