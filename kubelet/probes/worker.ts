/**
 * One probe of one container instance, as upstream's prober worker: probe at once and then every periodSeconds;
 * skip while within initialDelaySeconds of the container's start (and, for liveness/readiness, until the startup
 * probe passed); flip the result only after successThreshold / failureThreshold consecutive attempts; after a
 * liveness or startup failure hold until the container is replaced (the kubelet restarts it).
 */
import type { Probe } from 'kubernetes-types/core/v1.js';
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { ProbeOutcome, ProbeResult } from './prober.js';

export type ProbeType = 'liveness' | 'readiness' | 'startup';

export interface ProbeWorkerOptions {
  clock: Clock;
  type: ProbeType;
  probe: Probe;
  /** When the container started (epoch ms). */
  startedAt: number;
  /** Runs one attempt. */
  run: () => Promise<ProbeOutcome>;
  /** For liveness/readiness: whether the startup probe has passed (always true without one). */
  isStarted: () => boolean;
  /** The result changed. */
  onChange: (result: ProbeResult) => void;
  /** Every failed attempt (the kubelet records an Unhealthy event). */
  onFailure: (output: string) => void;
}

/** upstream's initial results: readiness starts failed, liveness succeeded, startup unknown. */
export function initialResult(type: ProbeType): ProbeResult {
  return type === 'readiness' ? 'failure' : type === 'liveness' ? 'success' : 'unknown';
}

export class ProbeWorker {
  private resultValue: ProbeResult;
  private lastResult: ProbeResult = 'unknown';
  private resultRun = 0;
  private onHold = false;
  private timer: TimerHandle | undefined;
  private stopped = false;
  private readonly periodMs: number;
  private readonly initialDelayMs: number;
  private readonly successThreshold: number;
  private readonly failureThreshold: number;

  constructor(private readonly o: ProbeWorkerOptions) {
    this.resultValue = initialResult(o.type);
    this.periodMs = Math.max(1, o.probe.periodSeconds ?? 10) * 1000;
    this.initialDelayMs = (o.probe.initialDelaySeconds ?? 0) * 1000;
    this.successThreshold = Math.max(1, o.probe.successThreshold ?? 1);
    this.failureThreshold = Math.max(1, o.probe.failureThreshold ?? 3);
  }

  get result(): ProbeResult {
    return this.resultValue;
  }

  /** Probes at once, then every period. */
  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.o.clock.clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.o.clock.setTimeout(() => {
      void this.tick();
    }, ms);
  }

  private async tick(): Promise<void> {
    const startedTick = this.o.clock.now();
    try {
      await this.doProbe();
    } finally {
      if (!this.stopped) this.schedule(Math.max(0, startedTick + this.periodMs - this.o.clock.now()));
    }
  }

  /** One attempt, upstream worker.doProbe. */
  private async doProbe(): Promise<void> {
    if (this.onHold) return;
    if (this.o.clock.now() - this.o.startedAt < this.initialDelayMs) return;
    if (this.o.type === 'startup' && this.resultValue === 'success') return;
    if (this.o.type !== 'startup' && !this.o.isStarted()) return;
    let outcome: ProbeOutcome;
    try {
      outcome = await this.o.run();
    } catch (e) {
      // the runtime could not run the attempt (e.g. the container just went away): no verdict
      outcome = { result: 'unknown', output: e instanceof Error ? e.message : String(e) };
    }
    if (this.stopped) return;
    if (outcome.result !== 'success') this.o.onFailure(outcome.output);
    if (outcome.result === 'unknown') return;
    if (outcome.result === this.lastResult) this.resultRun++;
    else {
      this.lastResult = outcome.result;
      this.resultRun = 1;
    }
    if ((outcome.result === 'failure' && this.resultRun < this.failureThreshold) || (outcome.result === 'success' && this.resultRun < this.successThreshold)) {
      return;
    }
    const changed = outcome.result !== this.resultValue;
    this.resultValue = outcome.result;
    if (changed) this.o.onChange(outcome.result);
    if ((this.o.type === 'liveness' || this.o.type === 'startup') && outcome.result === 'failure') {
      this.onHold = true;
      this.resultRun = 0;
    }
  }
}
