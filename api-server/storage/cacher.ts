import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import type { Logger } from '../../common/logger.js';
import { ApiError } from '../../api/errors.js';
import { decodeKv, type EtcdStore } from './etcd-store.js';
import { WatchCache } from './watch-cache.js';

export interface CacherOptions {
  /** events kept per prefix for watches that resume from a recent resourceVersion */
  windowSize: number;
  log: Logger;
}

/**
 * One etcd watch over the whole keyspace feeds one WatchCache per storage prefix, so every revision is
 * observed and "fresh up to revision N" is a simple comparison. All client watches fan out from here.
 */
export class Cacher {
  private readonly caches = new Map<string, WatchCache>();
  private watcher: Watcher | undefined;
  private observed = 0;
  private synced = false;
  private stopped = false;
  private waiters: { rev: number; resolve: () => void }[] = [];
  private restarting: Promise<void> | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly etcd: Etcd3,
    private readonly store: EtcdStore,
    private readonly opts: CacherOptions,
  ) {}

  /** Registers a prefix such as `/registry/pods/`. Must be called before start(). */
  cacheFor(prefix: string): WatchCache {
    let c = this.caches.get(prefix);
    if (!c) {
      c = new WatchCache(prefix, this.opts.windowSize);
      this.caches.set(prefix, c);
    }
    return c;
  }

  get observedRevision(): number {
    return this.observed;
  }

  get isSynced(): boolean {
    return this.synced;
  }

  get syncError(): string | undefined {
    return this.lastError;
  }

  async start(): Promise<void> {
    await this.relistAndWatch();
  }

  /** Waits until every revision up to rev has been applied to the caches. */
  async waitForRevision(rev: number, timeoutMs = 3000): Promise<void> {
    if (this.observed >= rev) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = { rev, resolve: () => { clearTimeout(timer); resolve(); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(ApiError.timeout(`Too large resource version: ${rev}, current: ${this.observed}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Waits until the caches hold everything etcd holds now (a consistent read served from cache). */
  async waitFresh(): Promise<number> {
    const rev = await this.store.currentRevision();
    await this.waitForRevision(rev);
    return rev;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const w = this.watcher;
    this.watcher = undefined;
    if (w) await w.cancel().catch(() => undefined);
  }

  private async relistAndWatch(): Promise<void> {
    const all = await this.store.listAll('/registry/');
    for (const [prefix, cache] of this.caches) {
      cache.reset(all.items.filter((v) => v.key.startsWith(prefix)), all.rev);
    }
    this.observed = all.rev;
    this.release();
    this.synced = true;
    this.lastError = undefined;
    await this.watchFrom(all.rev + 1);
  }

  private async watchFrom(startRev: number): Promise<void> {
    const w = await this.etcd
      .watch()
      .inRange({ start: '\u0000', end: '\u0000' })
      .startRevision(String(startRev))
      // no prev_kv: each WatchCache keeps the previous object itself, so etcd need not send every value twice
      .create();
    if (this.stopped) {
      await w.cancel();
      return;
    }
    this.watcher = w;
    w.on('data', (res) => {
      let maxRev = this.observed;
      for (const ev of res.events) {
        const kv: IKeyValue = ev.kv;
        const key = kv.key.toString();
        const rev = Number(kv.mod_revision);
        if (rev > maxRev) maxRev = rev;
        const cache = this.route(key);
        if (!cache) continue;
        if (ev.type === 'Put') {
          cache.apply(key, decodeKv(kv).obj, rev);
        } else {
          cache.apply(key, undefined, rev);
        }
      }
      if (maxRev > this.observed) {
        this.observed = maxRev;
        this.release();
      }
    });
    w.on('disconnected', (err) => {
      this.lastError = `etcd watch disconnected: ${err.message}`;
      this.opts.log.warn({ err: err.message }, 'etcd watch disconnected; reconnecting');
    });
    w.on('connected', () => {
      this.lastError = undefined;
    });
    w.on('error', (err) => {
      // Unrecoverable (e.g. our revision was compacted while we were away): relist and reset every cache.
      this.opts.log.warn({ err: err.message }, 'etcd watch failed; relisting');
      this.synced = false;
      this.lastError = err.message;
      this.scheduleRestart();
    });
  }

  private scheduleRestart(): void {
    if (this.restarting || this.stopped) return;
    this.restarting = (async () => {
      let delay = 100;
      while (!this.stopped) {
        try {
          await this.watcher?.cancel().catch(() => undefined);
          this.watcher = undefined;
          await this.relistAndWatch();
          return;
        } catch (e) {
          this.lastError = (e as Error).message;
          this.opts.log.warn({ err: this.lastError }, 'relist failed; retrying');
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(delay * 2, 5000);
        }
      }
    })().finally(() => {
      this.restarting = undefined;
    });
  }

  private route(key: string): WatchCache | undefined {
    for (const [prefix, cache] of this.caches) if (key.startsWith(prefix)) return cache;
    return undefined;
  }

  private release(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.rev <= this.observed);
    this.waiters = this.waiters.filter((w) => w.rev > this.observed);
    for (const w of ready) w.resolve();
  }
}
