/**
 * Work-queue rate limiters, as client-go's util/workqueue/default_rate_limiters.go.
 * `when(item)` returns how long (ms) to wait before the item may be processed again.
 */
import { realClock, type Clock } from '../common/clock.js';

export interface RateLimiter<K = string> {
  /** Delay before `item` may be retried; records one more failure for it. */
  when(item: K): number;
  /** Clears the failure history of `item` (call after a successful sync). */
  forget(item: K): void;
  /** Failures recorded for `item` since the last forget. */
  numRequeues(item: K): number;
}

/** base·2^failures, capped at max (client-go: 5 ms … 1000 s). */
export class ItemExponentialFailureRateLimiter<K = string> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();

  constructor(
    readonly baseDelayMs = 5,
    readonly maxDelayMs = 1000_000,
  ) {}

  when(item: K): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    const backoff = this.baseDelayMs * Math.pow(2, exp);
    return !Number.isFinite(backoff) || backoff > this.maxDelayMs ? this.maxDelayMs : backoff;
  }

  forget(item: K): void {
    this.failures.delete(item);
  }

  numRequeues(item: K): number {
    return this.failures.get(item) ?? 0;
  }
}

/**
 * An overall token bucket (client-go: 10 qps, burst 100), with reservation semantics like golang.org/x/time/rate:
 * every call takes a token, possibly one that only becomes available in the future, and is told how long to wait.
 */
export class BucketRateLimiter<K = string> implements RateLimiter<K> {
  private tokens: number;
  private last: number;

  constructor(
    readonly qps = 10,
    readonly burst = 100,
    private readonly clock: Clock = realClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  when(_item: K): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  forget(_item: K): void {}

  numRequeues(_item: K): number {
    return 0;
  }
}

/** The worst (longest) delay of several limiters. */
export class MaxOfRateLimiter<K = string> implements RateLimiter<K> {
  private readonly limiters: RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }

  when(item: K): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.when(item));
    return max;
  }

  forget(item: K): void {
    for (const l of this.limiters) l.forget(item);
  }

  numRequeues(item: K): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.numRequeues(item));
    return max;
  }
}

export interface ControllerRateLimiterOptions {
  clock?: Clock;
  baseDelayMs?: number;
  maxDelayMs?: number;
  qps?: number;
  burst?: number;
}

/** client-go's DefaultControllerRateLimiter: max(per-item 5 ms·2^n capped at 1000 s, bucket 10 qps / burst 100). */
export function defaultControllerRateLimiter<K = string>(opts: ControllerRateLimiterOptions = {}): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ItemExponentialFailureRateLimiter<K>(opts.baseDelayMs ?? 5, opts.maxDelayMs ?? 1000_000),
    new BucketRateLimiter<K>(opts.qps ?? 10, opts.burst ?? 100, opts.clock ?? realClock),
  );
}
