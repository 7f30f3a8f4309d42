/**
 * A rate-limited, delaying work queue with client-go's guarantees (util/workqueue):
 * - a key is queued at most once however often it is added (dirty set);
 * - a key is handed to at most one worker at a time: added while being processed, it is queued again only after
 *   `done(key)`;
 * - FIFO otherwise.
 *
 * Shutdown: `shutDown()` stops at once — adds are ignored and every pending and future `get()` resolves undefined
 * (queued keys are dropped). `shutDownWithDrain()` ignores new adds but lets workers `get()` what is already queued;
 * it resolves once the queue is empty and nothing is being processed, after which `get()` resolves undefined.
 */
import { realClock, type Clock, type TimerHandle } from '../common/clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions<K> {
  name?: string;
  clock?: Clock;
  rateLimiter?: RateLimiter<K>;
}

interface Waiting {
  readyAt: number;
  handle: TimerHandle;
}

export class WorkQueue<K = string> {
  readonly name: string;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;
  private queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiting = new Map<K, Waiting>();
  private getters: ((key: K | undefined) => void)[] = [];
  private shuttingDown = false;
  private draining = false;
  private drainWaiters: (() => void)[] = [];

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.name = opts.name ?? 'queue';
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>({ clock: this.clock });
  }

  add(key: K): void {
    if (this.shuttingDown) return;
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Adds `key` after `ms`. Of several pending delayed adds of one key, the earliest wins. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const existing = this.waiting.get(key);
    if (existing) {
      if (existing.readyAt <= readyAt) return;
      this.clock.clearTimeout(existing.handle);
    }
    const handle = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { readyAt, handle });
  }

  /** Adds `key` after the rate limiter's delay for it (per-item backoff, overall bucket). */
  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Stops tracking failures of `key` (after a successful sync). */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  /**
   * Resolves with the next key, which the caller must hand back with `done(key)`; waits while the queue is empty.
   * Resolves undefined once the queue is shut down (after draining, with shutDownWithDrain).
   */
  get(): Promise<K | undefined> {
    if (this.shuttingDown && !this.draining) return Promise.resolve(undefined);
    const key = this.take();
    if (key !== undefined) return Promise.resolve(key);
    if (this.shuttingDown && !this.requeuePending()) return Promise.resolve(undefined);
    return new Promise<K | undefined>((resolve) => this.getters.push(resolve));
  }

  /** Marks `key` processed; if it was added meanwhile it is queued again now. */
  done(key: K): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.has(key)) this.push(key);
    this.checkDrained();
  }

  /** Number of keys waiting to be processed (not counting delayed or in-flight ones). */
  len(): number {
    return this.queue.length;
  }

  /** Keys currently handed out and not yet done. */
  processingCount(): number {
    return this.processing.size;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  shutDown(): void {
    this.shuttingDown = true;
    this.draining = false;
    this.clearWaiting();
    this.queue = [];
    this.dirty.clear();
    this.wakeAll();
    this.checkDrained();
  }

  /** Stops accepting keys and resolves once everything queued has been processed and marked done. */
  shutDownWithDrain(): Promise<void> {
    if (this.shuttingDown && !this.draining) {
      return this.processing.size === 0 ? Promise.resolve() : new Promise<void>((r) => this.drainWaiters.push(r));
    }
    this.shuttingDown = true;
    this.draining = true;
    this.clearWaiting();
    const p = new Promise<void>((r) => this.drainWaiters.push(r));
    this.checkDrained();
    return p;
  }

  private push(key: K): void {
    this.queue.push(key);
    const getter = this.getters.shift();
    if (getter) getter(this.take());
  }

  private take(): K | undefined {
    if (this.queue.length === 0) return undefined;
    const key = this.queue.shift() as K;
    this.processing.add(key);
    this.dirty.delete(key);
    return key;
  }

  private requeuePending(): boolean {
    for (const k of this.processing) if (this.dirty.has(k)) return true;
    return false;
  }

  private clearWaiting(): void {
    for (const w of this.waiting.values()) this.clock.clearTimeout(w.handle);
    this.waiting.clear();
  }

  private wakeAll(): void {
    const getters = this.getters;
    this.getters = [];
    for (const g of getters) g(undefined);
  }

  private checkDrained(): void {
    if (!this.shuttingDown) return;
    if (this.draining) {
      if (this.queue.length > 0) return;
      // An in-flight key that was re-added will be queued again on done(): keep the workers waiting for it.
      if (this.requeuePending()) return;
      this.wakeAll();
    }
    if (this.processing.size === 0) {
      const ws = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of ws) w();
    }
  }
}
