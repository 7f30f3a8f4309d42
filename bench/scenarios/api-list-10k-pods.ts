import { performance } from 'node:perf_hooks';
import { Etcd3 } from 'etcd3';
import { pods10k, type PodsCluster } from '../fixtures/pods-10k.js';
import { median, metric, round } from '../metrics.js';
import type { HttpClient } from '../support/http-client.js';
import type { Metric, Scenario } from '../types.js';

const REPEAT = 5;
const PAGED_REPEAT = 3;
const PAGE_LIMIT = 500;
const TARGET_MS = 1000;
const RAW_MAX_RECEIVE = 256 * 1024 * 1024;

interface PodList {
  metadata: { resourceVersion?: string; continue?: string };
  items: { metadata: { name: string } }[];
}

interface Timed {
  ms: number;
  items: number;
  bytes: number;
  pages: number;
}

/** One list, following `continue` when paged; time = until the last body fully arrived (parsing untimed). */
async function timedList(http: HttpClient, query: string, limit?: number): Promise<Timed> {
  let ms = 0;
  let items = 0;
  let bytes = 0;
  let pages = 0;
  let cont: string | undefined;
  do {
    const q = new URLSearchParams(query);
    if (limit) q.set('limit', String(limit));
    if (cont) q.set('continue', cont);
    const qs = q.toString();
    const reply = await http.request('GET', `/api/v1/pods${qs ? `?${qs}` : ''}`);
    if (reply.status !== 200) throw new Error(`GET /api/v1/pods?${qs}: HTTP ${reply.status}: ${reply.body.slice(0, 300)}`);
    ms += reply.ms;
    bytes += Buffer.byteLength(reply.body);
    pages++;
    const list = JSON.parse(reply.body) as PodList;
    items += list.items.length;
    cont = list.metadata.continue || undefined;
  } while (cont && pages < 1000);
  return { ms, items, bytes, pages };
}

async function repeat(n: number, fn: () => Promise<Timed>): Promise<Timed[]> {
  const out: Timed[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

/** The baseline: what reading the same data straight from etcd costs (range over the prefix + JSON.parse each value). */
async function rawRange(etcd: Etcd3): Promise<Timed> {
  const t0 = performance.now();
  const kvs = await etcd.getAll().prefix('/registry/pods/').buffers();
  let bytes = 0;
  let items = 0;
  for (const v of Object.values(kvs)) {
    bytes += v.length;
    JSON.parse(v.toString('utf8'));
    items++;
  }
  return { ms: performance.now() - t0, items, bytes, pages: 1 };
}

/**
 * Lists 10k Pods (fixture pods-10k) three ways: consistent full list (resourceVersion unset), from the
 * watch cache (resourceVersion=0), and paged with limit=500 following `continue`. Baseline for all three:
 * one raw etcd3 range read of /registry/pods/ with JSON.parse of every value (median of 5).
 */
export const apiList10kPods: Scenario = {
  name: 'api-list-10k-pods',
  description: `GET /api/v1/pods over 10k stored pods (full, rv=0, limit=${PAGE_LIMIT}) vs raw etcd3 range + JSON.parse`,
  fixtures: [pods10k],
  run: async (ctx) => {
    const fx: PodsCluster = await ctx.fixture(pods10k);
    const http = fx.cluster.http;
    await timedList(http, ''); // warm-up, untimed
    const full = await repeat(REPEAT, () => timedList(http, ''));
    const rv0 = await repeat(REPEAT, () => timedList(http, 'resourceVersion=0'));
    const paged = await repeat(PAGED_REPEAT, () => timedList(http, '', PAGE_LIMIT));

    // 10k pods are ~7 MiB of values: above gRPC's default 4 MiB receive limit for one range response
    const etcd = new Etcd3({ hosts: fx.cluster.etcd.endpoint, grpcOptions: { 'grpc.max_receive_message_length': RAW_MAX_RECEIVE } });
    ctx.defer(() => etcd.close());
    await rawRange(etcd); // warm-up
    const raw = await repeat(REPEAT, () => rawRange(etcd));
    const rawMs = median(raw.map((r) => r.ms));

    const wrongCounts = [...full, ...rv0, ...paged, ...raw].filter((t) => t.items !== fx.pods).map((t) => t.items);
    const countNote = wrongCounts.length > 0 ? `expected ${fx.pods} items, some lists returned ${wrongCounts.join(', ')}` : undefined;
    const m = (name: string, runs: Timed[], extra: Partial<Metric> = {}): Metric =>
      metric({ name, unit: 'ms', value: median(runs.map((r) => r.ms)), baseline: rawMs, baselineLabel: 'raw etcd range+parse', note: countNote, ...extra });
    return {
      metrics: [
        m('full list (consistent)', full, { target: { of: 'value', op: '<', threshold: TARGET_MS } }),
        m('list rv=0 (cache)', rv0),
        m(`paged list limit=${PAGE_LIMIT} (total)`, paged),
        metric({ name: 'pod creates/s (fill)', unit: 'ops/s', value: fx.fill.podsPerSec, note: `${fx.fill.ok}/${fx.pods} pods created in ${round(fx.fill.ms / 1000)} s at concurrency 32` }),
      ],
      details: {
        pods: fx.pods,
        runs: {
          full: full.map((t) => round(t.ms)),
          rv0: rv0.map((t) => round(t.ms)),
          paged: paged.map((t) => ({ ms: round(t.ms), pages: t.pages })),
          raw: raw.map((t) => round(t.ms)),
        },
        responseMiB: round((full[0]?.bytes ?? 0) / 2 ** 20, 2),
        rawValuesMiB: round((raw[0]?.bytes ?? 0) / 2 ** 20, 2),
        fill: { ...fx.fill, ms: round(fx.fill.ms), podsPerSec: round(fx.fill.podsPerSec), p50Ms: round(fx.fill.p50Ms), p99Ms: round(fx.fill.p99Ms) },
        errors: fx.fill.errors,
        apiServerLog: fx.cluster.api.problems().slice(-20),
      },
    };
  },
};
