/**
 * Kubelets for e2e tests: images built on demand (images/*\/build.sh, idempotent), in-process kubelets on a
 * test cluster (startTestCluster) with a unique cluster name and pod network, and removal of every Docker object
 * carrying that cluster's label — also when a test fails.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { requireResource } from '../../api/resources.js';
import type { ApiServerOptions } from '../../api-server/server.js';
import { RestClient } from '../../client/rest.js';
import { createRootLogger, silentLogger, type Logger } from '../../common/logger.js';
import { startKubelet, type Kubelet, type KubeletOptions } from '../../kubelet/kubelet.js';
import { startTestCluster, type TestCluster } from './api-server.js';
import { docker, requireDocker } from './docker.js';

export const PAUSE_IMAGE = 'kubemu/pause:local';
export const TESTAPP_IMAGE = 'kubemu/testapp:local';
export const PODS = requireResource('', 'v1', 'pods');

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function runScript(script: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(path.join(repoRoot, script), [], { timeout: 300_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${script} failed: ${stderr || err.message}`)) : resolve(stdout.trim()),
    ),
  );
}

/** Builds the pause and testapp images if they are missing or stale (no registry needed). */
export async function ensureKubeletImages(): Promise<void> {
  await requireDocker();
  await runScript('images/pause/build.sh');
  await runScript('images/testapp/build.sh');
}

/** Removes every container, network and volume labelled with `cluster`. */
export async function removeDockerObjects(cluster: string): Promise<void> {
  const label = `label=io.kubemu.cluster=${cluster}`;
  const containers = (await docker(['ps', '-aq', '--filter', label])).split('\n').filter(Boolean);
  if (containers.length) await docker(['rm', '-f', '-v', ...containers]);
  const volumes = (await docker(['volume', 'ls', '-q', '--filter', label])).split('\n').filter(Boolean);
  if (volumes.length) await docker(['volume', 'rm', '-f', ...volumes]);
  const networks = (await docker(['network', 'ls', '-q', '--filter', label])).split('\n').filter(Boolean);
  if (networks.length) await docker(['network', 'rm', ...networks]);
}

/** Containers of `cluster` (names), for leak checks. */
export async function dockerContainers(cluster: string, extraFilter: string[] = []): Promise<string[]> {
  const args = ['ps', '-a', '--format', '{{.Names}}', '--filter', `label=io.kubemu.cluster=${cluster}`];
  for (const f of extraFilter) args.push('--filter', f);
  return (await docker(args)).split('\n').filter(Boolean);
}

export interface KubeletEnv {
  cluster: TestCluster;
  clusterName: string;
  network: string;
  rest: RestClient;
  kubelets: Map<string, Kubelet>;
  /** The tests' logger (silent unless KUBEMU_TEST_LOG is set). */
  log: Logger;
  /** Starts (or restarts) the kubelet of `node`. */
  startNode(node: string, extra?: Partial<KubeletOptions>): Promise<Kubelet>;
  stopNode(node: string): Promise<void>;
  stop(): Promise<void>;
}

export interface KubeletEnvOptions {
  nodes?: string[];
  /** Defaults for every kubelet. */
  kubelet?: Partial<KubeletOptions>;
  /** KUBEMU_TEST_LOG=debug shows the kubelets' logs. */
  log?: Logger;
  /** Options for the in-process api-server (e.g. defaultTolerationSeconds). */
  apiServer?: Partial<ApiServerOptions>;
}

/** etcd + api-server + kubelets, with a unique cluster name; stop() removes every Docker object it made. */
export async function startKubeletEnv(o: KubeletEnvOptions = {}): Promise<KubeletEnv> {
  await ensureKubeletImages();
  const clusterName = `kubemu-test-${randomBytes(4).toString('hex')}`;
  const network = `${clusterName}-pods`;
  const rootDir = mkdtempSync(path.join(tmpdir(), 'kubemu-kubelet-'));
  const level = process.env.KUBEMU_TEST_LOG;
  const log = o.log ?? (level ? createRootLogger('kubelet-test', { level }) : silentLogger());
  const cluster = await startTestCluster(o.apiServer);
  const rest = new RestClient({ server: cluster.url });
  const kubelets = new Map<string, Kubelet>();
  const startNode = async (node: string, extra: Partial<KubeletOptions> = {}): Promise<Kubelet> => {
    const k = await startKubelet({
      server: cluster.url,
      nodeName: node,
      cpu: '4',
      memory: '8Gi',
      maxPods: 110,
      dockerSocket: '/var/run/docker.sock',
      podNetwork: network,
      clusterName,
      crashLoopMaxBackoffMs: 20_000,
      healthPort: -1,
      serverPort: 0,
      address: '127.0.0.1',
      rootDir: path.join(rootDir, node),
      pauseImage: PAUSE_IMAGE,
      nodeStatusUpdateFrequencyMs: 2000,
      syncFrequencyMs: 10_000,
      housekeepingMs: 2000,
      log,
      ...o.kubelet,
      ...extra,
    });
    kubelets.set(node, k);
    return k;
  };
  const env: KubeletEnv = {
    cluster,
    clusterName,
    network,
    rest,
    kubelets,
    log,
    startNode,
    stopNode: async (node) => {
      await kubelets.get(node)?.close();
      kubelets.delete(node);
    },
    stop: async () => {
      for (const k of kubelets.values()) await k.close().catch(() => undefined);
      rest.close();
      await cluster.stop().catch(() => undefined);
      await removeDockerObjects(clusterName);
      rmSync(rootDir, { recursive: true, force: true });
    },
  };
  try {
    for (const n of o.nodes ?? ['node-1']) await startNode(n);
  } catch (e) {
    await env.stop();
    throw e;
  }
  return env;
}

/** Polls `fn` until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A pod bound to `node` directly (no scheduler), running the test app unless containers are given. */
export function testPod(name: string, node: string, spec: Partial<Pod['spec']> = {}, labels: Record<string, string> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name, ...labels } },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 5,
      containers: [{ name: 'app', image: TESTAPP_IMAGE, env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }],
      ...spec,
    },
  };
}

/**
 * A Deployment of the test app labelled app=<name>: each pod answers HTTP on 8080 (port name `http`) with its
 * name and is Ready through /readyz; `container` overrides fields of its one container (args, ports, …).
 */
export function testDeployment(name: string, replicas: number, container: Partial<Container> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'app',
              image: TESTAPP_IMAGE,
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1, failureThreshold: 1 },
              ...container,
            },
          ],
        },
      },
    },
  };
}

export async function getPod(rest: RestClient, name: string, ns = 'default'): Promise<Pod> {
  return rest.get<Pod>(PODS, ns, name);
}

/** Waits until the pod satisfies `pred`; returns it. */
export function waitForPod(rest: RestClient, name: string, what: string, pred: (p: Pod) => boolean, timeoutMs = 30_000): Promise<Pod> {
  return waitFor(`pod ${name} ${what}`, async () => {
    const p = await getPod(rest, name);
    return pred(p) ? p : undefined;
  }, timeoutMs);
}

export function isReady(p: Pod): boolean {
  return p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}
