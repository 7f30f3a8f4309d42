import type { Logger } from '../common/logger.js';

/** A performance target: `value` (or `ratio`, i.e. value ÷ baseline) compared with `threshold`. */
export interface Target {
  of: 'value' | 'ratio';
  op: '<' | '<=' | '>' | '>=';
  threshold: number;
}

/** One measured number. `ratio` is always value ÷ baseline; `met` is only set when there is a target. */
export interface Metric {
  name: string;
  unit: string;
  value: number;
  baseline?: number;
  /** what the baseline measures, e.g. "raw etcd3 put" */
  baselineLabel?: string;
  ratio?: number;
  target?: Target;
  met?: boolean;
  note?: string;
}

/** What a scenario hands back: its metrics plus free-form details (counts, errors seen, settings). */
export interface ScenarioOutput {
  metrics: Metric[];
  details?: Record<string, unknown>;
}

export interface ScenarioResult extends ScenarioOutput {
  scenario: string;
  description: string;
  startedAt: string;
  durationMs: number;
  /** set when the scenario crashed or timed out; metrics may then be empty */
  error?: string;
}

/**
 * Something expensive several scenarios may share (e.g. a cluster holding 10k pods). The runner
 * creates it on first use and disposes of it after the last scenario of the run that declares it.
 */
export interface FixtureDef<T> {
  name: string;
  // method syntax (bivariant) so a FixtureDef<X> can be listed as FixtureDef<unknown>; `this: void` = no binding needed
  create(this: void, ctx: FixtureContext): Promise<T>;
  dispose(this: void, value: T): Promise<void>;
}

export interface FixtureContext {
  log: Logger;
  /** multiplies object counts (KUBEMU_BENCH_SCALE, default 1) */
  scale: (n: number) => number;
}

export interface ScenarioContext extends FixtureContext {
  /** the shared value of a fixture; the scenario must list it in its `fixtures` */
  fixture: <T>(def: FixtureDef<T>) => Promise<T>;
  /** registers cleanup that runs when the scenario ends (LIFO), crashed or not */
  defer: (fn: () => Promise<void> | void) => void;
}

export interface Scenario {
  name: string;
  description: string;
  /** fixtures this scenario shares with others; anything else it starts itself and cleans up via ctx.defer */
  fixtures?: readonly FixtureDef<unknown>[];
  /** wall-clock bound; the scenario is reported as failed past it (default 150 s) */
  timeoutMs?: number;
  run: (ctx: ScenarioContext) => Promise<ScenarioOutput>;
}
