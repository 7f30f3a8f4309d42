import { performance } from 'node:perf_hooks';
import { Etcd3 } from 'etcd3';
import { startEtcd } from '../../test/support/etcd.js';
import { metric, percentile, round } from '../metrics.js';
import { createMany } from '../support/bulk.js';
import { startBenchCluster } from '../support/cluster.js';
import { runPool } from '../support/pool.js';
import type { Scenario } from '../types.js';

const COUNT = 3000;
const WARMUP = 300;
const CONCURRENCY = 32;
const PATH = '/api/v1/namespaces/default/configmaps';

function configMapBody(prefix: string, i: number): string {
  const name = `${prefix}-${String(i).padStart(5, '0')}`;
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { index: String(i), greeting: 'hello kubemu' } });
}

/**
 * POST ConfigMaps through the api-server (child process) vs. raw etcd3 puts of the same request bodies.
 * The baseline uses its own fresh etcd container: the api-server watches the whole etcd keyspace, so raw
 * keys written into its etcd would also load its watch cache. Both sides get an untimed warm-up.
 */
export const apiCreateThroughput: Scenario = {
  name: 'api-create-throughput',
  description: `create ${COUNT} ConfigMaps via POST at concurrency ${CONCURRENCY} (keep-alive) vs raw etcd3 put (separate etcd)`,
  run: async (ctx) => {
    const count = ctx.scale(COUNT);
    const [cluster, rawEtcd] = await Promise.all([startBenchCluster(ctx.log, CONCURRENCY), startEtcd()]);
    ctx.defer(() => cluster.stop());
    ctx.defer(() => rawEtcd.stop());

    ctx.log.info({ count, concurrency: CONCURRENCY }, 'creating ConfigMaps through the API');
    await createMany(cluster.http, PATH, WARMUP, CONCURRENCY, (i) => configMapBody('warm', i));
    const api = await createMany(cluster.http, PATH, count, CONCURRENCY, (i) => configMapBody('cm', i));
    const createsPerSec = api.ok / (api.ms / 1000);

    const { obj: list } = await cluster.http.getJson<{ items: { metadata: { name: string } }[] }>(PATH);
    const stored = list.items.filter((o) => o.metadata.name.startsWith('cm-')).length;

    ctx.log.info('raw etcd3 puts (baseline)');
    const etcd = new Etcd3({ hosts: rawEtcd.endpoint });
    ctx.defer(() => etcd.close());
    const putAll = async (prefix: string, n: number): Promise<{ ms: number; latencies: number[] }> => {
      const latencies: number[] = [];
      const t0 = performance.now();
      await runPool(n, CONCURRENCY, async (i) => {
        const body = configMapBody(prefix, i);
        const s = performance.now();
        await etcd.put(`/bench-raw/configmaps/default/${prefix}-${i}`).value(body).exec();
        latencies.push(performance.now() - s);
      });
      return { ms: performance.now() - t0, latencies };
    };
    await putAll('warm', WARMUP);
    const raw = await putAll('cm', count);
    const putsPerSec = count / (raw.ms / 1000);

    return {
      metrics: [
        metric({
          name: 'creates/s',
          unit: 'ops/s',
          value: createsPerSec,
          baseline: putsPerSec,
          baselineLabel: 'raw etcd3 put',
          target: { of: 'ratio', op: '>=', threshold: 0.5 },
          note: api.ok !== count || stored !== count ? `${api.ok}/${count} POSTs answered 201, ${stored} cm-* objects listed afterwards` : undefined,
        }),
        metric({ name: 'create latency p50', unit: 'ms', value: percentile(api.latencies, 50), baseline: percentile(raw.latencies, 50), baselineLabel: 'raw put' }),
        metric({ name: 'create latency p99', unit: 'ms', value: percentile(api.latencies, 99), baseline: percentile(raw.latencies, 99), baselineLabel: 'raw put' }),
      ],
      details: {
        count,
        warmup: WARMUP,
        concurrency: CONCURRENCY,
        api: { ms: round(api.ms), ok: api.ok, storedAfter: stored },
        raw: { ms: round(raw.ms), etcd: 'separate fresh container' },
        errors: api.errors.summary(),
        apiServerLog: cluster.api.problems().slice(-20),
      },
    };
  },
};
