import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredObject } from '../../api/object.js';
import { silentLogger } from '../../common/logger.js';
import type { Cacher } from '../storage/cacher.js';
import { WatchCache } from '../storage/watch-cache.js';
import type { GenericStore } from '../registry/store.js';
import { ClientWatch, type WatchSink } from './watch.js';

/** A transport that takes `room` events before it reports backpressure, and records what it got. */
class FakeSink implements WatchSink {
  readonly got: string[] = [];
  ended = false;
  private drain: (() => void) | undefined;
  constructor(public room: number) {}
  write(text: string): boolean {
    this.got.push(text);
    return this.got.length < this.room;
  }
  onDrain(cb: () => void): void {
    this.drain = cb;
  }
  onClose(): void {}
  end(): void {
    this.ended = true;
  }
  drained(room: number): void {
    this.room = room;
    this.drain?.();
  }
}

const cm = (name: string): StoredObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } });

async function watching(sink: FakeSink, maxPendingEvents = 100): Promise<{ cache: WatchCache; watch: ClientWatch }> {
  const cache = new WatchCache('/registry/configmaps/', 1000);
  cache.reset([], 10);
  const store = { cache, info: { resource: 'configmaps', kind: 'ConfigMap' }, matches: () => true, externalize: (o: StoredObject) => o } as unknown as GenericStore;
  const cacher = { waitForRevision: async () => undefined, observedRevision: 10 } as unknown as Cacher;
  const params = { namespace: undefined, resourceVersion: '10', allowBookmarks: false, timeoutSeconds: 0 };
  const watch = new ClientWatch(store, cacher, params, sink, { maxPendingEvents, bookmarkIntervalMs: 60_000 }, silentLogger());
  await watch.start();
  return { cache, watch };
}

const names = (sink: FakeSink): string[] => sink.got.map((t) => (JSON.parse(t) as { object: StoredObject }).object.metadata.name ?? '');

test('events of one revision are never split between the transport and the queue', async () => {
  const sink = new FakeSink(2);
  const { cache, watch } = await watching(sink);
  // the transport backs up after the second event, in the middle of revision 11's three events
  cache.apply('/registry/configmaps/default/a', cm('a'), 11);
  cache.apply('/registry/configmaps/default/b', cm('b'), 11);
  cache.apply('/registry/configmaps/default/c', cm('c'), 11);
  cache.apply('/registry/configmaps/default/d', cm('d'), 12);
  cache.apply('/registry/configmaps/default/e', cm('e'), 12);
  assert.deepEqual(names(sink), ['a', 'b', 'c'], 'all of revision 11 went out; revision 12 waits');
  // closing now drops whole revisions only: a client resuming from 11 gets d and e again
  watch.close();
  assert.ok(sink.ended);
});

test('a backed-up watch sends the queued revisions whole once the transport drains', async () => {
  const sink = new FakeSink(1);
  const { cache } = await watching(sink);
  cache.apply('/registry/configmaps/default/a', cm('a'), 11);
  cache.apply('/registry/configmaps/default/b', cm('b'), 12);
  cache.apply('/registry/configmaps/default/c', cm('c'), 12);
  cache.apply('/registry/configmaps/default/d', cm('d'), 13);
  assert.deepEqual(names(sink), ['a']);
  // room for one more: revision 12 still goes out whole, 13 waits
  sink.drained(2);
  assert.deepEqual(names(sink), ['a', 'b', 'c']);
  sink.drained(100);
  assert.deepEqual(names(sink), ['a', 'b', 'c', 'd']);
});

test('a client that stays backed up is disconnected at a revision boundary', async () => {
  const sink = new FakeSink(1);
  const { cache } = await watching(sink, 2);
  for (const [i, n] of ['a', 'b', 'c', 'd', 'e'].entries()) cache.apply(`/registry/configmaps/default/${n}`, cm(n), 11 + i);
  assert.ok(sink.ended);
  assert.deepEqual(names(sink), ['a']);
});
