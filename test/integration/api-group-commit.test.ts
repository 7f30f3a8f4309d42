import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, podManifest, startTestCluster, type TestCluster } from '../support/api-server.js';
import { openWatch, type WatchLine } from '../support/watch.js';

interface Meta {
  metadata: { name: string; resourceVersion: string };
}

/** an api-server counter without labels of its own */
async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  assert.ok(line, `${name} in /metrics`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * Concurrent writes share etcd transactions (storage/txn-batcher.ts). Each write keeps the meaning of a lone
 * compare-and-swap: one winner per name or per resourceVersion, nothing lost, and every object seen exactly once
 * by a watch, including one resumed from a revision several objects share.
 */
describe('group commit against a real etcd', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
    const ns = await call(c.url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gc' } });
    assert.equal(ns.status, 201);
  });
  after(async () => {
    await c?.stop();
  });

  test('40 concurrent creates of one name: one 201, the rest 409 AlreadyExists', async () => {
    const replies = await Promise.all(Array.from({ length: 40 }, () => call(c.url, 'POST', '/api/v1/namespaces/gc/pods', podManifest('same'))));
    assert.equal(replies.filter((r) => r.status === 201).length, 1);
    const conflicts = replies.filter((r) => r.status === 409);
    assert.equal(conflicts.length, 39);
    for (const r of conflicts) {
      assert.equal(r.body.reason, 'AlreadyExists');
      assert.equal(r.body.message, 'pods "same" already exists');
    }
  });

  test('40 concurrent updates from one resourceVersion: one 200, the rest 409 Conflict', async () => {
    const made = await call<Meta>(c.url, 'POST', '/api/v1/namespaces/gc/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { v: '0' } });
    assert.equal(made.status, 201);
    const rv = made.body.metadata.resourceVersion;
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(c.url, 'PUT', '/api/v1/namespaces/gc/configmaps/cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', resourceVersion: rv }, data: { v: String(i + 1) } }),
      ),
    );
    const winners = replies.filter((r) => r.status === 200);
    assert.equal(winners.length, 1);
    const losers = replies.filter((r) => r.status === 409);
    assert.equal(losers.length, 39);
    assert.match(String(losers[0].body.message), /the object has been modified; please apply your changes to the latest version and try again/);
    const now = await call<{ data: { v: string } }>(c.url, 'GET', '/api/v1/namespaces/gc/configmaps/cm');
    assert.deepEqual(now.body.data, (winners[0].body as { data: unknown }).data);
  });

  test('100 concurrent creates: all stored, fewer etcd transactions than writes, every object watched exactly once', async () => {
    const list = await call<{ metadata: { resourceVersion: string } }>(c.url, 'GET', '/api/v1/namespaces/gc/secrets');
    const from = list.body.metadata.resourceVersion;
    const w = await openWatch(c.url, `/api/v1/namespaces/gc/secrets?watch=1&resourceVersion=${from}`);
    const ops0 = await metric(c.url, 'kubemu_etcd_write_ops_total');
    const txns0 = await metric(c.url, 'kubemu_etcd_write_transactions_total');
    const names = Array.from({ length: 100 }, (_, i) => `s-${i}`);
    const replies = await Promise.all(
      names.map((n) => call<Meta>(c.url, 'POST', '/api/v1/namespaces/gc/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: n }, stringData: { k: n } })),
    );
    assert.deepEqual(replies.map((r) => r.status), names.map(() => 201));
    const ops = (await metric(c.url, 'kubemu_etcd_write_ops_total')) - ops0;
    const txns = (await metric(c.url, 'kubemu_etcd_write_transactions_total')) - txns0;
    assert.equal(ops, 100);
    assert.ok(txns < ops, `100 concurrent writes went in ${txns} transactions`);

    const seen: WatchLine[] = [];
    while (seen.length < 100) seen.push(await w.next());
    w.close();
    assert.deepEqual(seen.map((e) => e.object.metadata?.name).sort(), [...names].sort());
    assert.ok(seen.every((e) => e.type === 'ADDED'));
    const rvs = seen.map((e) => Number(e.object.metadata?.resourceVersion));
    assert.ok(rvs.every((rv, i) => i === 0 || rv >= rvs[i - 1]), 'resourceVersions never go back');
    // each reply carries the resourceVersion the watch shows for that object
    const byName = new Map(replies.map((r) => [r.body.metadata.name, r.body.metadata.resourceVersion]));
    for (const e of seen) assert.equal(e.object.metadata?.resourceVersion, byName.get(e.object.metadata?.name ?? ''));

    // resuming from a revision that several objects share returns exactly the objects written after it
    const counts = new Map<number, number>();
    for (const rv of rvs) counts.set(rv, (counts.get(rv) ?? 0) + 1);
    const shared = [...counts].find(([, n]) => n > 1)?.[0] ?? rvs[49];
    const resumed = await openWatch(c.url, `/api/v1/namespaces/gc/secrets?watch=1&resourceVersion=${shared}`);
    const expected = seen.filter((e) => Number(e.object.metadata?.resourceVersion) > shared).map((e) => e.object.metadata?.name);
    const got: string[] = [];
    while (got.length < expected.length) got.push((await resumed.next()).object.metadata?.name ?? '');
    await assert.rejects(resumed.next(300), /no watch event/);
    resumed.close();
    assert.deepEqual(got.sort(), [...expected].sort());
  });
});
