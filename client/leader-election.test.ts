import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { FakeClock, flushPromises } from '../common/clock.js';
import { formatMicroTime, LeaderElector, parseMicroTime, runLeaderElection, type LeaderElectionOptions } from './leader-election.js';
import { FakeLeaseClient } from './testing.js';

const NS = 'kube-system';
const NAME = 'kube-scheduler';

interface Candidate {
  id: string;
  ac: AbortController;
  events: string[];
  leading: AbortSignal | undefined;
  done: Promise<void>;
  elector: LeaderElector;
}

function candidate(client: FakeLeaseClient, clock: FakeClock, id: string, extra: Partial<LeaderElectionOptions> = {}): Candidate {
  const ac = new AbortController();
  const c: Partial<Candidate> = { id, ac, events: [] };
  const events = c.events as string[];
  const elector = new LeaderElector({
    client, clock, namespace: NS, name: NAME, identity: id, signal: ac.signal, random: () => 0,
    callbacks: {
      onStartedLeading: (signal) => {
        c.leading = signal;
        events.push(`started@${clock.now()}`);
        signal.addEventListener('abort', () => events.push(`leading-signal-aborted@${clock.now()}`));
      },
      onStoppedLeading: () => events.push(`stopped@${clock.now()}`),
      onNewLeader: (who) => events.push(`leader=${who}`),
    },
    ...extra,
  });
  c.elector = elector;
  c.done = elector.run();
  return c as Candidate;
}

void test('MicroTime formatting and parsing', () => {
  assert.equal(formatMicroTime(Date.UTC(2025, 0, 1, 0, 0, 0, 123)), '2025-01-01T00:00:00.123000Z');
  assert.equal(parseMicroTime('2025-01-01T00:00:00.123456Z'), Date.UTC(2025, 0, 1, 0, 0, 0, 123));
  assert.equal(parseMicroTime('2025-01-01T00:00:00Z'), Date.UTC(2025, 0, 1));
  assert.equal(parseMicroTime('2025-01-01T02:00:00.5+02:00'), Date.UTC(2025, 0, 1, 0, 0, 0, 500));
  assert.equal(parseMicroTime('garbage'), undefined);
  assert.equal(parseMicroTime(undefined), undefined);
});

void test('invalid timing configuration is rejected', () => {
  const client = new FakeLeaseClient();
  const base = { client, namespace: NS, name: NAME, identity: 'a', signal: new AbortController().signal, callbacks: { onStartedLeading: () => {}, onStoppedLeading: () => {} } };
  assert.throws(() => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }), /leaseDuration/);
  assert.throws(() => new LeaderElector({ ...base, renewDeadlineMs: 2000, retryPeriodMs: 2000 }), /renewDeadline/);
  assert.throws(() => new LeaderElector({ ...base, identity: '' }), /identity/);
});

void test('acquires an absent lease: creates it with the record fields as upstream', async () => {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const client = new FakeLeaseClient();
  const a = candidate(client, clock, 'a');
  await flushPromises();
  assert.deepEqual(a.events, ['leader=a', `started@${clock.now()}`]);
  assert.equal(a.elector.isLeader(), true);
  const lease = client.peek(NS, NAME)!;
  assert.equal(lease.apiVersion, 'coordination.k8s.io/v1');
  assert.equal(lease.kind, 'Lease');
  assert.deepEqual(lease.spec, {
    holderIdentity: 'a',
    leaseDurationSeconds: 15,
    leaseTransitions: 0,
    acquireTime: '2025-01-01T00:00:00.000000Z',
    renewTime: '2025-01-01T00:00:00.000000Z',
  });
  a.ac.abort();
  await a.done;
  assert.deepEqual(a.events.slice(2), [`leading-signal-aborted@${clock.now()}`, `stopped@${clock.now()}`]);
});

void test('the leader renews every retryPeriod (renewTime moves, acquireTime and transitions stay)', async () => {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const client = new FakeLeaseClient();
  const a = candidate(client, clock, 'a');
  await flushPromises();
  const rv0 = client.peek(NS, NAME)!.metadata?.resourceVersion;
  await clock.advance(2000);
  const l1 = client.peek(NS, NAME)!;
  assert.equal(l1.spec?.renewTime, '2025-01-01T00:00:02.000000Z');
  assert.equal(l1.spec?.acquireTime, '2025-01-01T00:00:00.000000Z');
  assert.equal(l1.spec?.leaseTransitions, 0);
  assert.notEqual(l1.metadata?.resourceVersion, rv0);
  await clock.advance(60_000);
  assert.equal(client.peek(NS, NAME)!.spec?.renewTime, '2025-01-01T00:01:02.000000Z');
  assert.equal(a.events.filter((e) => e.startsWith('started')).length, 1);
  a.ac.abort();
  await a.done;
});

