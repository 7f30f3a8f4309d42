/**
 * A shared informer: client-go's Reflector (list + watch + relist) feeding a Store and event handlers.
 *
 * - Lists in pages of `pageSize` (continue tokens), first with resourceVersion "0" like client-go, then watches
 *   from the list's resourceVersion with allowWatchBookmarks and a random 300–600 s timeoutSeconds.
 * - A watch that ends normally is re-opened from the last resourceVersion seen (events and bookmarks advance it).
 * - 410 Expired/Gone (HTTP error or ERROR event) → relist with resourceVersion "" and diff against the store:
 *   onAdd / onUpdate / onDelete only for what changed while we were not watching.
 * - Any other error → exponential backoff (Clock), then watch again from the last resourceVersion.
 * - Never back in time: an event whose resourceVersion is numerically older than the cached object's is ignored.
 * - Objects in the store and handed to handlers are deep-frozen copies: mutating them throws (strict mode).
 *   Handlers should only enqueue keys (level-triggered controllers).
 */
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { realClock, type Clock, type TimerHandle } from '../common/clock.js';
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { ResourceInfo } from '../api/resources.js';
import type { RestClient } from './rest.js';
import { Store } from './store.js';
import {
  compareResourceVersions,
  deepFreeze,
  objectKey,
  type ListOptions,
  type ObjectLike,
  type ObjectList,
  type ObjectWatchEvent,
  type WatchOptions,
} from './types.js';

export interface ListWatcher<T extends ObjectLike = KubeObject> {
  list(opts: ListOptions, signal?: AbortSignal): Promise<ObjectList<T>>;
  /** Must end (or throw) promptly when `signal` aborts. ERROR events must be thrown as ApiError. */
  watch(opts: WatchOptions, signal: AbortSignal): AsyncIterable<ObjectWatchEvent<T>>;
}

export interface Selectors {
  labelSelector?: string;
  fieldSelector?: string;
}

/** A ListWatcher over the REST API for one resource (optionally one namespace and selectors). */
export function restListWatcher<T extends ObjectLike = KubeObject>(
  client: RestClient,
  resource: ResourceInfo,
  namespace?: string,
  selectors: Selectors = {},
): ListWatcher<T> {
  return {
    list: (opts, signal) => client.list<T>(resource, namespace, { ...opts, ...selectors, signal }),
    watch: (opts, signal) => client.watch<T>(resource, namespace, { ...opts, ...selectors }, signal),
  };
}

export interface ResourceEventHandler<T> {
  /** `isInInitialList` is true for objects of the first list (and for replays to late-added handlers). */
  onAdd?(obj: T, isInInitialList: boolean): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** Receives the last state: the DELETED event's object, or the cached object when a relist finds it gone. */
  onDelete?(obj: T): void;
}

export interface HandlerRegistration {
  remove(): void;
}

export interface InformerOptions {
  /** For logs. */
  name?: string;
  log?: Logger;
  clock?: Clock;
  /** Period of onUpdate(obj, obj) for every cached object; 0 (default) = off. */
  resyncPeriodMs?: number;
  /** List page size (default 500). */
  pageSize?: number;
  /** timeoutSeconds of each watch; default random in [300, 600). */
  watchTimeoutSeconds?: () => number;
  /** Backoff after errors: initial 800 ms, doubling, capped at 30 s (client-go reflector defaults). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** A watch that ends normally with no events sooner than this is treated as a failure (default 1000 ms). */
  minWatchDurationMs?: number;
  /** Extra time after timeoutSeconds before the client abandons a silent watch itself (default 30 s). */
  watchGraceMs?: number;
  /** Source of randomness (timeouts, jitter); default Math.random. */
  random?: () => number;
}

