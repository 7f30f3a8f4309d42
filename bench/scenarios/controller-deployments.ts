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

/**
 * 100 Deployments × 5 replicas created at once (concurrency 32) with the controller-manager as its own process
 * and no kubelets: time until all 500 pods exist (watched), and until every Deployment's status is current
 * (observedGeneration = generation, replicas = updatedReplicas = 5). Baseline: the same 500 pods POSTed by a
 * trivial client at the same concurrency.
 */
export const controllerDeployments: Scenario = {
  name: 'controller-deployments-100x5',
  description: `${DEPLOYMENTS} Deployments × ${REPLICAS} replicas created at once; pods created by the controller-manager vs raw pod POSTs`,
  timeoutMs: 180_000,
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

    const podSeen = new Map<string, number>();
    const current = new Map<string, number>();
    const closePods = rawWatch<WatchLine>(cluster.api.url, `/api/v1/namespaces/default/pods?watch=1&resourceVersion=${await listRV(h, '/api/v1/namespaces/default/pods')}`, (ev, at) => {
      const n = ev.object.metadata?.name;
      if (ev.type === 'ADDED' && n && !podSeen.has(n)) podSeen.set(n, at);
    }, problems);
    ctx.defer(closePods);
    const closeDeps = rawWatch<WatchLine>(cluster.api.url, `/apis/apps/v1/namespaces/default/deployments?watch=1&resourceVersion=${await listRV(h, '/apis/apps/v1/namespaces/default/deployments')}`, (ev, at) => {
      const o = ev.object;
      const n = o.metadata?.name;
      if (!n) return;
      const ok = (o.status?.observedGeneration ?? 0) >= (o.metadata?.generation ?? 1) && o.status?.replicas === REPLICAS && o.status?.updatedReplicas === REPLICAS;
      if (ok && !current.has(n)) current.set(n, at);
      if (!ok) current.delete(n);
    }, problems);
    ctx.defer(closeDeps);

    ctx.log.info({ deployments, replicas: REPLICAS }, 'creating Deployments');
    const createdAt = new Map<string, number>();
    const before = await requestCounts(h);
    const etcdPid = Number((await docker(['inspect', '-f', '{{.State.Pid}}', cluster.etcd.container])).trim());
    const cpuPids = { apiServer: cluster.api.pid, controllerManager: kcm.pid, etcd: etcdPid };
    const cpuAt = async (): Promise<Record<string, number>> => {
      const own = process.cpuUsage();
      const out: Record<string, number> = { bench: (own.user + own.system) / 1000 };
      for (const [k, pid] of Object.entries(cpuPids)) out[k] = await readCpuMs(pid);
      return out;
    };
    const referenceBefore = referenceWorkMicros();
    const cpu0 = await cpuAt();
    const t0 = performance.now();
    await runPool(deployments, CONCURRENCY, async (i) => {
      createdAt.set(`bench-${String(i).padStart(3, '0')}`, performance.now());
      const r = await h.request('POST', '/apis/apps/v1/namespaces/default/deployments', deploymentBody(i));
      if (r.status !== 201) errors.http('POST deployment', r.status, r.body);
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
    // CPU each process used from the first create until every status was current, per pod, and how busy the
    // machine was: where the time goes when the target is missed
    const cpuPerPodMs: Record<string, number> = {};
    for (const k of Object.keys(cpu1)) cpuPerPodMs[k] = round((cpu1[k] - cpu0[k]) / Math.max(1, podSeen.size), 3);
    const cpuBusy = Object.keys(cpu1).reduce((sum, k) => sum + cpu1[k] - cpu0[k], 0) / ((tCpu - t0) * os.availableParallelism());
    const podsPerSec = podSeen.size / ((tPods - t0) / 1000);
    const statusLatency = [...current].map(([name, at]) => at - (createdAt.get(name) ?? at));
    const rss = round(await readRssMiB(kcm.pid));
    const syncs = await kcm.syncCounts();
    const afterCounts = await requestCounts(h);
    const requests: Record<string, number> = {};
    for (const [k, v] of afterCounts) if (v - (before.get(k) ?? 0) > 0) requests[k] = v - (before.get(k) ?? 0);

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

    return {
      metrics: [
        metric({
          name: 'pod creation throughput',
          unit: 'pods/s',
          value: podsPerSec,
          baseline: rawPerSec,
          baselineLabel: 'raw pod POSTs',
          target: { of: 'value', op: '>=', threshold: 200 },
          note: podSeen.size < total ? `only ${podSeen.size}/${total} pods within ${TIMEOUT_MS / 1000} s` : undefined,
        }),
        metric({ name: 'all pods exist after', unit: 'ms', value: tPods - t0 }),
        metric({
          name: 'all Deployment statuses current after',
          unit: 'ms',
          value: tStatus - t0,
          note: current.size < deployments ? `only ${current.size}/${deployments} current` : undefined,
        }),
        metric({ name: 'Deployment status current p50 (from its create)', unit: 'ms', value: percentile(statusLatency, 50) }),
        metric({ name: 'Deployment status current p99 (from its create)', unit: 'ms', value: percentile(statusLatency, 99) }),
        metric({ name: 'api-server CPU per pod', unit: 'ms', value: cpuPerPodMs.apiServer }),
        metric({ name: 'controller-manager CPU per pod', unit: 'ms', value: cpuPerPodMs.controllerManager }),
        metric({ name: 'etcd CPU per pod', unit: 'ms', value: cpuPerPodMs.etcd }),
        metric({ name: 'machine CPU busy (all processes above + this client)', unit: '%', value: 100 * cpuBusy }),
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
        creatingDeploymentsMs: round(tCreated - t0),
        podsSeen: podSeen.size,
        deploymentsCurrent: current.size,
        controllerManagerRssMiB: rss,
        cpuPerPodMs,
        controllerSyncs: syncs,
        apiRequestsUntilStatusCurrent: requests,
        errors: errors.summary(),
        watchProblems: problems.slice(-10),
        controllerManagerLog: kcm.logs.slice(-20),
        apiServerLog: cluster.api.problems().slice(-20),
      },
    };
  },
};
