/**
 * client-go's flowcontrol.Backoff as the kubelet uses it for CrashLoopBackOff and ImagePullBackOff: per key, the
 * first delay is `initialMs` (10 s), each further failure doubles it up to `maxMs` (5 min, configurable); an entry
 * untouched for more than 2 × maxMs is forgotten, so a container that ran fine for that long starts over at 10 s.
 * The kubelet's back-offs have no jitter.
 */
import type { Clock } from '../../common/clock.js';

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export const DEFAULT_INITIAL_BACKOFF_MS = 10_000;
export const DEFAULT_MAX_BACKOFF_MS = 300_000;

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    readonly initialMs = DEFAULT_INITIAL_BACKOFF_MS,
    readonly maxMs = DEFAULT_MAX_BACKOFF_MS,
  ) {}

  /** The current delay of `key` (0 when it has none). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Records a failure at `eventTime`: starts at the initial delay or doubles the current one. */
  next(key: string, eventTime: number): void {
    const e = this.entries.get(key);
    if (!e || this.hasExpired(eventTime, e.lastUpdate)) {
      this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: this.clock.now() });
      return;
    }
    e.backoffMs = Math.min(e.backoffMs * 2, this.maxMs);
    e.lastUpdate = this.clock.now();
  }

  /** Whether `key` is still backing off from a failure that happened at `eventTime` (CrashLoopBackOff). */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.hasExpired(eventTime, e.lastUpdate)) return false;
    return this.clock.now() - eventTime < e.backoffMs;
  }

  /** Whether `key` is still backing off since its last recorded failure (ImagePullBackOff). */
  isInBackOffSinceUpdate(key: string): boolean {
    const e = this.entries.get(key);
    if (!e || this.hasExpired(this.clock.now(), e.lastUpdate)) return false;
    return this.clock.now() - e.lastUpdate < e.backoffMs;
  }

  /** Milliseconds until the back-off of a failure at `eventTime` ends (0 when not backing off). */
  remainingSince(key: string, eventTime: number): number {
    return this.isInBackOffSince(key, eventTime) ? eventTime + this.get(key) - this.clock.now() : 0;
  }

  remainingSinceUpdate(key: string): number {
    const e = this.entries.get(key);
    return e && this.isInBackOffSinceUpdate(key) ? e.lastUpdate + e.backoffMs - this.clock.now() : 0;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key starting with `prefix` (a pod's keys when it goes away). */
  resetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  /** Drops entries idle for more than 2 × maxMs. */
  gc(): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) if (this.hasExpired(now, e.lastUpdate)) this.entries.delete(k);
  }

  private hasExpired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > this.maxMs * 2;
  }
}
