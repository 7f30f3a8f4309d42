import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, flushPromises } from '../common/clock.js';
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { Informer, type InformerOptions, type ResourceEventHandler } from './informer.js';
import { Lister } from './lister.js';
import { FakeListWatcher, fakeList, fakeObject } from './testing.js';
import { objectKey } from './types.js';

const rvOf = (o: KubeObject): string => o.metadata?.resourceVersion ?? '';

function recorder(): { calls: string[]; handler: ResourceEventHandler<KubeObject> } {
  const calls: string[] = [];
  return {
    calls,
    handler: {
      onAdd: (o) => calls.push(`add ${objectKey(o)}@${rvOf(o)}`),
      onUpdate: (o, n) => calls.push(`update ${objectKey(n)} ${rvOf(o)}->${rvOf(n)}`),
      onDelete: (o) => calls.push(`delete ${objectKey(o)}@${rvOf(o)}`),
    },
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await flushPromises();
}

function setup(opts: InformerOptions = {}, lw = new FakeListWatcher()) {
  const clock = new FakeClock(0);
  const informer = new Informer(lw, { clock, random: () => 0, ...opts });
  const rec = recorder();
  informer.addEventHandler(rec.handler);
  return { clock, lw, informer, rec };
}

const obj = (name: string, rv: string, extra: Record<string, unknown> = {}): KubeObject => fakeObject(name, rv, 'ns', extra);

void test('initial list is paged (limit 500, continue) from RV "0", then watches from the list RV with bookmarks', async () => {
  const { lw, informer, rec } = setup();
  lw.onNextList(fakeList([obj('a', '5')], '10', 'c1')).onNextList(fakeList([obj('b', '7')], '10'));
  assert.equal(informer.hasSynced(), false);
  informer.start();
  assert.equal(await informer.waitForSync(), true);
  assert.equal(informer.hasSynced(), true);
  assert.deepEqual(lw.listCalls, [{ limit: 500, resourceVersion: '0' }, { limit: 500, continue: 'c1' }]);
  assert.deepEqual(rec.calls, ['add ns/a@5', 'add ns/b@7']);
  const w = await lw.watchAt(0);
  assert.equal(w.opts.resourceVersion, '10');
  assert.equal(w.opts.allowWatchBookmarks, true);
  assert.ok(w.opts.timeoutSeconds! >= 300 && w.opts.timeoutSeconds! < 600);
  assert.equal(informer.lastSyncResourceVersion(), '10');
  await informer.stop();
  assert.equal(w.isClosed, true);
});

void test('watch timeoutSeconds is randomised in [300, 600)', async () => {
  const seen = new Set<number>();
  for (const r of [0, 0.5, 0.999]) {
    const { lw, informer } = setup({ random: () => r });
    informer.start();
    seen.add((await lw.watchAt(0)).opts.timeoutSeconds!);
    await informer.stop();
  }
  assert.deepEqual([...seen].sort(), [300, 450, 599]);
});

void test('watch events drive the store and handlers; ADDED for a known key is an update', async () => {
  const { lw, informer, rec } = setup();
  lw.onNextList(fakeList([obj('a', '5')], '10'));
  informer.start();
  const w = await lw.watchAt(0);
  w.send('ADDED', obj('b', '11')).send('MODIFIED', obj('a', '12', { data: { x: '1' } })).send('ADDED', obj('a', '13'));
  w.send('DELETED', obj('b', '14')).send('MODIFIED', obj('c', '15'));
  await settle();
  assert.deepEqual(rec.calls, ['add ns/a@5', 'add ns/b@11', 'update ns/a 5->12', 'update ns/a 12->13', 'delete ns/b@14', 'add ns/c@15']);
  assert.deepEqual(informer.store.keys().sort(), ['ns/a', 'ns/c']);
  assert.equal(informer.lastSyncResourceVersion(), '15');
  await informer.stop();
});

void test('a DELETED event for an unknown key is ignored but advances the RV', async () => {
  const { lw, informer, rec } = setup();
  informer.start();
  const w = await lw.watchAt(0);
  w.send('DELETED', obj('ghost', '20'));
  await settle();
  assert.deepEqual(rec.calls, []);
  assert.equal(informer.lastSyncResourceVersion(), '20');
  await informer.stop();
});

void test('after a normal close the watch is re-opened from the last seen RV, without relisting', async () => {
  const { lw, informer, rec } = setup();
  lw.onNextList(fakeList([obj('a', '5')], '10'));
  informer.start();
  const w0 = await lw.watchAt(0);
  w0.send('MODIFIED', obj('a', '15')).end();
  const w1 = await lw.watchAt(1);
  assert.equal(w1.opts.resourceVersion, '15');
  assert.equal(lw.listCalls.length, 1);
  w1.send('MODIFIED', obj('a', '16')).end();
  const w2 = await lw.watchAt(2);
  assert.equal(w2.opts.resourceVersion, '16');
  assert.deepEqual(rec.calls, ['add ns/a@5', 'update ns/a 5->15', 'update ns/a 15->16']);
  await informer.stop();
});

void test('bookmarks advance the RV without calling handlers', async () => {
  const { lw, informer, rec } = setup();
  lw.onNextList(fakeList([obj('a', '5')], '10'));
  informer.start();
  const w0 = await lw.watchAt(0);
  w0.send('BOOKMARK', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '50' } });
  await settle();
  assert.equal(informer.lastSyncResourceVersion(), '50');
  w0.end();
  const w1 = await lw.watchAt(1);
  assert.equal(w1.opts.resourceVersion, '50');
  assert.deepEqual(rec.calls, ['add ns/a@5']);
  await informer.stop();
});

