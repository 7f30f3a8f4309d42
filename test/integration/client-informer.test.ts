import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import { ApiError, isApiError } from '../../api/errors.js';
import { requireResource } from '../../api/resources.js';
import { Informer, restListWatcher, type ListWatcher, type ResourceEventHandler } from '../../client/informer.js';
import { Lister } from '../../client/lister.js';
import { RestClient } from '../../client/rest.js';
import type { ListOptions, ObjectList, ObjectWatchEvent, WatchOptions } from '../../client/types.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';

const NAMESPACES = requireResource('', 'v1', 'namespaces');
const CONFIGMAPS = requireResource('', 'v1', 'configmaps');
const WINDOW = 8;

/** Polls (real time: this is an integration test) until `cond` holds. */
async function eventually(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

function recorder(): { calls: string[]; handler: ResourceEventHandler<ConfigMap> } {
  const calls: string[] = [];
  return {
    calls,
    handler: {
      onAdd: (o) => calls.push(`add ${o.metadata?.name}`),
      onUpdate: (o, n) => {
        if (o.metadata?.resourceVersion !== n.metadata?.resourceVersion) calls.push(`update ${n.metadata?.name}`);
      },
      onDelete: (o) => calls.push(`delete ${o.metadata?.name}`),
    },
  };
}

/** Wraps a ListWatcher so a test can cut the watch and hold reconnections (a client "partition"). */
class GatedListWatcher<T extends ConfigMap> implements ListWatcher<T> {
  readonly listCalls: ListOptions[] = [];
  readonly watchCalls: WatchOptions[] = [];
  private gate: Promise<void> | undefined;
  private open = (): void => undefined;
  private current = new Set<AbortController>();

  constructor(private readonly inner: ListWatcher<T>) {}

  list(opts: ListOptions, signal?: AbortSignal): Promise<ObjectList<T>> {
    this.listCalls.push({ ...opts });
    return this.inner.list(opts, signal);
  }

  watch(opts: WatchOptions, signal: AbortSignal): AsyncIterable<ObjectWatchEvent<T>> {
    this.watchCalls.push({ ...opts });
    return { [Symbol.asyncIterator]: () => this.gatedWatch(opts, signal) };
  }

  private async *gatedWatch(opts: WatchOptions, signal: AbortSignal): AsyncGenerator<ObjectWatchEvent<T>> {
    if (this.gate) {
      await Promise.race([this.gate, new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }))]);
    }
    if (signal.aborted) return;
    const ac = new AbortController();
    const onAbort = (): void => ac.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.current.add(ac);
    try {
      yield* this.inner.watch(opts, ac.signal);
    } finally {
      this.current.delete(ac);
      signal.removeEventListener('abort', onAbort);
    }
  }

  pause(): void {
    this.gate = new Promise<void>((r) => (this.open = r));
    for (const ac of this.current) ac.abort();
  }

  resume(): void {
    this.gate = undefined;
    this.open();
  }
}

