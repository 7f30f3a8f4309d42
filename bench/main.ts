/**
 * kubemu benchmarks — `npm run bench [-- scenario-name …]`
 *
 * Runs the scenarios registered in `bench/scenarios/index.ts` (all, or those named on the command line),
 * each beside a baseline measured in the same run, and writes:
 *   - `bench/results/<scenario>.json`  one file per scenario (overwritten each run)
 *   - `bench/results/latest.json`      every result of this run plus timestamp, node version, CPU count
 *   - `bench/results/SUMMARY.md`       the readable table (also printed): scenario, metric, value,
 *                                      baseline, ratio (= value ÷ baseline), target, met?
 * Targets are recorded, never enforced: the process exits 0 unless a scenario crashed or timed out.
 * `KUBEMU_BENCH_SCALE=0.1` shrinks object counts for a quick smoke run (targets assume scale 1).
 * Everything runs against 127.0.0.1: throwaway etcd containers (test/support/etcd.ts) and the api-server
 * started as a child process (`dist/api-server/main.js`), as in production.
 *
 * Adding a scenario:
 *   1. Write `bench/scenarios/<name>.ts` exporting a `Scenario` (see `bench/types.ts`):
 *        export const myScenario: Scenario = {
 *          name: 'my-scenario', description: '…',
 *          run: async (ctx) => {
 *            const cluster = await startBenchCluster(ctx.log);   // bench/support/cluster.ts
 *            ctx.defer(() => cluster.stop());                    // cleanup runs even on failure
 *            …measure the thing and its baseline…
 *            return { metrics: [metric({ name, unit, value, baseline, baselineLabel, target })], details: {…} };
 *          },
 *        };
 *      `metric()` (bench/metrics.ts) fills in ratio and met. Keep counts and time bounded (default
 *      timeout 150 s per scenario, `timeoutMs` to change it); report API errors in `details.errors`
 *      (support/error-tally.ts) rather than retrying around them.
 *   2. Add one line to `SCENARIOS` in `bench/scenarios/index.ts`.
 *   To share an expensive setup (e.g. the 10k-pod cluster), define a `FixtureDef` in `bench/fixtures/`,
 *   list it in each user's `fixtures`, and get it with `ctx.fixture(def)`; the runner creates it once and
 *   disposes of it after the last scenario of the run that lists it.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createRootLogger } from '../common/logger.js';
import { writeResults, runInfo } from './report.js';
import { runScenarios } from './runner.js';
import { SCENARIOS } from './scenarios/index.js';

const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/results');

async function main(): Promise<number> {
  const log = createRootLogger('bench');
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) {
    process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}\navailable: ${SCENARIOS.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const scale = Number(process.env.KUBEMU_BENCH_SCALE ?? '1');
  if (!(scale > 0 && scale <= 10)) {
    process.stderr.write(`KUBEMU_BENCH_SCALE must be in (0, 10], got ${process.env.KUBEMU_BENCH_SCALE}\n`);
    return 2;
  }
  const selected = wanted.length > 0 ? SCENARIOS.filter((s) => wanted.includes(s.name)) : SCENARIOS;
  const startedAt = new Date();
  const t0 = performance.now();
  log.info({ scenarios: selected.map((s) => s.name), scale }, 'benchmark run starting');
  // Ctrl-C ends the current scenario, runs its cleanups (containers, child processes) and writes what ran.
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    log.warn({ signal: sig }, 'interrupted; cleaning up');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const results = await runScenarios(selected, log, scale, abort.signal);
  const info = runInfo(startedAt, Math.round(performance.now() - t0), scale);
  const summary = await writeResults(RESULTS_DIR, info, results);
  process.stdout.write(`\n${summary}\nresults: ${RESULTS_DIR}\n`);
  if (abort.signal.aborted) return 130;
  return results.some((r) => r.error) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
