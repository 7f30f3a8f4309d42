/**
 * Time as a dependency. Production code takes a `Clock` (usually `realClock`); tests pass a `FakeClock` and move
 * time with `await clock.advance(ms)`, so no unit test ever sleeps on the wall clock (KWOK-style injected clock).
 */

declare const timerBrand: unique symbol;
/** An opaque timer handle; only the clock that created it can cancel it. */
export interface TimerHandle {
  readonly [timerBrand]: true;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /**
   * Resolves after `ms`. If `signal` aborts first it resolves early — it never rejects — so loops can be written as
   * `while (!signal.aborted) { …; await clock.sleep(ms, signal); }`.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve();
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class RealClock implements Clock {
  now(): number {
    return Date.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return setTimeout(fn, Math.max(0, ms)) as unknown as TimerHandle;
  }
  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle !== undefined) clearTimeout(handle as unknown as NodeJS.Timeout);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
}

/** The wall clock. Stateless, so sharing it is fine. */
export const realClock: Clock = new RealClock();

interface FakeTimer {
  id: number;
  due: number;
  fn: () => void;
}

/** Lets every pending promise continuation (and anything they chain) run. Not a wall-clock wait. */
export function flushPromises(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A manual clock for tests. Time only moves on `advance`/`advanceTo`; timers fire in due order (ties in creation
 * order), and between two timers all promise continuations are allowed to run, so code of the form
 * `await x; clock.setTimeout(…)` behaves as it would on a real clock.
 */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: FakeTimer[] = [];

  constructor(startMs = Date.UTC(2025, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t: FakeTimer = { id: this.nextId++, due: this.current + Math.max(0, ms), fn };
    this.timers.push(t);
    return { id: t.id } as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    const id = (handle as unknown as { id: number }).id;
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  /** Number of timers not yet fired. */
  pendingTimers(): number {
    return this.timers.length;
  }

  /** When the next timer fires, or undefined if none is pending. */
  nextTimerAt(): number | undefined {
    let min: number | undefined;
    for (const t of this.timers) if (min === undefined || t.due < min) min = t.due;
    return min;
  }

  /** Moves time forward by `ms`, firing every timer that falls due (including ones scheduled meanwhile). */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(target: number): Promise<void> {
    await flushPromises();
    for (;;) {
      const next = this.popDue(target);
      if (!next) break;
      this.current = Math.max(this.current, next.due);
      next.fn();
      await flushPromises();
    }
    this.current = Math.max(this.current, target);
    await flushPromises();
  }

  /** Fires timers one at a time until none is pending or `maxMs` of fake time has passed. */
  async runAll(maxMs = 24 * 3600_000): Promise<void> {
    const limit = this.current + maxMs;
    for (;;) {
      const at = this.nextTimerAt();
      if (at === undefined || at > limit) break;
      await this.advanceTo(at);
    }
  }

  private popDue(target: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) {
      if (t.due <= target && (!best || t.due < best.due || (t.due === best.due && t.id < best.id))) best = t;
    }
    if (best) this.timers = this.timers.filter((t) => t !== best);
    return best;
  }
}