describe('client library against the real api-server and etcd', () => {
  let c: TestCluster;
  let rest: RestClient;
  const ns = 'client-it';
  const cm = (name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}): ConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, labels },
    data,
  });

  before(async () => {
    // a small watch-cache window makes "too old resourceVersion" (410) reachable with a few writes
    c = await startTestCluster({ watchLimits: { bookmarkIntervalMs: 200 }, watchWindow: WINDOW });
    rest = new RestClient({ server: c.url, userAgent: 'kubemu-client-it' });
    await rest.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  after(async () => {
    rest?.close();
    await c?.stop();
  });

  test('RestClient CRUD, paging, conflicts and errors are typed ApiErrors', async () => {
    const created = await rest.create<ConfigMap>(CONFIGMAPS, ns, cm('crud', { a: '1' }, { app: 'crud' }));
    assert.match(created.metadata?.resourceVersion ?? '', /^\d+$/);
    const got = await rest.get<ConfigMap>(CONFIGMAPS, ns, 'crud');
    assert.deepEqual(got.data, { a: '1' });
    const dry = await rest.create<ConfigMap>(CONFIGMAPS, ns, cm('dry'), { dryRun: true });
    assert.equal(dry.metadata?.name, 'dry');
    await assert.rejects(rest.get(CONFIGMAPS, ns, 'dry'), (e: unknown) => isApiError(e, 'NotFound'));
    await assert.rejects(rest.create(CONFIGMAPS, ns, cm('crud')), (e: unknown) => isApiError(e, 'AlreadyExists') && (e).code === 409);

    const updated = await rest.update<ConfigMap>(CONFIGMAPS, ns, { ...got, data: { a: '2' } });
    assert.notEqual(updated.metadata?.resourceVersion, got.metadata?.resourceVersion);
    await assert.rejects(rest.update(CONFIGMAPS, ns, { ...got, data: { a: 'stale' } }), (e: unknown) => isApiError(e, 'Conflict'));

    const patched = await rest.patch<ConfigMap>(CONFIGMAPS, ns, 'crud', 'merge', { data: { b: '3' } });
    assert.deepEqual(patched.data, { a: '2', b: '3' });
    const jsonPatched = await rest.patch<ConfigMap>(CONFIGMAPS, ns, 'crud', 'json', [{ op: 'remove', path: '/data/a' }]);
    assert.deepEqual(jsonPatched.data, { b: '3' });

    for (let i = 0; i < 5; i++) await rest.create(CONFIGMAPS, ns, cm(`page-${i}`, {}, { app: 'page' }));
    const p1 = await rest.list<ConfigMap>(CONFIGMAPS, ns, { labelSelector: 'app=page', limit: 2 });
    assert.equal(p1.items.length, 2);
    assert.ok(p1.metadata.continue);
    const p2 = await rest.list<ConfigMap>(CONFIGMAPS, ns, { labelSelector: 'app=page', limit: 10, continue: p1.metadata.continue });
    assert.equal(p2.items.length, 3);
    assert.equal(p2.metadata.continue ?? '', '');

    await rest.delete(CONFIGMAPS, ns, 'crud');
    await assert.rejects(rest.get(CONFIGMAPS, ns, 'crud'), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 404);
      assert.equal(e.message, 'configmaps "crud" not found');
      return true;
    });
    await rest.deleteCollection(CONFIGMAPS, ns, { labelSelector: 'app=page' });
    await eventually(async () => (await rest.list(CONFIGMAPS, ns, { labelSelector: 'app=page' })).items.length === 0, 'deletecollection');
  });

  test('RestClient.watch streams real events; an RV older than the watch window gives ApiError 410', async () => {
    const list = await rest.list<ConfigMap>(CONFIGMAPS, ns);
    const ac = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const ev of rest.watch<ConfigMap>(CONFIGMAPS, ns, { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 30 }, ac.signal)) {
        if (ev.type !== 'BOOKMARK') seen.push(`${ev.type} ${ev.object.metadata?.name}`);
        if (seen.length === 3) ac.abort();
      }
    })();
    await rest.create(CONFIGMAPS, ns, cm('w1'));
    await rest.patch(CONFIGMAPS, ns, 'w1', 'merge', { data: { x: 'y' } });
    await rest.delete(CONFIGMAPS, ns, 'w1');
    await done;
    assert.deepEqual(seen, ['ADDED w1', 'MODIFIED w1', 'DELETED w1']);

    const old = list.metadata.resourceVersion;
    await rest.create(CONFIGMAPS, ns, cm('w2'));
    for (let i = 0; i <= WINDOW; i++) await rest.patch(CONFIGMAPS, ns, 'w2', 'merge', { data: { i: String(i) } });
    await assert.rejects(
      (async () => {
        for await (const _ of rest.watch(CONFIGMAPS, ns, { resourceVersion: old })) void _;
      })(),
      (e: unknown) => e instanceof ApiError && e.code === 410 && (e.reason === 'Expired' || e.reason === 'Gone'),
    );
    await rest.delete(CONFIGMAPS, ns, 'w2');
  });

  test('informer: paged initial list, live add/update/delete, bookmarks advance the RV, lister is current', async () => {
    for (let i = 0; i < 7; i++) await rest.create(CONFIGMAPS, ns, cm(`inf-${i}`, { i: String(i) }, { app: 'inf' }));
    const lw = new GatedListWatcher(restListWatcher<ConfigMap>(rest, CONFIGMAPS, ns, { labelSelector: 'app=inf' }));
    const informer = new Informer<ConfigMap>(lw, { pageSize: 3, name: 'it' });
    const rec = recorder();
    informer.addEventHandler(rec.handler);
    const lister = new Lister(informer);
    informer.start();
    try {
      assert.equal(await informer.waitForSync(), true);
      // an RV "0" list may come from a watch cache a moment behind; the watch then delivers the rest
      await eventually(() => lister.list().length === 7, 'all 7 objects cached');
      // RV "0" may be served from the watch cache in one page (limit ignored, as upstream); later pages use continue
      assert.deepEqual(lw.listCalls[0], { limit: 3, resourceVersion: '0' });
      assert.ok(lw.listCalls.slice(1).every((o) => o.continue && o.resourceVersion === undefined));
      assert.equal(rec.calls.filter((x) => x.startsWith('add')).length, 7);

      await rest.create(CONFIGMAPS, ns, cm('inf-new', {}, { app: 'inf' }));
      await rest.patch(CONFIGMAPS, ns, 'inf-0', 'merge', { data: { i: 'changed' } });
      await rest.delete(CONFIGMAPS, ns, 'inf-1');
      // stops matching the selector → the server sends DELETED
      await rest.patch(CONFIGMAPS, ns, 'inf-2', 'merge', { metadata: { labels: { app: 'other' } } });
      await eventually(() => rec.calls.length >= 11, 'live events');
      assert.deepEqual(rec.calls.slice(7), ['add inf-new', 'update inf-0', 'delete inf-1', 'delete inf-2']);
      assert.equal(lister.get(ns, 'inf-0')?.data?.i, 'changed');
      assert.equal(lister.get(ns, 'inf-2'), undefined);

      // bookmarks: writes elsewhere advance the revision; the informer's RV follows without events for it
      const before = BigInt(informer.lastSyncResourceVersion());
      await rest.create(CONFIGMAPS, ns, cm('unrelated', {}, { app: 'nope' }));
      await eventually(() => BigInt(informer.lastSyncResourceVersion()) > before, 'a bookmark advancing the RV');
      assert.equal(rec.calls.length, 11);
    } finally {
      await informer.stop();
    }
  });

  test('informer: a 410 from the real server after a disconnection relists and emits the exact diff', async () => {
    for (const n of ['gx-a', 'gx-b', 'gx-c']) await rest.create(CONFIGMAPS, ns, cm(n, { v: '1' }, { app: 'gx' }));
    const lw = new GatedListWatcher(restListWatcher<ConfigMap>(rest, CONFIGMAPS, ns, { labelSelector: 'app=gx' }));
    const informer = new Informer<ConfigMap>(lw, { name: 'gx', backoffInitialMs: 100, backoffMaxMs: 500, pageSize: 1 });
    const rec = recorder();
    informer.addEventHandler(rec.handler);
    const lister = new Lister(informer);
    informer.start();
    try {
      await informer.waitForSync();
      assert.deepEqual(rec.calls.sort(), ['add gx-a', 'add gx-b', 'add gx-c']);
      rec.calls.length = 0;
      const rvBefore = informer.lastSyncResourceVersion();

      lw.pause(); // the informer is cut off and cannot reconnect
      await rest.patch(CONFIGMAPS, ns, 'gx-b', 'merge', { data: { v: '2' } });
      await rest.delete(CONFIGMAPS, ns, 'gx-c');
      await rest.create(CONFIGMAPS, ns, cm('gx-d', {}, { app: 'gx' }));
      // push the informer's RV out of the api-server's watch window → its re-watch gets a 410 ERROR event
      await rest.create(CONFIGMAPS, ns, cm('gx-churn', {}, { app: 'churn' }));
      for (let i = 0; i <= WINDOW; i++) await rest.patch(CONFIGMAPS, ns, 'gx-churn', 'merge', { data: { i: String(i) } });
      const listsBefore = lw.listCalls.length;
      lw.resume();

      await eventually(() => rec.calls.length >= 3, 'the relist diff');
      assert.deepEqual(rec.calls.sort(), ['add gx-d', 'delete gx-c', 'update gx-b']);
      assert.deepEqual(lw.listCalls[listsBefore], { limit: 1, resourceVersion: '' }, 'relisted from the latest ("")');
      assert.ok(lw.listCalls.length - listsBefore >= 3, 'the relist was paged with continue tokens');
      assert.ok(lw.listCalls.slice(listsBefore + 1).every((o) => o.continue && o.resourceVersion === undefined));
      assert.ok(BigInt(informer.lastSyncResourceVersion()) > BigInt(rvBefore));
      assert.deepEqual(lister.list().map((o) => o.metadata?.name).sort(), ['gx-a', 'gx-b', 'gx-d']);
      assert.equal(lister.get(ns, 'gx-b')?.data?.v, '2');

      // and it keeps watching afterwards
      await rest.delete(CONFIGMAPS, ns, 'gx-a');
      await eventually(() => rec.calls.includes('delete gx-a'), 'watch resumed after the relist');
    } finally {
      await informer.stop();
    }
  });

  test('informer: survives an etcd outage behind the api-server and converges with the server', async () => {
    const informer = new Informer<ConfigMap>(restListWatcher(rest, CONFIGMAPS, ns, { labelSelector: 'app=rs' }), { name: 'rs', backoffInitialMs: 100, backoffMaxMs: 500 });
    const rec = recorder();
    informer.addEventHandler(rec.handler);
    informer.start();
    try {
      await informer.waitForSync();
      await rest.create(CONFIGMAPS, ns, cm('rs-1', {}, { app: 'rs' }));
      await eventually(() => rec.calls.includes('add rs-1'), 'first add');
      await c.etcd.pause();
      await new Promise((r) => setTimeout(r, 3000));
      await c.etcd.unpause();
      await eventually(async () => {
        try {
          await rest.create(CONFIGMAPS, ns, cm('rs-2', {}, { app: 'rs' }));
          return true;
        } catch (e) {
          return isApiError(e, 'AlreadyExists');
        }
      }, 'writes to work again', 30_000);
      await rest.patch(CONFIGMAPS, ns, 'rs-1', 'merge', { data: { after: 'outage' } });
      await eventually(() => rec.calls.includes('add rs-2') && rec.calls.includes('update rs-1'), 'events after the outage', 30_000);
      const server = await rest.list<ConfigMap>(CONFIGMAPS, ns, { labelSelector: 'app=rs' });
      await eventually(() => new Lister(informer).list().length === server.items.length, 'cache size to match');
      const cached = new Lister(informer).list();
      assert.deepEqual(
        cached.map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`).sort(),
        server.items.map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`).sort(),
      );
      assert.equal(rec.calls.filter((x) => x === 'add rs-1').length, 1, 'no duplicate add after reconnecting');
    } finally {
      await informer.stop();
    }
  });
});
