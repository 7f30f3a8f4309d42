import { spawn } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { metric, percentile, round } from '../metrics.js';
import { componentNodeArgs, freePort, readCpuMs, readRssMiB } from '../support/api-process.js';
import { docker } from '../../test/support/docker.js';
import { startBenchCluster } from '../support/cluster.js';
import { ErrorTally } from '../support/error-tally.js';
import { referenceWorkMicros } from '../support/reference-work.js';
import type { HttpClient } from '../support/http-client.js';
import { runPool, sleep } from '../support/pool.js';
import { rawWatch } from '../support/watch-stream.js';
import type { Scenario } from '../types.js';

const DEPLOYMENTS = 100;
const REPLICAS = 5;
const CONCURRENCY = 32;
const TIMEOUT_MS = 120_000;
const KCM_MAIN = fileURLToPath(new URL('../../controller-manager/main.js', import.meta.url));

function deploymentBody(i: number): string {
  const name = `bench-${String(i).padStart(3, '0')}`;
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox:latest' }] } },
    },
  });
}

interface WatchLine {
  type: string;
  object: {
    metadata?: { name?: string; generation?: number };
    status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number };
  };
}

/** apiserver_request_total by verb+code, and etcd write ops and transactions, from the api-server's /metrics. */
async function requestCounts(h: HttpClient): Promise<Map<string, number>> {
  const text = (await h.request('GET', '/metrics')).body;
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const etcdWrites = /^kubemu_etcd_write_(ops|transactions)_total\{/.exec(line);
    if (etcdWrites) out.set(`etcd write ${etcdWrites[1]}`, Number(line.slice(line.lastIndexOf(' ') + 1)));
    if (!line.startsWith('apiserver_request_total{')) continue;
    const verb = /verb="([^"]+)"/.exec(line)?.[1] ?? '?';
    const code = /code="([^"]+)"/.exec(line)?.[1] ?? '?';
    out.set(`${verb} ${code}`, Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}

async function listRV(h: HttpClient, path: string): Promise<string> {
  const { obj } = await h.getJson<{ metadata: { resourceVersion: string } }>(`${path}?limit=1`);
  return obj.metadata.resourceVersion;
}

interface KcmProcess {
  pid: number;
  /** controller_sync_total by controller and result, from its /metrics */
  syncCounts(): Promise<Record<string, number>>;
  logs: string[];
  stop(): Promise<void>;
}

/** The controller-manager as its own process with its production defaults (leader election on). */
async function startKcmProcess(apiUrl: string, h: HttpClient): Promise<KcmProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...componentNodeArgs(), KCM_MAIN, '--server', apiUrl, '--health-port', String(port), '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  for (const s of [child.stdout, child.stderr]) {
    s.setEncoding('utf8');
    s.on('data', (c: string) => {
      for (const line of c.split('\n')) if (line.trim()) logs.push(line.slice(0, 400));
      if (logs.length > 100) logs.splice(0, logs.length - 100);
    });
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = performance.now() + 30_000;
  // leading (the Lease names a holder) and caches synced (/readyz)
  for (;;) {
    try {
      const lease = await h.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager');
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (lease.status === 200 && ready.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`controller-manager not ready: ${logs.slice(-5).join(' | ')}`);
    }
    await sleep(100);
  }
  return {
    pid: child.pid ?? 0,
    syncCounts: async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
      const out: Record<string, number> = {};
      for (const line of text.split('\n')) {
        if (!line.startsWith('controller_sync_total{')) continue;
        const c = /controller="([^"]+)"/.exec(line)?.[1] ?? '?';
        const r = /result="([^"]+)"/.exec(line)?.[1] ?? '?';
        out[`${c} ${r}`] = Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return out;
    },
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

interface BurstDeps {
  apiUrl: string;
  h: HttpClient;
  kcm: KcmProcess;
  /** pids whose CPU time is read before and after: api-server, controller-manager, etcd */
  cpuPids: Record<string, number>;
  errors: ErrorTally;
  problems: string[];
}