void test('never back in time: events older than the cached object (numerically, as BigInt) are ignored', async () => {
  const { lw, informer, rec } = setup();
  const big = '9007199254740993'; // 2^53 + 1: not representable as a JS number
  lw.onNextList(fakeList([obj('a', '10'), obj('b', big)], '10'));
  informer.start();
  const w = await lw.watchAt(0);
  w.send('MODIFIED', obj('a', '9')); // "9" > "10" as strings, but older as numbers
  w.send('MODIFIED', obj('a', '10')); // duplicate
  w.send('DELETED', obj('a', '8'));
  w.send('MODIFIED', obj('b', '9007199254740992')); // 2^53: older
  w.send('MODIFIED', obj('a', '11'));
  w.send('MODIFIED', obj('b', '9007199254740994'));
  await settle();
  assert.deepEqual(rec.calls, [`add ns/a@10`, `add ns/b@${big}`, 'update ns/a 10->11', `update ns/b ${big}->9007199254740994`]);
  assert.equal(informer.lastSyncResourceVersion(), '9007199254740994');
  await informer.stop();
});

void test('410 ERROR event: relist from RV "" and emit exactly the add/update/delete diff', async () => {
  const { lw, informer, rec } = setup();
  lw.onNextList(fakeList([obj('a', '10'), obj('b', '10'), obj('c', '10'), obj('e', '10')], '10'));
  informer.start();
  const w0 = await lw.watchAt(0);
  w0.send('MODIFIED', obj('a', '11'));
  w0.fail(ApiError.expired('too old resource version: 11 (40)'));
  // While disconnected: b changed, c deleted, d created, a and e unchanged.
  lw.onNextList(fakeList([obj('a', '11'), obj('b', '20'), obj('d', '21'), obj('e', '10')], '25'));
  const w1 = await lw.watchAt(1);
  assert.deepEqual(lw.listCalls[1], { limit: 500, resourceVersion: '' });
  assert.deepEqual(rec.calls, ['add ns/a@10', 'add ns/b@10', 'add ns/c@10', 'add ns/e@10', 'update ns/a 10->11', 'add ns/d@21', 'update ns/b 10->20', 'delete ns/c@10']);
  assert.equal(w1.opts.resourceVersion, '25');
  assert.deepEqual(informer.store.keys().sort(), ['ns/a', 'ns/b', 'ns/d', 'ns/e']);
  await informer.stop();
});