void test('a second candidate waits while the lease is renewed, and takes over once it expires (transitions +1)', async () => {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const client = new FakeLeaseClient();
  const a = candidate(client, clock, 'a');
  await flushPromises();
  const b = candidate(client, clock, 'b');
  await clock.advance(30_000);
  assert.deepEqual(b.events, ['leader=a']);
  assert.equal(b.elector.isLeader(), false);
  assert.equal(b.elector.getLeader(), 'a');

  // a dies without releasing (process killed): its renewals stop at t=30 s
  a.ac.abort();
  await a.done;
  const diedAt = clock.now();
  // b last saw the record change at its poll at or just before diedAt; it must wait a full leaseDuration from then
  await clock.advance(12_000);
  assert.equal(b.elector.isLeader(), false);
  await clock.advance(6_000);
  assert.equal(b.elector.isLeader(), true);
  const startedAt = Number(b.events.find((e) => e.startsWith('started@'))!.split('@')[1]);
  assert.ok(startedAt - diedAt >= 15_000 - 2_000 && startedAt - diedAt <= 15_000 + 2_000, `took over after ${startedAt - diedAt} ms`);
  const lease = client.peek(NS, NAME)!;
  assert.equal(lease.spec?.holderIdentity, 'b');
  assert.equal(lease.spec?.leaseTransitions, 1);
  assert.equal(lease.spec?.acquireTime, formatMicroTime(startedAt));
  assert.deepEqual(b.events.slice(0, 2), ['leader=a', 'leader=b']);
  b.ac.abort();
  await b.done;
});

void test('expiry is judged by the local clock from the last observed change, not by the holder\'s renewTime (clock skew)', async () => {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const client = new FakeLeaseClient();
  // held by someone whose clock is years behind: renewTime looks ancient, but we have never seen it change
  client.put({
    metadata: { name: NAME, namespace: NS },
    spec: { holderIdentity: 'skewed', leaseDurationSeconds: 15, renewTime: '2000-01-01T00:00:00.000000Z', acquireTime: '2000-01-01T00:00:00.000000Z', leaseTransitions: 3 },
  });
  const b = candidate(client, clock, 'b');
  await clock.advance(14_000);
  assert.equal(b.elector.isLeader(), false, 'must wait a full leaseDuration after first observing the record');
  await clock.advance(2_000);
  assert.equal(b.elector.isLeader(), true);
  assert.equal(client.peek(NS, NAME)!.spec?.leaseTransitions, 4);
  b.ac.abort();
  await b.done;
});

void test('a lease held by us (e.g. after a restart) is re-acquired at once, keeping acquireTime and transitions', async () => {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const client = new FakeLeaseClient();
  client.put({
    metadata: { name: NAME, namespace: NS },
    spec: { holderIdentity: 'a', leaseDurationSeconds: 15, renewTime: '2024-12-31T23:59:59.000000Z', acquireTime: '2024-12-31T23:00:00.000000Z', leaseTransitions: 7 },
  });
  const a = candidate(client, clock, 'a');
  await flushPromises();
  assert.equal(a.elector.isLeader(), true);
  const spec = client.peek(NS, NAME)!.spec!;
  assert.equal(spec.acquireTime, '2024-12-31T23:00:00.000000Z');
  assert.equal(spec.leaseTransitions, 7);
  assert.equal(spec.renewTime, '2025-01-01T00:00:00.000000Z');
  a.ac.abort();
  await a.done;
});

void test('an empty holder (released lease) is acquired immediately', async () => {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const client = new FakeLeaseClient();
  client.put({ metadata: { name: NAME, namespace: NS }, spec: { holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 2 } });
  const a = candidate(client, clock, 'a');
  await flushPromises();
  assert.equal(a.elector.isLeader(), true);
  assert.equal(client.peek(NS, NAME)!.spec?.leaseTransitions, 3);
  a.ac.abort();
  await a.done;
});

void test('renewal failing for renewDeadline loses leadership: leading signal aborted, onStoppedLeading, run resolves', async () => {
  const clock = new FakeClock(0);
  const client = new FakeLeaseClient();
  const a = candidate(client, clock, 'a');
  await flushPromises();
  await clock.advance(2000); // one good renewal; next cycle starts at t=4000
  client.unavailable = true;
  let resolved = false;
  void a.done.then(() => (resolved = true));
  await clock.advance(2000); // t=4000: cycle starts, fails, retries every 2 s
  await clock.advance(9_999);
  assert.equal(a.leading?.aborted, false, 'still within renewDeadline');
  await clock.advance(1);
  assert.equal(a.leading?.aborted, true);
  await a.done;
  assert.equal(resolved, true);
  assert.deepEqual(a.events.slice(-2), ['leading-signal-aborted@14000', 'stopped@14000']);
  assert.equal(a.elector.isLeader(), false);
  const attempts = client.calls.filter((c) => c === 'get').length;
  assert.ok(attempts >= 6, `retried every retryPeriod (${attempts} gets)`);
});

