import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, podManifest, startTestCluster, type TestCluster } from '../support/api-server.js';
import { openWatch } from '../support/watch.js';

type List = { metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number }; items: { metadata: { name: string; resourceVersion: string } }[]; kind: string };
type Obj = { metadata: { name: string; resourceVersion: string }; status?: Record<string, unknown> };

describe('list and watch on a real etcd', () => {
  let c: TestCluster;
  const api = <T = Obj>(m: string, p: string, b?: unknown, h?: Record<string, string>) => call<T>(c.url, m, p, b, h);
  const mergePatch = { 'content-type': 'application/merge-patch+json' };
  before(async () => {
    c = await startTestCluster({ watchLimits: { bookmarkIntervalMs: 200 } });
    await api('POST', '/api/v1/namespaces', { metadata: { name: 'lw' } });
    for (let i = 0; i < 7; i++) {
      await api('POST', '/api/v1/namespaces/lw/pods', podManifest(`p${i}`, { metadata: { labels: { app: 'lw', tier: i % 2 ? 'odd' : 'even' } } }));
    }
  });
  after(async () => {
    await c?.stop();
  });

  test('list returns the kind, items and the etcd revision as resourceVersion', async () => {
    const r = await api<List>('GET', '/api/v1/namespaces/lw/pods');
    assert.equal(r.status, 200);
    assert.equal(r.body.kind, 'PodList');
    assert.equal(r.body.items.length, 7);
    assert.ok(Number(r.body.metadata.resourceVersion) >= Math.max(...r.body.items.map((i) => Number(i.metadata.resourceVersion))));
    const empty = await api<List>('GET', '/api/v1/namespaces/lw/configmaps');
    assert.deepEqual(empty.body.items, []);
  });

  test('label selectors: equality and set-based', async () => {
    const eq = await api<List>('GET', '/api/v1/namespaces/lw/pods?labelSelector=tier%3Dodd');
    assert.deepEqual(eq.body.items.map((i) => i.metadata.name), ['p1', 'p3', 'p5']);
    const set = await api<List>('GET', `/api/v1/namespaces/lw/pods?labelSelector=${encodeURIComponent('tier in (even),app')}`);
    assert.deepEqual(set.body.items.map((i) => i.metadata.name), ['p0', 'p2', 'p4', 'p6']);
    const notin = await api<List>('GET', `/api/v1/namespaces/lw/pods?labelSelector=${encodeURIComponent('tier notin (even,odd)')}`);
    assert.equal(notin.body.items.length, 0);
    const bad = await api('GET', `/api/v1/namespaces/lw/pods?labelSelector=${encodeURIComponent('a in (')}`);
    assert.equal(bad.status, 400);
  });

  test('field selectors: metadata.name, spec.nodeName, status.phase; unknown fields are 400', async () => {
    const byName = await api<List>('GET', '/api/v1/namespaces/lw/pods?fieldSelector=metadata.name%3Dp2');
    assert.deepEqual(byName.body.items.map((i) => i.metadata.name), ['p2']);
    const phase = await api<List>('GET', '/api/v1/pods?fieldSelector=status.phase%3DPending,metadata.namespace%3Dlw');
    assert.equal(phase.body.items.length, 7);
    const node = await api<List>('GET', '/api/v1/namespaces/lw/pods?fieldSelector=spec.nodeName%3D');
    assert.equal(node.body.items.length, 7);
    const bad = await api('GET', '/api/v1/namespaces/lw/pods?fieldSelector=spec.bogus%3Dx');
    assert.equal(bad.status, 400);
  });

  test('limit + continue pages at a fixed revision', async () => {
    const p1 = await api<List>('GET', '/api/v1/namespaces/lw/pods?limit=3');
    assert.deepEqual(p1.body.items.map((i) => i.metadata.name), ['p0', 'p1', 'p2']);
    assert.ok(p1.body.metadata.continue);
    assert.equal(p1.body.metadata.remainingItemCount, 4);
    // a write between pages is not visible in later pages (same revision)
    await api('POST', '/api/v1/namespaces/lw/pods', podManifest('p9'));
    const p2 = await api<List>('GET', `/api/v1/namespaces/lw/pods?limit=3&continue=${p1.body.metadata.continue}`);
    assert.deepEqual(p2.body.items.map((i) => i.metadata.name), ['p3', 'p4', 'p5']);
    assert.equal(p2.body.metadata.resourceVersion, p1.body.metadata.resourceVersion);
    const p3 = await api<List>('GET', `/api/v1/namespaces/lw/pods?limit=3&continue=${p2.body.metadata.continue}`);
    assert.deepEqual(p3.body.items.map((i) => i.metadata.name), ['p6']);
    assert.equal(p3.body.metadata.continue, undefined);
    await api('DELETE', '/api/v1/namespaces/lw/pods/p9');
  });

  test('resourceVersionMatch rules are validated', async () => {
    const noRv = await api('GET', '/api/v1/pods?resourceVersionMatch=Exact');
    assert.equal(noRv.status, 422);
    const exact0 = await api('GET', '/api/v1/pods?resourceVersion=0&resourceVersionMatch=Exact');
    assert.equal(exact0.status, 422);
    const list = await api<List>('GET', '/api/v1/namespaces/lw/pods');
    const exact = await api<List>('GET', `/api/v1/namespaces/lw/pods?resourceVersion=${list.body.metadata.resourceVersion}&resourceVersionMatch=Exact`);
    assert.equal(exact.status, 200);
    assert.equal(exact.body.items.length, 7);
  });

  test('watch from a version sends only later changes, one JSON object per line', async () => {
    const list = await api<List>('GET', '/api/v1/namespaces/lw/pods');
    const w = await openWatch(c.url, `/api/v1/namespaces/lw/pods?watch=1&resourceVersion=${list.body.metadata.resourceVersion}`);
    assert.equal(w.status, 200);
    assert.equal(w.contentType, 'application/json');
    await api('PATCH', '/api/v1/namespaces/lw/pods/p0', { metadata: { labels: { touched: 'yes' } } }, mergePatch);
    const ev = await w.next();
    assert.equal(ev.type, 'MODIFIED');
    assert.equal(ev.object.metadata?.name, 'p0');
    assert.equal(ev.object.kind, 'Pod');
    w.close();
  });

  test('watch without a version starts with ADDED for every existing object', async () => {
    const w = await openWatch(c.url, '/api/v1/namespaces/lw/pods?watch=true');
    const names: string[] = [];
    for (let i = 0; i < 7; i++) {
      const ev = await w.next();
      assert.equal(ev.type, 'ADDED');
      names.push(ev.object.metadata!.name!);
    }
    assert.deepEqual(names.sort(), ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    w.close();
  });

  test('DELETED carries the last state with the delete revision; selector transitions give ADDED/DELETED', async () => {
    await api('POST', '/api/v1/namespaces/lw/configmaps', { metadata: { name: 'sel', labels: { watch: 'no' } } });
    const list = await api<List>('GET', '/api/v1/namespaces/lw/configmaps');
    const w = await openWatch(c.url, `/api/v1/namespaces/lw/configmaps?watch=1&labelSelector=watch%3Dyes&resourceVersion=${list.body.metadata.resourceVersion}`);
    await api('PATCH', '/api/v1/namespaces/lw/configmaps/sel', { metadata: { labels: { watch: 'yes' } } }, mergePatch);
    const added = await w.next();
    assert.equal(added.type, 'ADDED');
    await api('PATCH', '/api/v1/namespaces/lw/configmaps/sel', { data: { k: 'v' } }, mergePatch);
    assert.equal((await w.next()).type, 'MODIFIED');
    await api('PATCH', '/api/v1/namespaces/lw/configmaps/sel', { metadata: { labels: { watch: 'no' } } }, mergePatch);
    assert.equal((await w.next()).type, 'DELETED');
    await api('PATCH', '/api/v1/namespaces/lw/configmaps/sel', { metadata: { labels: { watch: 'yes' } } }, mergePatch);
    assert.equal((await w.next()).type, 'ADDED');
    const revBefore = await c.api.etcdStore.currentRevision();
    await api('DELETE', '/api/v1/namespaces/lw/configmaps/sel');
    const del = await w.next();
    assert.equal(del.type, 'DELETED');
    assert.equal(del.object.metadata?.name, 'sel');
    assert.equal(del.object.metadata?.resourceVersion, String(revBefore + 1));
    assert.deepEqual((del.object as { data?: unknown }).data, { k: 'v' }, 'last state');
    w.close();
  });

  test('timeoutSeconds ends the watch; bookmarks are sent when asked', async () => {
    const w = await openWatch(c.url, '/api/v1/namespaces/lw/secrets?watch=1&timeoutSeconds=1&resourceVersion=0');
    const t0 = Date.now();
    await w.ended;
    assert.ok(Date.now() - t0 < 3000);
    const b = await openWatch(c.url, '/api/v1/namespaces/lw/secrets?watch=1&allowWatchBookmarks=true&resourceVersion=0');
    const ev = await b.next();
    assert.equal(ev.type, 'BOOKMARK');
    assert.equal(ev.object.kind, 'Secret');
    assert.match(String(ev.object.metadata?.resourceVersion), /^\d+$/);
    b.close();
    const plain = await openWatch(c.url, '/api/v1/namespaces/lw/secrets?watch=1&resourceVersion=0&timeoutSeconds=1');
    await assert.rejects(plain.next(800), /no watch event/);
    plain.close();
  });

  test('a compacted resourceVersion gives one ERROR event with 410 Expired; a stale continue token gives 410', async () => {
    const p1 = await api<List>('GET', '/api/v1/namespaces/lw/pods?limit=2');
    const oldRv = p1.body.metadata.resourceVersion;
    for (let i = 0; i < 3; i++) await api('PATCH', '/api/v1/namespaces/lw/pods/p1', { metadata: { labels: { n: String(i) } } }, mergePatch);
    await c.api.compact();
    const cont = await api('GET', `/api/v1/namespaces/lw/pods?limit=2&continue=${p1.body.metadata.continue}`);
    assert.equal(cont.status, 410);
    assert.equal((cont.body as unknown as { reason: string }).reason, 'Expired');
    // the watch cache window is what decides "too old" for watches; restart the api-server so its window starts now
    await c.restartApi();
    const w = await openWatch(c.url, `/api/v1/namespaces/lw/pods?watch=1&resourceVersion=${oldRv}`);
    assert.equal(w.status, 200);
    const ev = await w.next();
    assert.equal(ev.type, 'ERROR');
    assert.equal(ev.object.kind, 'Status');
    assert.equal(ev.object.code, 410);
    assert.equal(ev.object.reason, 'Expired');
    assert.match(String(ev.object.message), /^too old resource version: \d+ \(\d+\)$/);
    await w.ended;
  });

  test('watch over WebSocket delivers the same events', async () => {
    const { WebSocket } = await import('ws');
    const list = await api<List>('GET', '/api/v1/namespaces/lw/configmaps');
    const ws = new WebSocket(`${c.url.replace('http', 'ws')}/api/v1/namespaces/lw/configmaps?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
    await new Promise((res, rej) => {
      ws.once('open', res);
      ws.once('error', rej);
    });
    const got = new Promise<{ type: string; object: Obj }>((res) => ws.once('message', (d: Buffer) => res(JSON.parse(d.toString()) as { type: string; object: Obj })));
    await api('POST', '/api/v1/namespaces/lw/configmaps', { metadata: { name: 'ws1' } });
    const ev = await got;
    assert.equal(ev.type, 'ADDED');
    assert.equal(ev.object.metadata.name, 'ws1');
    ws.close();
  });
});