void test('410 Gone as an HTTP error when opening the watch also relists', async () => {
  const { lw, informer, rec, clock } = setup();
  lw.onNextList(fakeList([obj('a', '10')], '10'));
  informer.start();
  (await lw.watchAt(0)).fail(new ApiError(410, 'Gone', 'gone'));
  lw.onNextList(fakeList([], '30'));
  const w1 = await lw.watchAt(1);
  assert.equal(w1.opts.resourceVersion, '30');
  assert.equal(clock.now(), 0, 'relist after 410 is immediate');
  assert.deepEqual(rec.calls, ['add ns/a@10', 'delete ns/a@10']);
  await informer.stop();
});

void test('relist keeps a cached object newer than the list snapshot and ignores older list items', async () => {
  const { lw, informer, rec } = setup();
  lw.onNextList(fakeList([obj('a', '10')], '10'));
  informer.start();
  const w0 = await lw.watchAt(0);
  w0.send('ADDED', obj('new', '30')).send('MODIFIED', obj('a', '31'));
  w0.fail(ApiError.expired('expired'));
  lw.onNextList(fakeList([obj('a', '12')], '20')); // a stale snapshot
  await lw.watchAt(1);
  assert.deepEqual(rec.calls, ['add ns/a@10', 'add ns/new@30', 'update ns/a 10->31']);
  assert.equal(rvOf(informer.store.get('ns/a')!), '31');
  await informer.stop();
});

void test('other watch errors back off exponentially (Clock) and re-watch from the last RV without relisting', async () => {
  const { lw, informer, clock } = setup({ backoffInitialMs: 800, backoffMaxMs: 3000 });
  lw.onNextList(fakeList([obj('a', '10')], '10'));
  informer.start();
  const w0 = await lw.watchAt(0);
  w0.send('MODIFIED', obj('a', '12'));
  w0.fail(ApiError.unavailable('connection refused'));
  await settle();
  assert.equal(lw.watches.length, 1);
  await clock.advance(799);
  assert.equal(lw.watches.length, 1);
  await clock.advance(1);
  const w1 = await lw.watchAt(1);
  assert.equal(w1.opts.resourceVersion, '12');
  w1.fail(ApiError.internal('boom'));
  await clock.advance(1599);
  assert.equal(lw.watches.length, 2);
  await clock.advance(1);
  const w2 = await lw.watchAt(2);
  w2.fail(new Error('socket hang up'));
  await clock.advance(2999);
  assert.equal(lw.watches.length, 3);
  await clock.advance(1); // capped at 3000
  const w3 = await lw.watchAt(3);
  assert.equal(w3.opts.resourceVersion, '12');
  // a watch that delivers events resets the backoff
  w3.send('MODIFIED', obj('a', '13'));
  await settle();
  w3.end();
  const w4 = await lw.watchAt(4);
  w4.fail(ApiError.unavailable('again'));
  await clock.advance(800);
  await lw.watchAt(5);
  assert.equal(lw.listCalls.length, 1);
  await informer.stop();
});

void test('an error, then 410 on the re-watch, relists from ""', async () => {
  const { lw, informer, clock, rec } = setup();
  lw.onNextList(fakeList([obj('a', '10')], '10'));
  informer.start();
  (await lw.watchAt(0)).fail(ApiError.unavailable('down'));
  await clock.advance(800);
  const w1 = await lw.watchAt(1);
  assert.equal(w1.opts.resourceVersion, '10');
  lw.onNextList(fakeList([obj('a', '50')], '60'));
  w1.fail(ApiError.expired('too old'));
  const w2 = await lw.watchAt(2);
  assert.deepEqual(lw.listCalls.map((c) => c.resourceVersion), ['0', '']);
  assert.equal(w2.opts.resourceVersion, '60');
  assert.deepEqual(rec.calls, ['add ns/a@10', 'update ns/a 10->50']);
  await informer.stop();
});

