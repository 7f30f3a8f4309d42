import { max, metric, percentile, round } from '../metrics.js';
import { createMany } from '../support/bulk.js';
import { startBenchCluster, type BenchCluster } from '../support/cluster.js';
import { ErrorTally } from '../support/error-tally.js';
import { sleep } from '../support/pool.js';
import { openWatchStream, type WatchStream } from '../support/watch-stream.js';
import type { Scenario } from '../types.js';

const WATCHERS = 100;
const UPDATES = 200;
const WARMUP_UPDATES = 50;
const PACE_MS = 10;
const CONFIGMAPS = 10;
const DELIVERY_WAIT_MS = 10_000;
const PATH = '/api/v1/namespaces/default/configmaps';

interface ConfigMap {
  metadata: { name: string; resourceVersion: string } & Record<string, unknown>;
  data?: Record<string, string>;
  [k: string]: unknown;
}

interface PhaseResult {
  watchers: number;
  updates: number;
  /** write response → arrival at a watcher, one entry per delivery, ms */
  latencies: number[];
  /** write request sent → arrival (includes the write itself), ms */
  fromSend: number[];
  missed: number;
  /** deliveries that arrived before the client had read the write's response (counted as 0 ms) */
  early: number;
  writeMs: number[];
  problems: string[];
}

/**
 * Watch fan-out latency: W chunked watches on default/configmaps from the list's resourceVersion, then
 * sequential PUTs (paced PACE_MS apart) of CONFIGMAPS ConfigMaps. Each delivery is matched by
 * name + resourceVersion and timed from the write's HTTP response. Baseline: the same with 1 watcher.
 * The watchers live in this (client) process, so client-side event-loop time is part of the figure.
 */
export const apiWatchLatency100: Scenario = {
  name: 'api-watch-latency-100',
  description: `${WATCHERS} concurrent watches, ${UPDATES} paced ConfigMap updates; write response → event arrival (baseline: 1 watcher)`,
  run: async (ctx) => {
    const cluster = await startBenchCluster(ctx.log, 4);
    ctx.defer(() => cluster.stop());
    const errors = new ErrorTally();
    const created = await createMany(cluster.http, PATH, CONFIGMAPS, CONFIGMAPS, (i) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `watched-${i}` }, data: { seq: '0' } }),
    );
    if (created.ok !== CONFIGMAPS) throw new Error(`creating ConfigMaps failed: ${JSON.stringify(created.errors.summary())}`);
    const { obj } = await cluster.http.getJson<{ items: ConfigMap[] }>(PATH);
    const objs = obj.items;

    const logPhase = (what: string, r: PhaseResult): void =>
      ctx.log.info({ watchers: r.watchers, updates: r.updates, deliveries: r.latencies.length, missed: r.missed, p99: round(percentile(r.latencies, 99)) }, what);
    logPhase('warm-up phase (discarded)', await phase(cluster, objs, 1, WARMUP_UPDATES, errors));
    const one = await phase(cluster, objs, 1, ctx.scale(UPDATES), errors);
    logPhase('baseline phase', one);
    const many = await phase(cluster, objs, ctx.scale(WATCHERS), ctx.scale(UPDATES), errors);
    logPhase('fan-out phase', many);

    const note = (r: PhaseResult): string | undefined =>
      r.early > 0
        ? `${r.early} of ${r.latencies.length} deliveries arrived before the client had read the PUT response (counted as 0 ms); timed from PUT sent instead: p50 ${round(percentile(r.fromSend, 50))} ms, p99 ${round(percentile(r.fromSend, 99))} ms`
        : undefined;
    return {
      metrics: [
        metric({ name: `watch latency p50 (${many.watchers} watchers)`, unit: 'ms', value: percentile(many.latencies, 50), baseline: percentile(one.latencies, 50), baselineLabel: '1 watcher' }),
        metric({
          name: `watch latency p99 (${many.watchers} watchers)`,
          unit: 'ms',
          value: percentile(many.latencies, 99),
          baseline: percentile(one.latencies, 99),
          baselineLabel: '1 watcher',
          target: { of: 'value', op: '<', threshold: 50 },
          note: note(many),
        }),
        metric({ name: `watch latency max (${many.watchers} watchers)`, unit: 'ms', value: max(many.latencies), baseline: max(one.latencies), baselineLabel: '1 watcher' }),
        metric({
          name: `p99 from PUT sent (${many.watchers} watchers)`,
          unit: 'ms',
          value: percentile(many.fromSend, 99),
          baseline: percentile(one.fromSend, 99),
          baselineLabel: '1 watcher',
          note: 'includes the write itself; shown because the server may deliver events before the PUT response reaches the client',
        }),
        metric({ name: 'missed deliveries', unit: 'events', value: many.missed, baseline: one.missed, baselineLabel: '1 watcher', target: { of: 'value', op: '<=', threshold: 0 } }),
      ],
      details: {
        paceMs: PACE_MS,
        configMaps: CONFIGMAPS,
        phases: [one, many].map((r) => ({
          watchers: r.watchers,
          updates: r.updates,
          deliveries: r.latencies.length,
          missed: r.missed,
          early: r.early,
          p50: round(percentile(r.latencies, 50)),
          p90: round(percentile(r.latencies, 90)),
          p99: round(percentile(r.latencies, 99)),
          max: round(max(r.latencies)),
          fromPutSentP50: round(percentile(r.fromSend, 50)),
          fromPutSentP99: round(percentile(r.fromSend, 99)),
          putP50Ms: round(percentile(r.writeMs, 50)),
          putP99Ms: round(percentile(r.writeMs, 99)),
          problems: r.problems,
        })),
        errors: errors.summary(),
        apiServerLog: cluster.api.problems().slice(-20),
      },
    };
  },
};

