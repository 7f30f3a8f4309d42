import { realClock, type Clock, type TimerHandle } from './clock.js';
import type { Logger } from './logger.js';

/**
 * Graceful shutdown of one process. Components register closers as they start things
 * (servers, informers, leases, etcd clients); on SIGTERM/SIGINT or `shutdown(reason)` the closers run
 * one at a time in reverse registration order, each bounded by a timeout, and `done` resolves with the
 * exit code for main.ts to pass to `process.exit` — this class never exits the process itself.
 *
 * ```ts
 * const shutdown = new Shutdown(log);
 * shutdown.installSignalHandlers();
 * const server = await startServer({ signal: shutdown.signal });
 * shutdown.register('http server', () => server.close());
 * process.exitCode = await shutdown.done;
 * ```
 */
export interface ShutdownOptions {
  /** Bound for each closer. Default 10 s. */
  closerTimeoutMs?: number;
  /** Time source for the closer timeouts; tests pass a FakeClock. */
  clock?: Clock;
}

/** What `installSignalHandlers` listens on; `process` by default, a fake EventEmitter in tests. */
export interface SignalSource {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

interface Closer {
  name: string;
  fn: () => Promise<void>;
}

export const DEFAULT_CLOSER_TIMEOUT_MS = 10_000;

export class Shutdown {
  private readonly log: Logger;
  private readonly closerTimeoutMs: number;
  private readonly clock: Clock;
  private readonly closers: Closer[] = [];
  private readonly controller = new AbortController();
  private resolveDone!: (code: number) => void;
  private running: Promise<number> | undefined;
  private settled = false;

  /** Resolves once, with 0 when every closer succeeded, 1 when one failed or timed out (or on a second signal). */
  readonly done: Promise<number>;

  constructor(log: Logger, opts: ShutdownOptions = {}) {
    this.log = log;
    this.closerTimeoutMs = opts.closerTimeoutMs ?? DEFAULT_CLOSER_TIMEOUT_MS;
    this.clock = opts.clock ?? realClock;
    this.done = new Promise<number>((resolve) => {
      this.resolveDone = resolve;
    });
  }

  /** Aborts when shutdown starts; pass it to loops, watches and servers. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  /**
   * Adds a closer. Closers run in reverse registration order (last started, first stopped).
   * Registering during shutdown is allowed: the closer runs next. Returns a function that unregisters it.
   */
  register(name: string, fn: () => Promise<void>): () => void {
    const closer: Closer = { name, fn };
    this.closers.push(closer);
    return () => {
      const i = this.closers.indexOf(closer);
      if (i >= 0) this.closers.splice(i, 1);
    };
  }

  /**
   * SIGTERM and SIGINT start the shutdown; a second signal while it runs resolves `done` with 1 at once
   * (the closers keep running, main.ts decides whether to wait). Returns a function that removes the handlers.
   */
  installSignalHandlers(source: SignalSource = process, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): () => void {
    const onSignal = (sig: NodeJS.Signals): void => {
      if (!this.started) {
        void this.shutdown(`received ${sig}`);
        return;
      }
      if (!this.settled) {
        this.log.warn({ signal: sig }, 'received a second signal during shutdown, giving up on the remaining closers');
        this.finish(1);
      }
    };
    for (const s of signals) source.on(s, onSignal);
    return () => {
      for (const s of signals) source.off(s, onSignal);
    };
  }

  /** Starts the shutdown (idempotent: later calls return the same result). Resolves with the exit code. */
  shutdown(reason: string): Promise<number> {
    if (this.running) return this.running;
    this.log.info({ reason }, 'shutting down');
    this.running = this.runClosers(reason);
    return this.running;
  }

  private async runClosers(reason: string): Promise<number> {
    this.controller.abort(new Error(`shutting down: ${reason}`));
    let code = 0;
    const started = this.clock.now();
    for (let closer = this.closers.pop(); closer; closer = this.closers.pop()) {
      const t0 = this.clock.now();
      const failure = await this.runOne(closer);
      const ms = this.clock.now() - t0;
      if (failure === undefined) {
        this.log.info({ closer: closer.name, ms }, 'closed');
      } else {
        code = 1;
        this.log.error({ closer: closer.name, ms, err: failure }, `closing ${closer.name} failed`);
      }
    }
    this.log.info({ code, ms: this.clock.now() - started }, 'shutdown complete');
    this.finish(code);
    return this.done;
  }

  /** undefined on success, else the error (a timeout is an Error too). */
  private async runOne(closer: Closer): Promise<unknown> {
    let timer: TimerHandle | undefined;
    const timeout = new Promise<Error>((resolve) => {
      timer = this.clock.setTimeout(() => resolve(new Error(`timed out after ${this.closerTimeoutMs}ms`)), this.closerTimeoutMs);
    });
    const run = (async (): Promise<unknown> => {
      try {
        await closer.fn();
        return undefined;
      } catch (err) {
        return err ?? new Error('closer rejected without a reason');
      }
    })();
    try {
      return await Promise.race([run, timeout]);
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  private finish(code: number): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveDone(code);
  }
}
