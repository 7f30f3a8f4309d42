/**
 * RateLimitedTimedQueue (nodelifecycle/scheduler/rate_limited_queue.go): the nodes of one zone waiting to be
 * tainted, processed in order under a token bucket (burst 1). A rate of 0 stops processing entirely (full
 * disruption). `fn` returns [done, retryAfterMs]; undone items are retried after the wait.
 */
import type { Clock } from '../../../common/clock.js';

interface Item {
  name: string;
  uid: string;
  addedAt: number;
  processAt: number;
}

export class RateLimitedTimedQueue {
  private items: Item[] = [];
  private tokens = 1;
  private last: number;

  constructor(
    private readonly clock: Clock,
    private qps: number,
    private readonly burst = 1,
  ) {
    this.last = clock.now();
    this.tokens = qps > 0 ? burst : 0;
  }

  /** Adds a node unless it is queued already; true if added. */
  add(name: string, uid: string): boolean {
    if (this.items.some((i) => i.name === name)) return false;
    const now = this.clock.now();
    this.items.push({ name, uid, addedAt: now, processAt: now });
    return true;
  }

  remove(name: string): boolean {
    const before = this.items.length;
    this.items = this.items.filter((i) => i.name !== name);
    return this.items.length !== before;
  }

  has(name: string): boolean {
    return this.items.some((i) => i.name === name);
  }

  /** SwapLimiter: a new rate; the bucket starts full again unless the rate is 0. */
  swapLimiter(qps: number): void {
    if (qps === this.qps) return;
    this.qps = qps;
    this.last = this.clock.now();
    this.tokens = qps > 0 ? this.burst : 0;
  }

  rate(): number {
    return this.qps;
  }

  /** Try: processes due items while tokens last. */
  async try(fn: (name: string, uid: string) => Promise<[boolean, number]>): Promise<void> {
    for (;;) {
      const head = this.head();
      if (!head) return;
      if (!this.tryAccept()) return;
      const now = this.clock.now();
      if (now < head.processAt) return;
      const [done, wait] = await fn(head.name, head.uid);
      if (done) this.items = this.items.filter((i) => i !== head);
      else head.processAt = now + wait + 1;
    }
  }

  private head(): Item | undefined {
    let best: Item | undefined;
    for (const i of this.items) if (!best || i.processAt < best.processAt) best = i;
    return best;
  }

  private tryAccept(): boolean {
    if (this.qps <= 0) return false;
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
