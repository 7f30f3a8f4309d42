import { ApiError } from '../../api/errors.js';
import type { StoredObject, WatchEventType } from '../../api/object.js';
import type { Logger } from '../../common/logger.js';
import type { Cacher } from '../storage/cacher.js';
import type { CacheEvent, CacheListener } from '../storage/watch-cache.js';
import type { GenericStore, ListOptions } from '../registry/store.js';
import { parseRv } from '../registry/store.js';

/** Where a watch writes: a chunked HTTP response or a WebSocket. */
export interface WatchSink {
  /** writes one serialized event; false when the transport is backed up */
  write(text: string): boolean;
  onDrain(cb: () => void): void;
  onClose(cb: () => void): void;
  end(): void;
}

export interface WatchParams extends Pick<ListOptions, 'labelSelector' | 'fieldSelector'> {
  namespace: string | undefined;
  resourceVersion: string;
  allowBookmarks: boolean;
  timeoutSeconds: number;
}

/**
 * Encodes the object of one event (already in its served shape) for a client that asked for something other
 * than plain JSON, e.g. a one-row Table. May throw; the event then goes out as plain JSON.
 */
export type WatchObjectEncoder = (obj: StoredObject) => string;

export interface WatchLimits {
  /** events queued for one slow client before its watch is closed (it re-watches from its last version) */
  maxPendingEvents: number;
  bookmarkIntervalMs: number;
}

/**
 * Serves one watch from the shared cache: initial state or replay, then live events, filtered per client.
 * A client that cannot keep up is disconnected instead of growing memory or stalling others.
 */
export class ClientWatch implements CacheListener {
  private pending: { text: string; rev: number | undefined }[] = [];
  private blocked = false;
  /** revision of the last event handed to the sink */
  private sentRev: number | undefined;
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  private lastRev = 0;

  constructor(
    private readonly store: GenericStore,
    private readonly cacher: Cacher,
    private readonly params: WatchParams,
    private readonly sink: WatchSink,
    private readonly limits: WatchLimits,
    private readonly log: Logger,
    /** per-request encoding of event objects; absent = the shared JSON serialization */
    private readonly encodeObject?: WatchObjectEncoder,
  ) {}

  async start(): Promise<void> {
    const { resourceVersion: rv } = this.params;
    this.sink.onClose(() => this.close());
    this.sink.onDrain(() => this.flush());
    let fromRev: number | undefined;
    if (rv === '' || rv === '0') {
      if (rv === '') await this.cacher.waitFresh();
    } else {
      fromRev = parseRv(rv);
      await this.cacher.waitForRevision(fromRev);
    }
    if (this.closed) return;
    // no await from here until the listener is registered: the replay and the live stream must not overlap
    const cache = this.store.cache;
    if (fromRev === undefined) {
      for (const obj of cache.snapshot()) {
        if (this.passes(obj)) this.enqueue('ADDED', obj);
      }
      this.lastRev = this.cacher.observedRevision;
    } else {
      const events = cache.eventsSince(fromRev);
      if (!events) {
        const err = ApiError.expired(`too old resource version: ${fromRev} (${cache.oldestRevision()})`);
        this.enqueueRaw(JSON.stringify({ type: 'ERROR', object: err.toStatus() }));
        this.close();
        return;
      }
      for (const ev of events) this.onEvent(ev);
      this.lastRev = Math.max(fromRev, this.cacher.observedRevision);
    }
    cache.addListener(this);
    const timeoutMs = this.params.timeoutSeconds * 1000;
    if (timeoutMs > 0) this.timers.push(setTimeout(() => this.close(), timeoutMs));
    if (this.params.allowBookmarks) {
      this.timers.push(setInterval(() => this.bookmark(), this.limits.bookmarkIntervalMs));
    }
  }

