import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { metric, percentile, round } from '../metrics.js';
import { componentNodeArgs, freePort } from '../support/api-process.js';
import { startBenchCluster } from '../support/cluster.js';
import { ErrorTally } from '../support/error-tally.js';
import type { HttpClient } from '../support/http-client.js';
import { runPool, sleep } from '../support/pool.js';
import { rawWatch } from '../support/watch-stream.js';
import type { Scenario } from '../types.js';

const NODES = 1000;
const PODS = 5000;
const CONCURRENCY = 32;
const BIND_TIMEOUT_MS = 120_000;
const SCHEDULER_MAIN = fileURLToPath(new URL('../../scheduler/main.js', import.meta.url));

function nodeBody(i: number): string {
  const name = `bench-node-${String(i).padStart(4, '0')}`;
  const resources = { cpu: '32', memory: '128Gi', pods: '110' };
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
    status: { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] },
  });
}

function podBody(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench' } },
    spec: { containers: [{ name: 'c', image: 'busybox:latest', resources: { requests: { cpu: '100m', memory: '256Mi' } } }] },
  });
}

/** Watches a namespace's pods from `rv` and records when each pod is first seen with spec.nodeName. */
function watchBindings(base: string, ns: string, rv: string): { boundAt: Map<string, number>; problems: string[]; close: () => void } {
  const boundAt = new Map<string, number>();
  const problems: string[] = [];
  type PodEvent = { object?: { metadata?: { name?: string }; spec?: { nodeName?: string } } };
  const close = rawWatch<PodEvent>(base, `/api/v1/namespaces/${ns}/pods?watch=1&resourceVersion=${rv}`, (ev, at) => {
    const name = ev.object?.metadata?.name;
    if (name && ev.object?.spec?.nodeName && !boundAt.has(name)) boundAt.set(name, at);
  }, problems);
  return { boundAt, problems, close };
}

async function listRV(httpc: HttpClient, ns: string): Promise<string> {
  const { obj } = await httpc.getJson<{ metadata: { resourceVersion: string } }>(`/api/v1/namespaces/${ns}/pods?limit=1`);
  return obj.metadata.resourceVersion;
}

async function waitAll(boundAt: Map<string, number>, n: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (boundAt.size < n && performance.now() < deadline) await sleep(20);
  return boundAt.size >= n;
}

interface SchedulerProcess {
  url: string;
  logs: string[];
  stop(): Promise<void>;
}

