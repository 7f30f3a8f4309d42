/**
 * Pod workers, as upstream's podWorkers: at most one sync of a pod (by uid) runs at a time; requests that arrive
 * meanwhile coalesce into one more sync afterwards; delayed requests (back-off expiry) keep the earliest time.
 * A failed sync is retried with a per-pod back-off (1 s doubling to 30 s). A sync that reports `done` (the pod is
 * gone and cleaned up) retires the worker.
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';

export interface SyncOutcome {
  /** The pod is gone and everything of it was removed. */
  done: boolean;
  /** Sync again after this long (back-off expiry, retries). */
  requeueAfterMs?: number;
}

export type SyncFn = (uid: string) => Promise<SyncOutcome>;

interface Worker {
  running: boolean;
  dirty: boolean;
  timer?: TimerHandle;
  timerAt?: number;
  failures: number;
  loop?: Promise<void>;
}

const RETRY_INITIAL_MS = 1000;
const RETRY_MAX_MS = 30_000;

export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private stopped = false;

  constructor(
    private readonly sync: SyncFn,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Requests a sync of `uid`, now or after `delayMs`. */
  enqueue(uid: string, delayMs = 0): void {
    if (this.stopped || !uid) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = { running: false, dirty: false, failures: 0 };
      this.workers.set(uid, w);
    }
    if (delayMs > 0) {
      const at = this.clock.now() + delayMs;
      if (w.timer && w.timerAt !== undefined && w.timerAt <= at) return;
      this.clock.clearTimeout(w.timer);
      w.timerAt = at;
      const worker = w;
      w.timer = this.clock.setTimeout(() => {
        worker.timer = undefined;
        worker.timerAt = undefined;
        this.enqueue(uid);
      }, delayMs);
      return;
    }
    w.dirty = true;
    if (!w.running) w.loop = this.run(uid, w);
  }

  /** Uids with a worker (pods being managed or cleaned up). */
  uids(): string[] {
    return [...this.workers.keys()];
  }

  has(uid: string): boolean {
    return this.workers.has(uid);
  }

  /** Stops accepting work and waits for running syncs to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    const loops: Promise<void>[] = [];
    for (const w of this.workers.values()) {
      this.clock.clearTimeout(w.timer);
      w.dirty = false;
      if (w.loop) loops.push(w.loop);
    }
    await Promise.all(loops);
  }

  private async run(uid: string, w: Worker): Promise<void> {
    w.running = true;
    try {
      while (w.dirty && !this.stopped) {
        w.dirty = false;
        let outcome: SyncOutcome;
        try {
          outcome = await this.sync(uid);
          w.failures = 0;
          this.log.debug({ uid, done: outcome.done, requeueAfterMs: outcome.requeueAfterMs }, 'pod synced');
        } catch (e) {
          const delay = Math.min(RETRY_INITIAL_MS * 2 ** w.failures, RETRY_MAX_MS);
          w.failures++;
          this.log.warn({ uid, err: e instanceof Error ? e.message : String(e), retryInMs: delay }, 'pod sync failed');
          outcome = { done: false, requeueAfterMs: delay };
        }
        if (outcome.done && !w.dirty) {
          this.clock.clearTimeout(w.timer);
          this.workers.delete(uid);
          return;
        }
        if (outcome.requeueAfterMs !== undefined) this.enqueue(uid, Math.max(1, outcome.requeueAfterMs));
      }
    } finally {
      w.running = false;
    }
  }
}