interface Burst {
  podsSeen: number;
  deploymentsCurrent: number;
  podsPerSec: number;
  creatingDeploymentsMs: number;
  allPodsMs: number;
  allStatusCurrentMs: number;
  /** per Deployment: from its POST until its status was current */
  statusLatencyMs: number[];
  cpuPerPodMs: Record<string, number>;
  /** share of the machine's CPU time the processes above and this client used */
  cpuBusy: number;
  requests: Record<string, number>;
  syncs: Record<string, number>;
}

function delta(after: Record<string, number> | Map<string, number>, before: Record<string, number> | Map<string, number>): Record<string, number> {
  const a = after instanceof Map ? after : new Map(Object.entries(after));
  const b = before instanceof Map ? before : new Map(Object.entries(before));
  const out: Record<string, number> = {};
  for (const [k, v] of a) if (v - (b.get(k) ?? 0) > 0) out[k] = v - (b.get(k) ?? 0);
  return out;
}

/**
 * One burst: `deployments` Deployments × 5 created at once in namespace ns; time until all their pods exist
 * (watched) and until every Deployment's status is current (observedGeneration = generation, replicas =
 * updatedReplicas = 5), with the CPU each process used meanwhile.
 */
async function burst(d: BurstDeps, ns: string, deployments: number): Promise<Burst> {
  const { h } = d;
  const total = deployments * REPLICAS;
  const r = await h.request('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
  if (r.status !== 201) d.errors.http('POST namespace', r.status, r.body);
  const podSeen = new Map<string, number>();
  const current = new Map<string, number>();
  const closePods = rawWatch<WatchLine>(d.apiUrl, `/api/v1/namespaces/${ns}/pods?watch=1&resourceVersion=${await listRV(h, `/api/v1/namespaces/${ns}/pods`)}`, (ev, at) => {
    const n = ev.object.metadata?.name;
    if (ev.type === 'ADDED' && n && !podSeen.has(n)) podSeen.set(n, at);
  }, d.problems);
  const closeDeps = rawWatch<WatchLine>(d.apiUrl, `/apis/apps/v1/namespaces/${ns}/deployments?watch=1&resourceVersion=${await listRV(h, `/apis/apps/v1/namespaces/${ns}/deployments`)}`, (ev, at) => {
    const o = ev.object;
    const n = o.metadata?.name;
    if (!n) return;
    const ok = (o.status?.observedGeneration ?? 0) >= (o.metadata?.generation ?? 1) && o.status?.replicas === REPLICAS && o.status?.updatedReplicas === REPLICAS;
    if (ok && !current.has(n)) current.set(n, at);
    if (!ok) current.delete(n);
  }, d.problems);
  try {
    const cpuAt = async (): Promise<Record<string, number>> => {
      const own = process.cpuUsage();
      const out: Record<string, number> = { bench: (own.user + own.system) / 1000 };
      for (const [k, pid] of Object.entries(d.cpuPids)) out[k] = await readCpuMs(pid);
      return out;
    };
    const createdAt = new Map<string, number>();
    const requestsBefore = await requestCounts(h);
    const syncsBefore = await d.kcm.syncCounts();
    const cpu0 = await cpuAt();
    const t0 = performance.now();
    await runPool(deployments, CONCURRENCY, async (i) => {
      createdAt.set(`bench-${String(i).padStart(3, '0')}`, performance.now());
      const res = await h.request('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, deploymentBody(i));
      if (res.status !== 201) d.errors.http('POST deployment', res.status, res.body);
    });
    const tCreated = performance.now();
    const deadline = performance.now() + TIMEOUT_MS;
    while ((podSeen.size < total || current.size < deployments) && performance.now() < deadline) await sleep(20);
    const podTimes = [...podSeen.values()];
    const tPods = podTimes.length ? Math.max(...podTimes) : performance.now();
    const depTimes = [...current.values()];
    const tStatus = depTimes.length ? Math.max(...depTimes) : performance.now();
    const cpu1 = await cpuAt();
    const tCpu = performance.now();
    const cpuPerPodMs: Record<string, number> = {};
    for (const k of Object.keys(cpu1)) cpuPerPodMs[k] = round((cpu1[k] - cpu0[k]) / Math.max(1, podSeen.size), 3);
    return {
      podsSeen: podSeen.size,
      deploymentsCurrent: current.size,
      podsPerSec: podSeen.size / ((tPods - t0) / 1000),
      creatingDeploymentsMs: round(tCreated - t0),
      allPodsMs: tPods - t0,
      allStatusCurrentMs: tStatus - t0,
      statusLatencyMs: [...current].map(([name, at]) => at - (createdAt.get(name) ?? at)),
      cpuPerPodMs,
      cpuBusy: Object.keys(cpu1).reduce((sum, k) => sum + cpu1[k] - cpu0[k], 0) / ((tCpu - t0) * os.availableParallelism()),
      requests: delta(await requestCounts(h), requestsBefore),
      syncs: delta(await d.kcm.syncCounts(), syncsBefore),
    };
  } finally {
    closePods();
    closeDeps();
  }
}

/** Waits until the api-server has served no writes for a while (the last burst's trailing events and status updates). */
async function settle(h: HttpClient): Promise<void> {
  const writes = (m: Map<string, number>) => [...m].filter(([k]) => /^(POST|PUT|PATCH|DELETE) /.test(k)).reduce((sum, [, v]) => sum + v, 0);
  let last = writes(await requestCounts(h));
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline) {
    await sleep(750);
    const now = writes(await requestCounts(h));
    if (now === last) return;
    last = now;
  }
}

function burstNote(b: Burst, deployments: number): string | undefined {
  const total = deployments * REPLICAS;
  if (b.podsSeen < total) return `only ${b.podsSeen}/${total} pods within ${TIMEOUT_MS / 1000} s`;
  if (b.deploymentsCurrent < deployments) return `only ${b.deploymentsCurrent}/${deployments} Deployment statuses current`;
  return undefined;
}

/**
 * 100 Deployments × 5 replicas created at once (concurrency 32) with the controller-manager as its own process
 * and no kubelets, twice: first right after the controller-manager starts (cold: V8 is still compiling the
 * code these paths run, which takes several seconds of load), then the same burst in a second namespace with
 * the processes warm, as in a cluster that has been running. The target applies to the warm burst; the cold
 * one is recorded beside it. Baseline: the same 500 pods POSTed by a trivial client at the same concurrency,
 * after the bursts (so against a warm api-server, like the warm burst).
 */
export const controllerDeployments: Scenario = {
  name: 'controller-deployments-100x5',
  description: `${DEPLOYMENTS} Deployments × ${REPLICAS} replicas created at once, cold then warm; pods created by the controller-manager vs raw pod POSTs`,
  timeoutMs: 240_000,
  run: async (ctx) => {
    const deployments = ctx.scale(DEPLOYMENTS);
    const total = deployments * REPLICAS;
    const cluster = await startBenchCluster(ctx.log, CONCURRENCY + 4);
    ctx.defer(() => cluster.stop());
    const h = cluster.http;
    const errors = new ErrorTally();
    const problems: string[] = [];
    const kcm = await startKcmProcess(cluster.api.url, h);
    ctx.defer(() => kcm.stop());
    const etcdPid = Number((await docker(['inspect', '-f', '{{.State.Pid}}', cluster.etcd.container])).trim());
    const deps: BurstDeps = {
      apiUrl: cluster.api.url,
      h,
      kcm,
      cpuPids: { apiServer: cluster.api.pid, controllerManager: kcm.pid, etcd: etcdPid },
      errors,
      problems,
    };

    const referenceBefore = referenceWorkMicros();
    ctx.log.info({ deployments, replicas: REPLICAS }, 'creating Deployments (cold burst)');
    const cold = await burst(deps, 'cold', deployments);
    ctx.log.info({ deployments, replicas: REPLICAS }, 'creating Deployments (warm burst)');
    await settle(h);
    const warm = await burst(deps, 'warm', deployments);
    const rss = round(await readRssMiB(kcm.pid));

    // --- baseline: the same number of pods POSTed directly ------------------------------------------------------
    const r0 = await h.request('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'baseline' } }));
    if (r0.status !== 201) errors.http('POST namespace', r0.status, r0.body);
    await kcm.stop();
    const b0 = performance.now();
    await runPool(total, CONCURRENCY, async (i) => {
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `raw-${i}`, labels: { app: 'raw' } }, spec: { containers: [{ name: 'c', image: 'busybox:latest' }] } });
      const r = await h.request('POST', '/api/v1/namespaces/baseline/pods', body);
      if (r.status !== 201) errors.http('POST pod', r.status, r.body);
    });
    const rawPerSec = total / ((performance.now() - b0) / 1000);
    const referenceAfter = referenceWorkMicros();

    const { statusLatencyMs, ...warmDetails } = warm;
    return {
      metrics: [
        metric({
          name: 'pod creation throughput (warm)',
          unit: 'pods/s',
          value: warm.podsPerSec,
          baseline: rawPerSec,
          baselineLabel: 'raw pod POSTs',
          target: { of: 'value', op: '>=', threshold: 200 },
          note: burstNote(warm, deployments),
        }),
        metric({
          name: 'pod creation throughput (cold: first burst after start)',
          unit: 'pods/s',
          value: cold.podsPerSec,
          baseline: rawPerSec,
          baselineLabel: 'raw pod POSTs',
          note: burstNote(cold, deployments),
        }),
        metric({ name: 'all pods exist after (warm)', unit: 'ms', value: warm.allPodsMs }),
        metric({ name: 'all Deployment statuses current after (warm)', unit: 'ms', value: warm.allStatusCurrentMs }),
        metric({ name: 'all Deployment statuses current after (cold)', unit: 'ms', value: cold.allStatusCurrentMs }),
        metric({ name: 'Deployment status current p50 (warm, from its create)', unit: 'ms', value: percentile(statusLatencyMs, 50) }),
        metric({ name: 'Deployment status current p99 (warm, from its create)', unit: 'ms', value: percentile(statusLatencyMs, 99) }),
        metric({ name: 'api-server CPU per pod (warm)', unit: 'ms', value: warm.cpuPerPodMs.apiServer, note: `cold: ${cold.cpuPerPodMs.apiServer} ms` }),
        metric({ name: 'controller-manager CPU per pod (warm)', unit: 'ms', value: warm.cpuPerPodMs.controllerManager, note: `cold: ${cold.cpuPerPodMs.controllerManager} ms` }),
        metric({ name: 'etcd CPU per pod (warm)', unit: 'ms', value: warm.cpuPerPodMs.etcd, note: `cold: ${cold.cpuPerPodMs.etcd} ms` }),
        metric({ name: 'machine CPU busy (warm; all processes above + this client)', unit: '%', value: 100 * warm.cpuBusy, note: `cold: ${round(100 * cold.cpuBusy)} %` }),
        metric({
          name: 'machine speed: fixed reference work (lower = faster)',
          unit: 'µs',
          value: (referenceBefore + referenceAfter) / 2,
          note: `before ${round(referenceBefore, 2)} µs, after ${round(referenceAfter, 2)} µs; this machine's speed changes over minutes, so compare runs at similar values`,
        }),
      ],
      details: {
        deployments,
        replicas: REPLICAS,
        concurrency: CONCURRENCY,
        controllerManagerRssMiB: rss,
        warm: warmDetails,
        cold: { ...cold, statusLatencyMs: undefined },
        errors: errors.summary(),
        watchProblems: problems.slice(-10),
        controllerManagerLog: kcm.logs.slice(-20),
        apiServerLog: cluster.api.problems().slice(-20),
      },
    };
  },
};
