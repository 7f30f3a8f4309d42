import { performance } from 'node:perf_hooks';
import type { Logger } from '../common/logger.js';
import type { FixtureDef, Scenario, ScenarioContext, ScenarioResult } from './types.js';

const DEFAULT_TIMEOUT_MS = 150_000;

interface LiveFixture {
  def: FixtureDef<unknown>;
  value: Promise<unknown>;
}

/**
 * Runs scenarios one after another. Shared fixtures are created on first use and disposed of right
 * after the last scenario of this run that lists them, so idle clusters do not run beside later
 * scenarios. A crashing or overrunning scenario is recorded with its error; the rest still run.
 */
export async function runScenarios(scenarios: readonly Scenario[], log: Logger, scale: number, signal: AbortSignal): Promise<ScenarioResult[]> {
  const lastUse = new Map<FixtureDef<unknown>, number>();
  scenarios.forEach((s, i) => s.fixtures?.forEach((f) => lastUse.set(f, i)));
  const live = new Map<FixtureDef<unknown>, LiveFixture>();
  const results: ScenarioResult[] = [];
  try {
    for (const [i, scenario] of scenarios.entries()) {
      if (signal.aborted) break;
      results.push(await runOne(scenario, log, scale, live, signal));
      for (const [def, idx] of lastUse) if (idx === i) await disposeFixture(live, def, log);
    }
  } finally {
    for (const def of [...live.keys()]) await disposeFixture(live, def, log);
  }
  return results;
}

async function runOne(
  scenario: Scenario,
  root: Logger,
  scale: number,
  live: Map<FixtureDef<unknown>, LiveFixture>,
  signal: AbortSignal,
): Promise<ScenarioResult> {
  const log = root.child({ scenario: scenario.name });
  const cleanups: (() => Promise<void> | void)[] = [];
  const ctx: ScenarioContext = {
    log,
    scale: (n) => Math.max(1, Math.round(n * scale)),
    defer: (fn) => cleanups.push(fn),
    fixture: <T>(def: FixtureDef<T>): Promise<T> => {
      const declared = def as FixtureDef<unknown>;
      if (!scenario.fixtures?.includes(declared)) {
        return Promise.reject(new Error(`scenario ${scenario.name} uses fixture ${def.name} without listing it in its fixtures`));
      }
      let f = live.get(declared);
      if (!f) {
        log.info({ fixture: def.name }, 'creating shared fixture');
        f = { def: declared, value: def.create({ log: root.child({ fixture: def.name }), scale: ctx.scale }) };
        live.set(declared, f);
      }
      return f.value as Promise<T>;
    },
  };
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const base = { scenario: scenario.name, description: scenario.description, startedAt };
  log.info('scenario starting');
  const timeoutMs = scenario.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`scenario timed out after ${timeoutMs} ms`)), timeoutMs);
    onAbort = () => reject(new Error('run interrupted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  let result: ScenarioResult;
  try {
    const out = await Promise.race([scenario.run(ctx), timeout]);
    result = { ...base, durationMs: Math.round(performance.now() - t0), ...out };
    log.info({ durationMs: result.durationMs }, 'scenario done');
  } catch (e) {
    const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    result = { ...base, durationMs: Math.round(performance.now() - t0), metrics: [], error };
    log.error({ err: e }, 'scenario failed');
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (e) {
        log.warn({ err: e }, 'scenario cleanup failed');
      }
    }
  }
  return result;
}

async function disposeFixture(live: Map<FixtureDef<unknown>, LiveFixture>, def: FixtureDef<unknown>, log: Logger): Promise<void> {
  const f = live.get(def);
  if (!f) return;
  live.delete(def);
  try {
    await def.dispose(await f.value);
    log.info({ fixture: def.name }, 'shared fixture disposed');
  } catch (e) {
    log.warn({ err: e, fixture: def.name }, 'fixture creation or disposal failed');
  }
}