void test('list failures back off and retry; a 410 on list retries at once with RV ""', async () => {
  const { lw, informer, clock } = setup();
  lw.failNextList(ApiError.unavailable('down')).failNextList(ApiError.expired('expired')).onNextList(fakeList([obj('a', '1')], '3'));
  informer.start();
  await lw.listCalled(1);
  await settle();
  assert.equal(lw.listCalls.length, 1);
  await clock.advance(800);
  await lw.watchAt(0);
  assert.deepEqual(lw.listCalls.map((c) => c.resourceVersion), ['0', '0', '']);
  assert.equal(informer.hasSynced(), true);
  await informer.stop();
});

void test('a continue token that expired mid-list (410) restarts the list from RV ""', async () => {
  const { lw, informer, rec } = setup();
  lw.onNextList(fakeList([obj('a', '1')], '5', 'tok')).failNextList(ApiError.expired('The provided continue parameter is too old'));
  lw.onNextList(fakeList([obj('a', '1'), obj('b', '6')], '7'));
  informer.start();
  await lw.watchAt(0);
  assert.deepEqual(lw.listCalls, [
    { limit: 500, resourceVersion: '0' },
    { limit: 500, continue: 'tok' },
    { limit: 500, resourceVersion: '' },
  ]);
  assert.deepEqual(rec.calls, ['add ns/a@1', 'add ns/b@6']);
  await informer.stop();
});

void test('a very short watch with no events is treated as a failure (backoff before re-watching)', async () => {
  const { lw, informer, clock } = setup();
  informer.start();
  (await lw.watchAt(0)).end();
  await settle();
  assert.equal(lw.watches.length, 1);
  await clock.advance(800);
  const w1 = await lw.watchAt(1);
  await clock.advance(5000);
  w1.end(); // long enough: immediate re-watch
  await lw.watchAt(2);
  await informer.stop();
});

void test('a silent watch is abandoned by the client after timeoutSeconds + grace and re-opened', async () => {
  const { lw, informer, clock } = setup({ watchTimeoutSeconds: () => 300, watchGraceMs: 30_000 });
  informer.start();
  const w0 = await lw.watchAt(0);
  await clock.advance(329_999);
  assert.equal(w0.isClosed, false);
  await clock.advance(1);
  assert.equal(w0.isClosed, true);
  await lw.watchAt(1);
  await informer.stop();
});

void test('periodic resync calls onUpdate(obj, obj) for every cached object; 0 disables it', async () => {
  const { lw, informer, clock, rec } = setup({ resyncPeriodMs: 1000 });
  lw.onNextList(fakeList([obj('a', '1'), obj('b', '2')], '2'));
  informer.start();
  await informer.waitForSync();
  rec.calls.length = 0;
  await clock.advance(999);
  assert.deepEqual(rec.calls, []);
  await clock.advance(1);
  assert.deepEqual(rec.calls.sort(), ['update ns/a 1->1', 'update ns/b 2->2']);
  await clock.advance(1000);
  assert.equal(rec.calls.length, 4);
  await informer.stop();
  await clock.advance(5000);
  assert.equal(rec.calls.length, 4, 'no resync after stop');

  const off = setup();
  off.lw.onNextList(fakeList([obj('a', '1')], '2'));
  off.informer.start();
  await off.informer.waitForSync();
  await off.clock.advance(3600_000);
  assert.deepEqual(off.rec.calls, ['add ns/a@1']);
  await off.informer.stop();
});