function isExpired(e: unknown): boolean {
  return e instanceof ApiError && (e.code === 410 || e.reason === 'Expired' || e.reason === 'Gone');
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class Informer<T extends ObjectLike = KubeObject> {
  /** The cache. Read it through a Lister; its objects are frozen. */
  readonly store = new Store<T>();
  private readonly handlers = new Set<ResourceEventHandler<T>>();
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly opts: Required<Omit<InformerOptions, 'log' | 'clock' | 'name'>>;
  private lastRV = '';
  private synced = false;
  private syncWaiters: ((ok: boolean) => void)[] = [];
  private ac: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private resyncTimer: TimerHandle | undefined;
  private backoffMs: number;

  constructor(
    private readonly lw: ListWatcher<T>,
    options: InformerOptions = {},
  ) {
    this.log = (options.log ?? silentLogger()).child({ informer: options.name ?? 'informer' });
    this.clock = options.clock ?? realClock;
    const random = options.random ?? Math.random;
    this.opts = {
      resyncPeriodMs: options.resyncPeriodMs ?? 0,
      pageSize: options.pageSize ?? 500,
      watchTimeoutSeconds: options.watchTimeoutSeconds ?? (() => 300 + Math.floor(random() * 300)),
      backoffInitialMs: options.backoffInitialMs ?? 800,
      backoffMaxMs: options.backoffMaxMs ?? 30_000,
      minWatchDurationMs: options.minWatchDurationMs ?? 1000,
      watchGraceMs: options.watchGraceMs ?? 30_000,
      random,
    };
    this.backoffMs = this.opts.backoffInitialMs;
  }

  /**
   * Registers handlers. If the informer already has objects, the new handler first gets onAdd for each of them
   * (as client-go does for handlers added to a running informer).
   */
  addEventHandler(handler: ResourceEventHandler<T>): HandlerRegistration {
    this.handlers.add(handler);
    for (const obj of this.store.list()) this.call(handler, 'onAdd', () => handler.onAdd?.(obj, true));
    return { remove: () => void this.handlers.delete(handler) };
  }

  /** True once the first list has been stored and delivered to the handlers. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once synced, false if the informer stops or `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const onAbort = (): void => {
        this.syncWaiters = this.syncWaiters.filter((w) => w !== waiter);
        resolve(false);
      };
      const waiter = (ok: boolean): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      this.syncWaiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The resourceVersion the next watch would start from (last list, event or bookmark). */
  lastSyncResourceVersion(): string {
    return this.lastRV;
  }

  /** Starts list+watch in the background. `signal` (optional) stops it like stop(). */
  start(signal?: AbortSignal): void {
    if (this.ac) throw new Error('informer already started');
    const ac = new AbortController();
    this.ac = ac;
    ac.signal.addEventListener('abort', () => this.onStopped(), { once: true });
    if (signal) {
      if (signal.aborted) ac.abort();
      else signal.addEventListener('abort', () => ac.abort(), { once: true });
    }
    this.loop = this.run(ac.signal).catch((e: unknown) => {
      this.log.error({ err: e }, 'informer loop crashed');
    });
    this.scheduleResync();
  }

  /** Stops watching and resolves once the background loop has exited. */
  async stop(): Promise<void> {
    this.ac?.abort();
    await this.loop;
  }

  private onStopped(): void {
    this.clock.clearTimeout(this.resyncTimer);
    this.resyncTimer = undefined;
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    for (const w of waiters) w(false);
  }

  private async run(signal: AbortSignal): Promise<void> {
    let needList = true;
    let listRV = '0';
    while (!signal.aborted) {
      if (needList) {
        try {
          await this.listAndReplace(listRV, signal);
          needList = false;
          this.resetBackoff();
        } catch (e) {
          if (signal.aborted) break;
          if (isExpired(e) && listRV !== '') {
            this.log.info({ rv: listRV }, 'list resourceVersion expired; relisting from the latest');
            listRV = '';
            continue;
          }
          this.log.warn({ err: errText(e) }, 'list failed; backing off');
          await this.sleepBackoff(signal);
          continue;
        }
      }
      try {
        const { events, durationMs } = await this.watchOnce(signal);
        if (signal.aborted) break;
        if (events === 0 && durationMs < this.opts.minWatchDurationMs) {
          this.log.warn({ rv: this.lastRV, durationMs }, 'very short watch with no events; backing off');
          await this.sleepBackoff(signal);
        } else {
          this.resetBackoff();
        }
      } catch (e) {
        if (signal.aborted) break;
        if (isExpired(e)) {
          this.log.info({ rv: this.lastRV, err: errText(e) }, 'watch resourceVersion expired; relisting');
          needList = true;
          listRV = '';
          continue;
        }
        this.log.warn({ rv: this.lastRV, err: errText(e) }, 'watch failed; backing off before re-watching');
        await this.sleepBackoff(signal);
      }
    }
  }

  private resetBackoff(): void {
    this.backoffMs = this.opts.backoffInitialMs;
  }

  private async sleepBackoff(signal: AbortSignal): Promise<void> {
    const d = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.opts.backoffMaxMs);
    await this.clock.sleep(d, signal);
  }

  private async listAndReplace(rv: string, signal: AbortSignal): Promise<void> {
    const items: T[] = [];
    let cont: string | undefined;
    let listRV = '';
    do {
      const opts: ListOptions = cont ? { limit: this.opts.pageSize, continue: cont } : { limit: this.opts.pageSize, resourceVersion: rv };
      const page = await this.lw.list(opts, signal);
      if (signal.aborted) return;
      for (const it of page.items ?? []) items.push(it);
      listRV = page.metadata?.resourceVersion ?? listRV;
      cont = page.metadata?.continue || undefined;
    } while (cont);
    this.replace(items, listRV);
  }

  /** Replaces the store with a fresh list and notifies handlers of the difference. */
  private replace(items: T[], listRV: string): void {
    const initial = !this.synced;
    const seen = new Set<string>();
    const adds: T[] = [];
    const updates: [T, T][] = [];
    const deletes: T[] = [];
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      const old = this.store.get(key);
      if (old) {
        const oldRV = old.metadata?.resourceVersion;
        const newRV = item.metadata?.resourceVersion;
        const cmp = compareResourceVersions(newRV, oldRV);
        if (cmp === 0 || cmp === -1 || (cmp === undefined && newRV === oldRV && newRV !== undefined)) continue;
        const obj = this.freeze(item);
        this.store.set(key, obj);
        updates.push([old, obj]);
      } else {
        const obj = this.freeze(item);
        this.store.set(key, obj);
        adds.push(obj);
      }
    }
    for (const [key, old] of [...this.store.entries()]) {
      if (seen.has(key)) continue;
      // An object newer than the list snapshot was created after it: keep it (never back in time).
      if (compareResourceVersions(old.metadata?.resourceVersion, listRV) === 1) continue;
      this.store.delete(key);
      deletes.push(old);
    }
    this.lastRV = listRV;
    this.log.debug({ rv: listRV, items: items.length, adds: adds.length, updates: updates.length, deletes: deletes.length }, 'listed');
    for (const o of adds) this.emitAdd(o, initial);
    for (const [o, n] of updates) this.emitUpdate(o, n);
    for (const o of deletes) this.emitDelete(o);
    if (!this.synced) {
      this.synced = true;
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w(true);
    }
  }

  private async watchOnce(signal: AbortSignal): Promise<{ events: number; durationMs: number }> {
    if (signal.aborted) return { events: 0, durationMs: 0 };
    const ac = new AbortController();
    const onAbort = (): void => ac.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const timeoutSeconds = this.opts.watchTimeoutSeconds();
    // If the server neither sends nor closes (half-open connection), give up ourselves and re-watch.
    const guard = this.clock.setTimeout(() => ac.abort(), timeoutSeconds * 1000 + this.opts.watchGraceMs);
    const started = this.clock.now();
    let events = 0;
    try {
      const stream = this.lw.watch({ resourceVersion: this.lastRV, allowWatchBookmarks: true, timeoutSeconds }, ac.signal);
      for await (const ev of stream) {
        if (ac.signal.aborted) break;
        events++;
        this.handleEvent(ev);
      }
    } finally {
      this.clock.clearTimeout(guard);
      signal.removeEventListener('abort', onAbort);
    }
    return { events, durationMs: this.clock.now() - started };
  }

  private handleEvent(ev: ObjectWatchEvent<T>): void {
    const rv = ev.object?.metadata?.resourceVersion;
    switch (ev.type) {
      case 'BOOKMARK':
        break;
      case 'ADDED':
      case 'MODIFIED': {
        const key = objectKey(ev.object);
        const old = this.store.get(key);
        if (old) {
          const oldRV = old.metadata?.resourceVersion;
          const cmp = compareResourceVersions(rv, oldRV);
          if (cmp === -1 || cmp === 0 || (cmp === undefined && rv === oldRV && rv !== undefined)) {
            this.log.debug({ key, rv, cached: oldRV }, 'ignoring stale watch event');
            break;
          }
        }
        const obj = this.freeze(ev.object);
        this.store.set(key, obj);
        if (old) this.emitUpdate(old, obj);
        else this.emitAdd(obj, false);
        break;
      }
      case 'DELETED': {
        const key = objectKey(ev.object);
        const old = this.store.get(key);
        if (!old) break;
        if (compareResourceVersions(rv, old.metadata?.resourceVersion) === -1) {
          this.log.debug({ key, rv }, 'ignoring stale delete event');
          break;
        }
        this.store.delete(key);
        this.emitDelete(this.freeze(ev.object));
        break;
      }
      default:
        this.log.warn({ type: ev.type }, 'unexpected watch event type');
    }
    this.advanceRV(rv);
  }

  private advanceRV(rv: string | undefined): void {
    if (!rv) return;
    const cmp = compareResourceVersions(rv, this.lastRV);
    if (cmp === 1 || cmp === undefined) this.lastRV = rv;
  }

  private freeze(obj: T): T {
    // objects come freshly decoded from list/watch responses and are not shared: freezing them is enough
    return deepFreeze(obj);
  }

  private scheduleResync(): void {
    if (this.opts.resyncPeriodMs <= 0) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      if (this.ac?.signal.aborted) return;
      if (this.synced) for (const obj of this.store.list()) this.emitUpdate(obj, obj);
      this.scheduleResync();
    }, this.opts.resyncPeriodMs);
  }

  private emitAdd(obj: T, initial: boolean): void {
    for (const h of this.handlers) this.call(h, 'onAdd', () => h.onAdd?.(obj, initial));
  }

  private emitUpdate(oldObj: T, newObj: T): void {
    for (const h of this.handlers) this.call(h, 'onUpdate', () => h.onUpdate?.(oldObj, newObj));
  }

  private emitDelete(obj: T): void {
    for (const h of this.handlers) this.call(h, 'onDelete', () => h.onDelete?.(obj));
  }

  private call(_h: ResourceEventHandler<T>, what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log.error({ err: e, handler: what }, 'event handler threw');
    }
  }
}
