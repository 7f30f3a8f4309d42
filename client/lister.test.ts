import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { FakeClock, flushPromises } from '../common/clock.js';
import { Informer } from './informer.js';
import { Lister, type LabelMatcher } from './lister.js';
import { Store } from './store.js';
import { FakeListWatcher, fakeList } from './testing.js';

function pod(ns: string, name: string, rv: string, nodeName?: string, labels: Record<string, string> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: ns, name, resourceVersion: rv, labels },
    spec: { containers: [{ name: 'c', image: 'x' }], ...(nodeName ? { nodeName } : {}) },
  };
}

const app = (v: string): LabelMatcher => ({ matches: (l) => l.app === v });

async function started() {
  const lw = new FakeListWatcher<Pod>();
  lw.onNextList(fakeList([pod('a', 'p1', '1', 'node-1', { app: 'web' }), pod('a', 'p2', '2', 'node-2', { app: 'db' }), pod('b', 'p3', '3', 'node-1', { app: 'web' }), pod('b', 'p4', '4')], '4'));
  const informer = new Informer<Pod>(lw, { clock: new FakeClock(0) });
  const lister = new Lister(informer);
  lister.addIndex('nodeName', (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  informer.start();
  await informer.waitForSync();
  const w = await lw.watchAt(0);
  return { informer, lister, w };
}

void test('get / list / listNamespace with selectors', async () => {
  const { informer, lister } = await started();
  assert.equal(lister.get('a', 'p1')?.metadata?.resourceVersion, '1');
  assert.equal(lister.get('a', 'nope'), undefined);
  assert.equal(lister.get('b', 'p1'), undefined);
  assert.equal(lister.list().length, 4);
  assert.deepEqual(lister.list(app('web')).map((p) => p.metadata?.name).sort(), ['p1', 'p3']);
  assert.deepEqual(lister.listNamespace('a').map((p) => p.metadata?.name).sort(), ['p1', 'p2']);
  assert.deepEqual(lister.listNamespace('b', app('web')).map((p) => p.metadata?.name), ['p3']);
  assert.deepEqual(lister.listNamespace('zzz'), []);
  await informer.stop();
});

void test('indices follow adds, updates (re-indexing) and deletes', async () => {
  const { informer, lister, w } = await started();
  const names = (node: string): string[] => lister.byIndex('nodeName', node).map((p) => p.metadata?.name ?? '').sort();
  assert.deepEqual(names('node-1'), ['p1', 'p3']);
  w.send('MODIFIED', pod('b', 'p4', '5', 'node-2')); // bound
  w.send('MODIFIED', pod('a', 'p1', '6', 'node-2')); // moved
  w.send('DELETED', pod('a', 'p2', '7', 'node-2'));
  w.send('ADDED', pod('c', 'p5', '8', 'node-1'));
  await flushPromises();
  assert.deepEqual(names('node-1'), ['p3', 'p5']);
  assert.deepEqual(names('node-2'), ['p1', 'p4']);
  assert.deepEqual(lister.listNamespace('c').map((p) => p.metadata?.name), ['p5']);
  assert.deepEqual(lister.byIndex('nodeName', 'node-9'), []);
  assert.throws(() => lister.byIndex('nope', 'x'), /does not exist/);
  assert.throws(() => lister.addIndex('nodeName', () => []), /already exists/);
  await informer.stop();
});

void test('returned objects are frozen (callers must deepCopy before mutating)', async () => {
  const { informer, lister } = await started();
  const p = lister.get('a', 'p1')!;
  assert.throws(() => {
    (p.spec as { nodeName?: string }).nodeName = 'other';
  }, TypeError);
  assert.throws(() => {
    p.spec!.containers.push({ name: 'evil' });
  }, TypeError);
  assert.equal(lister.get('a', 'p1')?.spec?.nodeName, 'node-1');
  const copy = structuredClone(p);
  copy.spec!.nodeName = 'fine';
  assert.equal(copy.spec!.nodeName, 'fine');
  await informer.stop();
});

void test('an index added after objects exist indexes them; a multi-valued index files under each value', () => {
  const store = new Store<Pod>();
  store.set('a/p1', pod('a', 'p1', '1', 'n1', { app: 'web', tier: 'fe' }));
  store.set('a/p2', pod('a', 'p2', '2', 'n1', { app: 'web' }));
  const lister = new Lister(store);
  lister.addIndex('labels', (p) => Object.entries(p.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`));
  assert.equal(lister.byIndex('labels', 'app=web').length, 2);
  assert.equal(lister.byIndex('labels', 'tier=fe').length, 1);
  store.delete('a/p1');
  assert.equal(lister.byIndex('labels', 'tier=fe').length, 0);
  assert.deepEqual(store.indexValues('labels'), ['app=web']);
  assert.equal(lister.hasIndex('labels'), true);
  assert.equal(lister.listNamespace('a').length, 1);
});
