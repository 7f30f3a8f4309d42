import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { requireResource } from '../../api/resources.js';
import { LeaderElector, LEASES, parseMicroTime, type LeaderElectionOptions } from '../../client/leader-election.js';
import { RestClient } from '../../client/rest.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';

const NAMESPACES = requireResource('', 'v1', 'namespaces');

async function eventually(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

interface Candidate {
  id: string;
  ac: AbortController;
  elector: LeaderElector;
  done: Promise<void>;
  started: number;
  stopped: number;
  leadingSignal: AbortSignal | undefined;
  leaders: string[];
}

// Short timings so the test runs in seconds; the ratios are upstream's (15/10/2 s).
const FAST = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 400 };

describe('leader election against the real api-server (Lease objects in etcd)', () => {
  let c: TestCluster;
  let rest: RestClient;
  const ns = 'le-it';
  const running: Candidate[] = [];

  function candidate(id: string, name: string, extra: Partial<LeaderElectionOptions> = {}): Candidate {
    const ac = new AbortController();
    const cand: Partial<Candidate> = { id, ac, started: 0, stopped: 0, leaders: [] };
    const elector = new LeaderElector({
      client: rest, namespace: ns, name, identity: id, signal: ac.signal, ...FAST,
      callbacks: {
        onStartedLeading: (s) => {
          cand.started = (cand.started ?? 0) + 1;
          cand.leadingSignal = s;
        },
        onStoppedLeading: () => {
          cand.stopped = (cand.stopped ?? 0) + 1;
        },
        onNewLeader: (l) => cand.leaders!.push(l),
      },
      ...extra,
    });
    cand.elector = elector;
    cand.done = elector.run();
    running.push(cand as Candidate);
    return cand as Candidate;
  }

  const lease = (name: string): Promise<Lease> => rest.get<Lease>(LEASES, ns, name);

  before(async () => {
    c = await startTestCluster();
    rest = new RestClient({ server: c.url, timeoutMs: 5000 });
    await rest.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  after(async () => {
    for (const r of running) r.ac.abort();
    await Promise.all(running.map((r) => r.done));
    rest?.close();
    await c?.stop();
  });

  test('one of two candidates leads; the Lease carries upstream fields; the other takes over after expiry', async () => {
    const a = candidate('a', 'ctrl');
    await eventually(() => a.elector.isLeader(), 'a to lead');
    const b = candidate('b', 'ctrl');
    const l = await lease('ctrl');
    assert.equal(l.spec?.holderIdentity, 'a');
    assert.equal(l.spec?.leaseDurationSeconds, 3);
    assert.equal(l.spec?.leaseTransitions, 0);
    assert.match(l.spec?.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.match(l.spec?.acquireTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    // renewals move renewTime forward; b stays a follower
    const r0 = parseMicroTime(l.spec?.renewTime)!;
    await eventually(async () => parseMicroTime((await lease('ctrl')).spec?.renewTime)! > r0, 'a renewal');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(b.elector.isLeader(), false);
    assert.deepEqual(b.leaders, ['a']);

    // a stops renewing (cancelled without release, as if killed): b waits out the lease, then takes over
    const killedAt = Date.now();
    a.ac.abort();
    await a.done;
    assert.equal(a.stopped, 1);
    assert.equal(a.leadingSignal?.aborted, true);
    await eventually(() => b.elector.isLeader(), 'b to take over', 15_000);
    const tookMs = Date.now() - killedAt;
    assert.ok(tookMs >= 1500, `b took over after ${tookMs} ms: it must wait for the lease to expire`);
    const l2 = await lease('ctrl');
    assert.equal(l2.spec?.holderIdentity, 'b');
    assert.equal(l2.spec?.leaseTransitions, 1);
    assert.deepEqual(b.leaders, ['a', 'b']);
    b.ac.abort();
    await b.done;
  });

  test('releaseOnCancel hands the lease over without waiting for expiry', async () => {
    const a = candidate('a', 'rel', { releaseOnCancel: true });
    await eventually(() => a.elector.isLeader(), 'a to lead');
    const b = candidate('b', 'rel');
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    a.ac.abort();
    await a.done;
    const released = await lease('rel');
    assert.ok(released.spec?.holderIdentity === '' || released.spec?.holderIdentity === 'b');
    await eventually(() => b.elector.isLeader(), 'b to take over');
    assert.ok(Date.now() - t0 < 2500, `handover took ${Date.now() - t0} ms`);
    b.ac.abort();
    await b.done;
  });

  test('exactly one leader among several racing candidates', async () => {
    const cands = ['x', 'y', 'z'].map((id) => candidate(id, 'race'));
    await eventually(() => cands.some((k) => k.elector.isLeader()), 'a leader');
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(cands.filter((k) => k.elector.isLeader()).length, 1);
    assert.equal(cands.reduce((n, k) => n + k.started, 0), 1, 'onStartedLeading ran once overall');
    for (const k of cands) k.ac.abort();
    await Promise.all(cands.map((k) => k.done));
  });

  test('a leader that cannot reach the api-server (etcd paused) stops leading within renewDeadline', async () => {
    const a = candidate('a', 'outage');
    await eventually(() => a.elector.isLeader(), 'a to lead');
    await c.etcd.pause();
    const t0 = Date.now();
    try {
      await eventually(() => a.stopped === 1, 'a to lose leadership', 15_000);
      const lostAfter = Date.now() - t0;
      assert.ok(lostAfter <= FAST.renewDeadlineMs + FAST.retryPeriodMs + 2000, `lost after ${lostAfter} ms`);
      assert.equal(a.leadingSignal?.aborted, true);
      await a.done;
    } finally {
      await c.etcd.unpause();
    }
    // a restarted process campaigns again and wins once the lease expires
    const again = candidate('a2', 'outage');
    await eventually(() => again.elector.isLeader(), 'a new leader after the outage', 30_000);
    again.ac.abort();
    await again.done;
  });
});