  onEvent(ev: CacheEvent): void {
    if (this.closed) return;
    if (this.params.namespace && ev.obj.metadata.namespace !== this.params.namespace) return;
    const cur = ev.type !== 'DELETED' && this.passes(ev.obj);
    const prev = ev.prev !== undefined && this.passes(ev.prev);
    this.lastRev = ev.rev;
    if (ev.type === 'DELETED') {
      if (prev) this.enqueue('DELETED', ev.obj, ev.rev);
    } else if (cur && prev) {
      this.enqueue('MODIFIED', ev.obj, ev.rev);
    } else if (cur) {
      this.enqueue('ADDED', ev.obj, ev.rev);
    } else if (prev) {
      const last: StoredObject = { ...ev.prev!, metadata: { ...ev.prev!.metadata, resourceVersion: String(ev.rev) } };
      this.enqueue('DELETED', last, ev.rev);
    }
  }

  onReset(): void {
    this.close();
  }

  private passes(obj: StoredObject): boolean {
    if (this.params.namespace && obj.metadata.namespace !== this.params.namespace) return false;
    return this.store.matches(obj, this.params.labelSelector, this.params.fieldSelector);
  }

  private bookmark(): void {
    if (this.closed || this.blocked) return;
    const rev = Math.max(this.lastRev, this.cacher.observedRevision);
    const obj = { kind: this.store.info.kind, apiVersion: this.store.externalize({ metadata: {} }).apiVersion, metadata: { resourceVersion: String(rev) } };
    this.enqueueRaw(JSON.stringify({ type: 'BOOKMARK', object: obj }));
  }

  private enqueue(type: WatchEventType, obj: StoredObject, rev?: number): void {
    this.enqueueRaw(`{"type":"${type}","object":${this.encodeObject ? this.encoded(obj) : serialize(this.store, obj)}}`, rev);
  }

  private encoded(obj: StoredObject): string {
    try {
      return this.encodeObject!(this.store.externalize(obj));
    } catch (e) {
      this.log.warn({ err: e instanceof Error ? e.message : String(e), resource: this.store.info.resource }, 'could not encode a watch event as requested; sending JSON');
      return serialize(this.store, obj);
    }
  }

  /**
   * Writes an event, or queues it while the client is backed up. Events of one revision (writes the api-server
   * committed together share it) are never split between the sink and the queue: a client resumes from the last
   * resourceVersion it saw, so a watch closed with part of a revision unsent would lose the rest of it.
   */
  private enqueueRaw(text: string, rev?: number): void {
    if (this.closed) return;
    if (this.blocked && !this.continuesSentRevision(rev)) {
      this.pending.push({ text, rev });
      if (this.pending.length > this.limits.maxPendingEvents) {
        this.log.warn({ pending: this.pending.length, resource: this.store.info.resource }, 'watch client too slow; closing its watch');
        this.close();
      }
      return;
    }
    this.send(text, rev);
  }

  private continuesSentRevision(rev: number | undefined): boolean {
    return rev !== undefined && rev === this.sentRev && this.pending.length === 0;
  }

  private send(text: string, rev: number | undefined): void {
    this.sentRev = rev;
    if (!this.sink.write(text)) this.blocked = true;
  }

  private flush(): void {
    this.blocked = false;
    while (!this.closed && this.pending.length > 0) {
      const next = this.pending[0];
      if (this.blocked && !(next.rev !== undefined && next.rev === this.sentRev)) break;
      this.pending.shift();
      this.send(next.text, next.rev);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.store.cache.removeListener(this);
    this.pending = [];
    this.sink.end();
  }
}

const serialized = new WeakMap<GenericStore, WeakMap<StoredObject, string>>();

/** JSON of a cached object as a store serves it, computed once and shared by every watcher that sends it. */
function serialize(store: GenericStore, obj: StoredObject): string {
  let perStore = serialized.get(store);
  if (!perStore) {
    perStore = new WeakMap();
    serialized.set(store, perStore);
  }
  let s = perStore.get(obj);
  if (s === undefined) {
    s = JSON.stringify(store.externalize(obj));
    perStore.set(obj, s);
  }
  return s;
}