void test('a hanging api-server is cut off at renewDeadline (requests are aborted) and leadership is lost', async () => {
  const clock = new FakeClock(0);
  const client = new FakeLeaseClient();
  const a = candidate(client, clock, 'a');
  await flushPromises();
  client.hang = true;
  await clock.advance(2000); // renew cycle starts and hangs
  await clock.advance(9_999);
  assert.equal(a.leading?.aborted, false);
  await clock.advance(1);
  await a.done;
  assert.equal(a.leading?.aborted, true);
  assert.ok(a.events.includes('stopped@12000'));
});

void test('a transient failure shorter than renewDeadline keeps leadership', async () => {
  const clock = new FakeClock(0);
  const client = new FakeLeaseClient();
  const a = candidate(client, clock, 'a');
  await flushPromises();
  client.unavailable = true;
  await clock.advance(8000);
  client.unavailable = false;
  await clock.advance(30_000);
  assert.equal(a.leading?.aborted, false);
  assert.equal(a.elector.isLeader(), true);
  a.ac.abort();
  await a.done;
});

void test('optimistic concurrency: a write that lost the race (409) does not make us leader', async () => {
  const clock = new FakeClock(0);
  class RacyClient extends FakeLeaseClient {
    raced = false;
    override async get(ns: string, name: string, signal?: AbortSignal): Promise<Lease> {
      const l = await super.get(ns, name, signal);
      if (!this.raced) {
        this.raced = true; // someone else grabs the expired lease between our get and our update
        this.put({ ...l, spec: { ...l.spec, holderIdentity: 'winner', leaseTransitions: 1, leaseDurationSeconds: 15 } });
      }
      return l;
    }
  }
  const client = new RacyClient();
  client.put({ metadata: { name: NAME, namespace: NS }, spec: { holderIdentity: '', leaseDurationSeconds: 15, leaseTransitions: 0 } });
  const b = candidate(client, clock, 'b');
  await flushPromises();
  assert.equal(b.elector.isLeader(), false);
  assert.equal(client.peek(NS, NAME)!.spec?.holderIdentity, 'winner');
  assert.deepEqual(client.calls.slice(0, 2), ['get', 'update']);
  await clock.advance(10_000);
  assert.equal(b.elector.isLeader(), false, 'the winner is fresh from b\'s point of view');
  b.ac.abort();
  await b.done;
});

void test('two candidates racing for an absent lease: exactly one leads (create conflicts → AlreadyExists)', async () => {
  const clock = new FakeClock(0);
  const client = new FakeLeaseClient();
  const a = candidate(client, clock, 'a');
  const b = candidate(client, clock, 'b');
  await clock.advance(20_000);
  assert.equal(Number(a.elector.isLeader()) + Number(b.elector.isLeader()), 1);
  a.ac.abort();
  b.ac.abort();
  await Promise.all([a.done, b.done]);
});

void test('releaseOnCancel clears the holder so a waiting candidate takes over at its next retry', async () => {
  const clock = new FakeClock(0);
  const client = new FakeLeaseClient();
  const a = candidate(client, clock, 'a', { releaseOnCancel: true });
  await flushPromises();
  const b = candidate(client, clock, 'b');
  await clock.advance(5000);
  a.ac.abort();
  await a.done;
  const released = client.peek(NS, NAME)!.spec!;
  assert.equal(released.holderIdentity, '');
  assert.equal(released.leaseDurationSeconds, 1);
  assert.deepEqual(a.events.slice(-2), ['leading-signal-aborted@5000', 'stopped@5000']);
  await clock.advance(2000);
  assert.equal(b.elector.isLeader(), true, 'no need to wait for expiry');
  b.ac.abort();
  await b.done;
});

void test('without releaseOnCancel the holder is left in place on cancel', async () => {
  const clock = new FakeClock(0);
  const client = new FakeLeaseClient();
  const a = candidate(client, clock, 'a');
  await flushPromises();
  a.ac.abort();
  await a.done;
  assert.equal(client.peek(NS, NAME)!.spec?.holderIdentity, 'a');
});

void test('cancelled before ever leading: no callbacks, resolves', async () => {
  const clock = new FakeClock(0);
  const client = new FakeLeaseClient();
  client.put({ metadata: { name: NAME, namespace: NS }, spec: { holderIdentity: 'other', leaseDurationSeconds: 15 } });
  const ac = new AbortController();
  const events: string[] = [];
  const done = runLeaderElection({
    client, clock, namespace: NS, name: NAME, identity: 'me', signal: ac.signal, random: () => 0,
    callbacks: { onStartedLeading: () => void events.push('started'), onStoppedLeading: () => void events.push('stopped') },
  });
  await clock.advance(4000);
  ac.abort();
  await done;
  assert.deepEqual(events, []);
});