/** The scheduler as its own process, as in production (leader election on, default flags). */
async function startSchedulerProcess(apiUrl: string): Promise<SchedulerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...componentNodeArgs(), SCHEDULER_MAIN, '--server', apiUrl, '--health-port', String(port), '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  for (const s of [child.stdout, child.stderr]) {
    s.setEncoding('utf8');
    s.on('data', (c: string) => {
      for (const line of c.split('\n')) if (line.trim()) logs.push(line.slice(0, 400));
      if (logs.length > 100) logs.splice(0, logs.length - 100);
    });
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`scheduler not ready: ${logs.slice(-5).join(' | ')}`);
    }
    await sleep(100);
  }
  return {
    url,
    logs,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

function metricValue(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** Sum of every series of a metric (e.g. a histogram's _sum or _count over all label values). */
function metricSum(text: string, name: string): number {
  let total = 0;
  for (const l of text.split('\n')) if (l.startsWith(`${name}{`)) total += Number(l.slice(l.lastIndexOf(' ') + 1));
  return total;
}

/**
 * 1,000 Node objects (no kubelets) and 5,000 pods created through the API while the scheduler (its own process)
 * binds them; throughput from the first create to the last binding seen on a watch, and per-pod latency from
 * create sent to binding seen. Baseline in the same run: the raw api-server binding throughput, i.e. 5,000
 * POSTs to pods/binding (round-robin nodes) by a trivial client at the same concurrency, timed the same way.
 */
export const schedulerThroughput: Scenario = {
  name: 'scheduler-throughput',
  description: `scheduler binds ${PODS} pods created at concurrency ${CONCURRENCY} onto ${NODES} Node objects vs raw pods/binding POSTs`,
  timeoutMs: 180_000,
  run: async (ctx) => {
    const nodes = ctx.scale(NODES);
    const pods = ctx.scale(PODS);
    const cluster = await startBenchCluster(ctx.log, CONCURRENCY + 4);
    ctx.defer(() => cluster.stop());
    const errors = new ErrorTally();
    const h = cluster.http;

    ctx.log.info({ nodes }, 'creating Node objects');
    await runPool(nodes, CONCURRENCY, async (i) => {
      const r = await h.request('POST', '/api/v1/nodes', nodeBody(i));
      if (r.status !== 201) errors.http('POST node', r.status, r.body);
    });
    const r0 = await h.request('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'baseline' } }));
    if (r0.status !== 201) errors.http('POST namespace', r0.status, r0.body);

    // --- the scheduler ---------------------------------------------------------------------------------------
    const sched = await startSchedulerProcess(cluster.api.url);
    ctx.defer(() => sched.stop());
    const w = watchBindings(cluster.api.url, 'default', await listRV(h, 'default'));
    ctx.defer(() => w.close());
    const createdAt = new Map<string, number>();
    ctx.log.info({ pods, concurrency: CONCURRENCY }, 'creating pods for the scheduler');
    const t0 = performance.now();
    let lastCreated = t0;
    await runPool(pods, CONCURRENCY, async (i) => {
      const name = `sched-${String(i).padStart(5, '0')}`;
      createdAt.set(name, performance.now());
      const r = await h.request('POST', '/api/v1/namespaces/default/pods', podBody(name));
      lastCreated = r.at;
      if (r.status !== 201) errors.http('POST pod', r.status, r.body);
    });
    const allBound = await waitAll(w.boundAt, pods, BIND_TIMEOUT_MS);
    const bound = [...w.boundAt.values()];
    const tLast = bound.length ? Math.max(...bound) : performance.now();
    const schedPerSec = w.boundAt.size / ((tLast - t0) / 1000);
    const latencies = [...w.boundAt].map(([name, at]) => at - (createdAt.get(name) ?? at));
    const schedMetrics = await (await fetch(`${sched.url}/metrics`)).text();
    const perNode = new Map<string, number>();
    const { obj: podList } = await h.getJson<{ items: { spec?: { nodeName?: string } }[] }>('/api/v1/namespaces/default/pods');
    for (const p of podList.items) if (p.spec?.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
    await sched.stop();
    w.close();

    // --- baseline: raw bindings by a trivial client ------------------------------------------------------------
    ctx.log.info({ pods }, 'baseline: creating pods (untimed), then binding them directly');
    await runPool(pods, CONCURRENCY, async (i) => {
      const r = await h.request('POST', '/api/v1/namespaces/baseline/pods', podBody(`raw-${String(i).padStart(5, '0')}`));
      if (r.status !== 201) errors.http('POST baseline pod', r.status, r.body);
    });
    const wb = watchBindings(cluster.api.url, 'baseline', await listRV(h, 'baseline'));
    ctx.defer(() => wb.close());
    const sentAt = new Map<string, number>();
    const b0 = performance.now();
    await runPool(pods, CONCURRENCY, async (i) => {
      const name = `raw-${String(i).padStart(5, '0')}`;
      const node = `bench-node-${String(i % nodes).padStart(4, '0')}`;
      sentAt.set(name, performance.now());
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } });
      const r = await h.request('POST', `/api/v1/namespaces/baseline/pods/${name}/binding`, body);
      if (r.status !== 201) errors.http('POST binding', r.status, r.body);
    });
    await waitAll(wb.boundAt, pods, 60_000);
    const rawBound = [...wb.boundAt.values()];
    const rawLast = rawBound.length ? Math.max(...rawBound) : performance.now();
    const rawPerSec = wb.boundAt.size / ((rawLast - b0) / 1000);
    const rawLatencies = [...wb.boundAt].map(([name, at]) => at - (sentAt.get(name) ?? at));
    wb.close();

    const counts = [...perNode.values()];
    return {
      metrics: [
        metric({
          name: 'scheduling throughput',
          unit: 'pods/s',
          value: schedPerSec,
          baseline: rawPerSec,
          baselineLabel: 'raw pods/binding POSTs',
          target: { of: 'value', op: '>=', threshold: 300 },
          note: allBound ? undefined : `only ${w.boundAt.size}/${pods} pods bound within ${BIND_TIMEOUT_MS / 1000} s`,
        }),
        metric({ name: 'scheduling latency p50', unit: 'ms', value: percentile(latencies, 50), baseline: percentile(rawLatencies, 50), baselineLabel: 'raw binding' }),
        metric({ name: 'scheduling latency p99', unit: 'ms', value: percentile(latencies, 99), baseline: percentile(rawLatencies, 99), baselineLabel: 'raw binding' }),
      ],
      details: {
        nodes,
        pods,
        concurrency: CONCURRENCY,
        bound: w.boundAt.size,
        windowMs: round(tLast - t0),
        createPhaseMs: round(lastCreated - t0),
        createsPerSec: round(pods / ((lastCreated - t0) / 1000)),
        podsPerNode: { min: Math.min(...counts), max: Math.max(...counts), nodesUsed: counts.length },
        schedulerAttempts: {
          scheduled: metricValue(schedMetrics, 'scheduler_schedule_attempts_total', 'result="scheduled"'),
          unschedulable: metricValue(schedMetrics, 'scheduler_schedule_attempts_total', 'result="unschedulable"'),
          error: metricValue(schedMetrics, 'scheduler_schedule_attempts_total', 'result="error"'),
        },
        schedulerE2eMeanMs: round(
          (1000 * metricSum(schedMetrics, 'scheduler_pod_scheduling_sli_duration_seconds_sum')) /
            Math.max(1, metricSum(schedMetrics, 'scheduler_pod_scheduling_sli_duration_seconds_count')),
        ),
        baseline: { bound: wb.boundAt.size, windowMs: round(rawLast - b0) },
        latency: 'from the create POST being sent to the binding seen on a watch (baseline: from the binding POST being sent)',
        watchProblems: [...w.problems, ...wb.problems].slice(0, 10),
        errors: errors.summary(),
        schedulerLog: sched.logs.slice(-20),
        apiServerLog: cluster.api.problems().slice(-20),
      },
    };
  },
};