async function phase(cluster: BenchCluster, objs: ConfigMap[], watchers: number, updates: number, errors: ErrorTally): Promise<PhaseResult> {
  const { obj: list } = await cluster.http.getJson<{ metadata: { resourceVersion: string } }>(PATH);
  const rv = list.metadata.resourceVersion;
  const streams: WatchStream[] = [];
  try {
    const opened = await Promise.allSettled(
      Array.from({ length: watchers }, () => openWatchStream(cluster.api.url, `${PATH}?watch=1&resourceVersion=${encodeURIComponent(rv)}`)),
    );
    for (const o of opened) {
      if (o.status === 'fulfilled') streams.push(o.value);
    }
    const failed = opened.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed.length > 0) throw new Error(`${failed.length}/${watchers} watches failed to open: ${String(failed[0]?.reason)}`);
    await sleep(200);

    const written = new Map<string, { sent: number; answered: number }>();
    const writeMs: number[] = [];
    for (let i = 0; i < updates; i++) {
      const slot = i % objs.length;
      const cur = objs[slot];
      // every write must change the object: a no-op update writes nothing and (rightly) sends no event
      const body: ConfigMap = { ...cur, data: { ...cur.data, seq: `${rv}-${i}` } };
      const path = `${PATH}/${cur.metadata.name}`;
      const reply = await cluster.http.request('PUT', path, JSON.stringify(body));
      writeMs.push(reply.ms);
      if (reply.status === 200) {
        const next = JSON.parse(reply.body) as ConfigMap;
        objs[slot] = next;
        written.set(`${next.metadata.name}@${next.metadata.resourceVersion}`, { sent: reply.at - reply.ms, answered: reply.at });
      } else {
        errors.http(`PUT ${path}`, reply.status, reply.body);
      }
      await sleep(PACE_MS);
    }

    const expected = written.size * streams.length;
    const matched = (): number => streams.reduce((n, s) => n + s.events.filter((e) => written.has(`${e.name}@${e.resourceVersion}`)).length, 0);
    const deadline = Date.now() + DELIVERY_WAIT_MS;
    while (matched() < expected && Date.now() < deadline) await sleep(50);

    const latencies: number[] = [];
    const fromSend: number[] = [];
    let early = 0;
    let duplicates = 0;
    const problems: string[] = [];
    for (const s of streams) {
      const seen = new Set<string>();
      for (const e of s.events) {
        const key = `${e.name}@${e.resourceVersion}`;
        const sent = written.get(key);
        if (sent === undefined) continue;
        if (seen.has(key)) {
          duplicates++;
          continue;
        }
        seen.add(key);
        if (e.type !== 'MODIFIED') problems.push(`expected MODIFIED for ${e.name}@${e.resourceVersion}, got ${e.type}`);
        const lat = e.at - sent.answered;
        if (lat < 0) early++;
        latencies.push(Math.max(0, lat));
        fromSend.push(e.at - sent.sent);
      }
      problems.push(...s.problems);
    }
    if (duplicates > 0) problems.unshift(`${duplicates} duplicate deliveries`);
    return { watchers, updates, latencies, fromSend, missed: expected - latencies.length, early, writeMs, problems: problems.slice(0, 10) };
  } finally {
    for (const s of streams) s.close();
  }
}