void test('handlers cannot mutate the cache: objects are frozen copies; the caller\'s objects are not frozen', async () => {
  const lw = new FakeListWatcher();
  const listed = obj('a', '1', { data: { k: 'v' } });
  lw.onNextList(() => fakeList([listed], '1'));
  const { informer } = setup({}, lw);
  const errors: unknown[] = [];
  informer.addEventHandler({
    onAdd: (o) => {
      try {
        (o.metadata as { name: string }).name = 'hacked';
      } catch (e) {
        errors.push(e);
      }
      try {
        (o.data as Record<string, string>).k = 'mutated';
      } catch (e) {
        errors.push(e);
      }
    },
  });
  informer.addEventHandler({ onAdd: () => { throw new Error('a throwing handler must not break the informer'); } });
  informer.start();
  await informer.waitForSync();
  assert.equal(errors.length, 2);
  assert.ok(errors.every((e) => e instanceof TypeError));
  const cached = new Lister(informer).get('ns', 'a')!;
  assert.equal(cached.metadata?.name, 'a');
  assert.deepEqual(cached.data, { k: 'v' });
  assert.ok(Object.isFrozen(cached) && Object.isFrozen(cached.metadata));
  assert.equal(Object.isFrozen(listed), false);
  await informer.stop();
});

void test('a handler added after sync gets onAdd for every cached object; remove() unregisters', async () => {
  const { lw, informer } = setup();
  lw.onNextList(fakeList([obj('a', '1'), obj('b', '2')], '2'));
  informer.start();
  await informer.waitForSync();
  const late = recorder();
  const reg = informer.addEventHandler(late.handler);
  assert.deepEqual(late.calls.sort(), ['add ns/a@1', 'add ns/b@2']);
  reg.remove();
  (await lw.watchAt(0)).send('ADDED', obj('c', '3'));
  await settle();
  assert.equal(late.calls.length, 2);
  await informer.stop();
});

void test('onAdd reports isInInitialList', async () => {
  const lw = new FakeListWatcher();
  lw.onNextList(fakeList([obj('a', '1')], '1'));
  const informer = new Informer(lw, { clock: new FakeClock(0) });
  const seen: string[] = [];
  informer.addEventHandler({ onAdd: (o, initial) => seen.push(`${o.metadata?.name}:${initial}`) });
  informer.start();
  (await lw.watchAt(0)).send('ADDED', obj('b', '2'));
  await settle();
  assert.deepEqual(seen, ['a:true', 'b:false']);
  await informer.stop();
});

void test('stop(): closes the watch, ends the loop, waitForSync resolves false if never synced', async () => {
  const lw = new FakeListWatcher();
  let release!: () => void;
  lw.onNextList(() => new Promise((r) => (release = () => r(fakeList([], '1')))));
  const informer = new Informer(lw, { clock: new FakeClock(0) });
  informer.start();
  const sync = informer.waitForSync();
  await settle();
  const stopped = informer.stop();
  assert.equal(await sync, false);
  release();
  await stopped;
  assert.equal(lw.watches.length, 0, 'no watch after stop');
  assert.throws(() => informer.start(), /already started/);
});

void test('start(signal): aborting the signal stops the informer', async () => {
  const { lw, informer } = setup();
  const ac = new AbortController();
  informer.start(ac.signal);
  const w = await lw.watchAt(0);
  ac.abort();
  await informer.stop();
  assert.equal(w.isClosed, true);
  const ac2 = new AbortController();
  const sync = informer.waitForSync(ac2.signal);
  ac2.abort();
  assert.equal(await sync, true, 'it had synced');
});

void test('cluster-scoped objects are keyed by name', async () => {
  const { lw, informer, rec } = setup();
  lw.onNextList(fakeList([fakeObject('node-1', '3')], '3'));
  informer.start();
  await informer.waitForSync();
  assert.deepEqual(informer.store.keys(), ['node-1']);
  assert.deepEqual(rec.calls, ['add node-1@3']);
  await informer.stop();
});
