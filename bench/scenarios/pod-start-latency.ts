import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { docker } from '../../test/support/docker.js';
import { PAUSE_IMAGE, TESTAPP_IMAGE, ensureKubeletImages, removeDockerObjects } from '../../test/support/kubelet.js';
import { max, metric, percentile, round } from '../metrics.js';
import { componentNodeArgs, readRssMiB } from '../support/api-process.js';
import { startBenchCluster } from '../support/cluster.js';
import { sleep } from '../support/pool.js';
import { rawWatch } from '../support/watch-stream.js';
import type { Scenario } from '../types.js';

const KUBELET_MAIN = fileURLToPath(new URL('../../kubelet/main.js', import.meta.url));
const NODES = ['node-1', 'node-2', 'node-3'];
const PODS_PER_NODE = 10;
const POD_TIMEOUT_MS = 30_000;
/** Idle = steady state: V8's memory reducer runs a full GC some 10–40 s after start-up activity ends. */
const IDLE_SETTLE_MS = 45_000;
const IDLE_SAMPLE_MS = 5000;

interface KubeletProcess {
  node: string;
  pid: number;
  output: string[];
  stop(): Promise<void>;
}

function startKubeletProcess(node: string, server: string, cluster: string, network: string, rootDir: string): KubeletProcess {
  const args = [
    KUBELET_MAIN,
    '--server', server,
    '--node-name', node,
    '--cpu', '4',
    '--memory', '8Gi',
    '--pod-network', network,
    '--cluster-name', cluster,
    '--health-port', '0',
    '--server-port', '0',
    '--root-dir', path.join(rootDir, node),
    '--log-level', process.env.KUBEMU_BENCH_KUBELET_LOG ?? 'warn',
  ];
  const child: ChildProcess = spawn(process.execPath, [...componentNodeArgs(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  for (const s of [child.stdout, child.stderr]) {
    s?.setEncoding('utf8');
    s?.on('data', (c: string) => {
      output.push(...c.split('\n').filter(Boolean));
      output.splice(0, Math.max(0, output.length - 50));
    });
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  if (child.pid === undefined) throw new Error(`could not start ${KUBELET_MAIN}`);
  return {
    node,
    pid: child.pid,
    output,
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

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

interface NodeList {
  items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
}

async function waitNodesReady(base: string, kubelets: KubeletProcess[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const list = await getJson<NodeList>(`${base}/api/v1/nodes`);
    const ready = list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    if (ready === NODES.length) return;
    await sleep(200);
  }
  throw new Error(`nodes not Ready within 60 s; kubelet output: ${kubelets.flatMap((k) => k.output.slice(-3)).join(' | ')}`);
}

/** A watch that resolves `running(name)` when a pod is first seen in phase Running. */
function watchRunning(base: string): { running(name: string): Promise<number>; close(): void } {
  const seen = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  type PodEvent = { object?: { metadata?: { name?: string }; status?: { phase?: string } } };
  const close = rawWatch<PodEvent>(base, '/api/v1/namespaces/default/pods?watch=1', (ev, at) => {
    const name = ev.object?.metadata?.name ?? '';
    if (ev.object?.status?.phase === 'Running' && !seen.has(name)) {
      seen.set(name, at);
      waiters.get(name)?.(at);
    }
  }, []);
  return {
    running: (name) =>
      new Promise<number>((resolve, reject) => {
        const at = seen.get(name);
        if (at !== undefined) return resolve(at);
        const timer = setTimeout(() => reject(new Error(`pod ${name} not Running within ${POD_TIMEOUT_MS} ms`)), POD_TIMEOUT_MS);
        waiters.set(name, (t) => {
          clearTimeout(timer);
          resolve(t);
        });
      }),
    close,
  };
}

async function createPod(base: string, name: string, node: string): Promise<void> {
  const body = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { nodeName: node, terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: TESTAPP_IMAGE }] },
  };
  const r = await fetch(`${base}/api/v1/namespaces/default/pods`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (r.status !== 201) throw new Error(`creating ${name}: HTTP ${r.status} ${await r.text()}`);
}

/** The baseline: the same sandbox + container with the docker CLI, as a kubelet would start them. */
async function rawPodStart(cluster: string, network: string): Promise<number> {
  const t0 = performance.now();
  const sandbox = await docker(['run', '-d', '--label', `io.kubemu.cluster=${cluster}`, '--network', network, PAUSE_IMAGE]);
  await docker(['run', '-d', '--label', `io.kubemu.cluster=${cluster}`, '--network', `container:${sandbox}`, TESTAPP_IMAGE]);
  return performance.now() - t0;
}

/**
 * Pod start latency: for 30 pods on 3 kubelet processes (one stream per node, each pod created once the
 * previous one of its node runs), the time from the create request to the watch event showing phase Running;
 * beside it the same sandbox + container started with `docker run` by 3 parallel streams in the same run.
 * Also the kubelets' resident memory while idle.
 */
export const podStartLatency: Scenario = {
  name: 'pod-start-latency',
  description: 'pod create → Running (watch) for 30 pods on 3 kubelets vs raw docker run of sandbox + container; kubelet idle RSS',
  timeoutMs: 360_000,
  run: async (ctx) => {
    await ensureKubeletImages();
    const cluster = await startBenchCluster(ctx.log);
    ctx.defer(() => cluster.stop());
    const clusterName = `kubemu-bench-${randomBytes(4).toString('hex')}`;
    const network = `${clusterName}-pods`;
    ctx.defer(() => removeDockerObjects(clusterName));
    const rootDir = mkdtempSync(path.join(tmpdir(), 'kubemu-bench-kubelet-'));
    ctx.defer(() => rmSync(rootDir, { recursive: true, force: true }));
    const kubelets = NODES.map((n) => startKubeletProcess(n, cluster.api.url, clusterName, network, rootDir));
    for (const k of kubelets) ctx.defer(() => k.stop());
    await waitNodesReady(cluster.api.url, kubelets);
    const rssSamples: number[][] = [];
    for (let t = 0; t < IDLE_SETTLE_MS; t += IDLE_SAMPLE_MS) {
      await sleep(IDLE_SAMPLE_MS);
      rssSamples.push(await Promise.all(kubelets.map(async (k) => round(await readRssMiB(k.pid)))));
    }
    const idleRss = rssSamples[rssSamples.length - 1];

    const watch = watchRunning(cluster.api.url);
    ctx.defer(() => watch.close());
    await sleep(200);
    const podMs: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      NODES.map(async (node, n) => {
        for (let i = 0; i < ctx.scale(PODS_PER_NODE); i++) {
          const name = `bench-${n}-${i}`;
          const created = performance.now();
          await createPod(cluster.api.url, name, node);
          try {
            podMs.push((await watch.running(name)) - created);
          } catch (e) {
            const out = kubelets.flatMap((k) => k.output.slice(-5).map((l) => `${k.node}: ${l}`));
            throw new Error(`${e instanceof Error ? e.message : String(e)}; kubelet output: ${out.join(' | ')}`);
          }
        }
      }),
    );
    const podWallMs = performance.now() - t0;
    const busyRss = await Promise.all(kubelets.map((k) => readRssMiB(k.pid)));

    const rawMs: number[] = [];
    const r0 = performance.now();
    await Promise.all(
      NODES.map(async () => {
        for (let i = 0; i < ctx.scale(PODS_PER_NODE); i++) rawMs.push(await rawPodStart(clusterName, network));
      }),
    );
    const rawWallMs = performance.now() - r0;

    const p50 = percentile(podMs, 50);
    const p99 = percentile(podMs, 99);
    const rawP50 = percentile(rawMs, 50);
    const rawP99 = percentile(rawMs, 99);
    return {
      metrics: [
        metric({ name: 'pod start p50', unit: 'ms', value: p50, baseline: rawP50, baselineLabel: 'docker run sandbox + container', target: { of: 'ratio', op: '<=', threshold: 1.5 } }),
        metric({ name: 'pod start p99', unit: 'ms', value: p99, baseline: rawP99, baselineLabel: 'docker run sandbox + container', target: { of: 'value', op: '<=', threshold: 3000 } }),
        metric({ name: 'kubelet idle RSS (max of 3)', unit: 'MiB', value: max(idleRss), target: { of: 'value', op: '<=', threshold: 80 } }),
      ],
      details: {
        pods: podMs.length,
        podMs: podMs.map((v) => round(v)).sort((a, b) => a - b),
        rawMs: rawMs.map((v) => round(v)).sort((a, b) => a - b),
        podWallMs: round(podWallMs),
        rawWallMs: round(rawWallMs),
        idleRssMiB: idleRss,
        idleRssSamplesMiB: rssSamples,
        rssAfterPodsMiB: busyRss.map((v) => round(v)),
      },
    };
  },
};
