import type { StoredObject } from '../../api/object.js';
import type { Versioned } from './etcd-store.js';

export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change seen on etcd for a key under a cache's prefix. `obj` is the new state (last state for DELETED). */
export interface CacheEvent {
  type: CacheEventType;
  key: string;
  obj: StoredObject;
  prev: StoredObject | undefined;
  rev: number;
}

/** Something that receives a cache's events; returns false when it wants no more. */
export interface CacheListener {
  onEvent(ev: CacheEvent): void;
  /** the cache was reset (relist after etcd trouble): the listener must end its watch */
  onReset(): void;
}

/**
 * The in-memory state of one storage prefix plus a window of recent events, so any number of watchers
 * can start from a recent resourceVersion (upstream's watch cache). Objects stored here are never
 * mutated: writers replace them.
 */
export class WatchCache {
  private readonly store = new Map<string, StoredObject>();
  private buffer: CacheEvent[] = [];
  private head = 0;
  /** Watches may start from any revision >= lowerBound. */
  private lowerBound = 0;
  private readonly listeners = new Set<CacheListener>();

  constructor(
    readonly prefix: string,
    private readonly capacity: number,
  ) {}

  reset(items: Versioned[], rev: number): void {
    this.store.clear();
    for (const { key, obj } of items) this.store.set(key, obj);
    this.buffer = [];
    this.head = 0;
    this.lowerBound = rev;
    const ls = [...this.listeners];
    this.listeners.clear();
    for (const l of ls) l.onReset();
  }

  /** Applies a put (obj) or delete (obj undefined) at rev. */
  apply(key: string, obj: StoredObject | undefined, rev: number): void {
    const prev = this.store.get(key);
    let ev: CacheEvent;
    if (obj) {
      this.store.set(key, obj);
      ev = { type: prev ? 'MODIFIED' : 'ADDED', key, obj, prev, rev };
    } else {
      if (!prev) return;
      this.store.delete(key);
      const last: StoredObject = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(rev) } };
      ev = { type: 'DELETED', key, obj: last, prev, rev };
    }
    this.push(ev);
    for (const l of this.listeners) l.onEvent(ev);
  }

  private push(ev: CacheEvent): void {
    this.buffer.push(ev);
    if (this.buffer.length - this.head > this.capacity) {
      const dropped = this.buffer[this.head];
      this.lowerBound = dropped.rev;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.buffer.length) {
        this.buffer = this.buffer.slice(this.head);
        this.head = 0;
      }
    }
  }

  /** Current objects, ordered by key (as an etcd range would return them). */
  snapshot(): StoredObject[] {
    return [...this.store.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, o]) => o);
  }

  get(key: string): StoredObject | undefined {
    return this.store.get(key);
  }

  get size(): number {
    return this.store.size;
  }

  /** Events after rev, or undefined when rev is older than the window (→ 410 Expired). */
  eventsSince(rev: number): CacheEvent[] | undefined {
    if (rev < this.lowerBound) return undefined;
    const out: CacheEvent[] = [];
    for (let i = this.head; i < this.buffer.length; i++) {
      const ev = this.buffer[i];
      if (ev.rev > rev) out.push(ev);
    }
    return out;
  }

  oldestRevision(): number {
    return this.lowerBound;
  }

  addListener(l: CacheListener): void {
    this.listeners.add(l);
  }

  removeListener(l: CacheListener): void {
    this.listeners.delete(l);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

