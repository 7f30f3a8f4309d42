/**
 * One simulated node: registers its Node, heartbeats with a Lease, runs the pods bound to it as Docker
 * containers (one serialized worker per pod uid, woken by the pod informer, Docker's event stream, probe results
 * and back-off timers), and serves logs/exec/attach/port-forward for the api-server to proxy to.
 *
 * Closing the kubelet leaves the containers running: a kubelet started again adopts them (labels), as upstream.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../api/quantity.js';
import { EventRecorder } from '../client/events.js';
import { RestClient } from '../client/rest.js';
import { realClock, type Clock } from '../common/clock.js';
import { checkFn, startHealthServer, type HealthServer } from '../common/health.js';
import type { Logger } from '../common/logger.js';
import { NodeLease } from './node/lease.js';
import { NodeManager } from './node/node-manager.js';
import { KUBELET_VERSION, type NodeFacts } from './node/node-status.js';
import { Backoff, DEFAULT_INITIAL_BACKOFF_MS } from './pods/backoff.js';
import { ContainerRunner } from './pods/container-runner.js';
import { DEFAULT_CLUSTER_DNS, DEFAULT_CLUSTER_DOMAIN } from './pods/dns.js';
import { PodEtcFiles } from './pods/etc-files.js';
import { podEvents } from './pods/events.js';
import { ImageManager } from './pods/images.js';
import { PodSource, restObjectSource } from './pods/pod-source.js';
import { PodSync } from './pods/pod-sync.js';
import { ReasonCache } from './pods/reason-cache.js';
import { stableJson } from './pods/stable-json.js';
import { StatusWriter } from './pods/status-writer.js';
import { PodWorkers } from './pods/workers.js';
import { ProbeManager } from './probes/manager.js';
import { runProbe } from './probes/prober.js';
import { DockerRuntime } from './runtime/docker/docker-runtime.js';
import type { ContainerRuntime } from './runtime/types.js';
import { startKubeletServer, type KubeletServer } from './server/server.js';
import { VolumeManager } from './volumes/volume-manager.js';

export interface KubeletOptions {
  /** api-server URL. */
  server: string;
  nodeName: string;
  /** Capacity (= allocatable) of the node. */
  cpu: string;
  memory: string;
  maxPods: number;
  dockerSocket: string;
  /** Docker network for pods (created if missing). */
  podNetwork: string;
  clusterName: string;
  /** Cap of CrashLoopBackOff and ImagePullBackOff (upstream 5 min). */
  crashLoopMaxBackoffMs: number;
  /** Health server port (0 = any, -1 = none). */
  healthPort: number;
  /** Streaming server port (0 = any). */
  serverPort: number;
  /** Address both servers bind to. */
  address: string;
  /** The node's InternalIP (default: the bind address; for 0.0.0.0 the first non-loopback IPv4). */
  nodeIP?: string;
  /** Where pod volume directories live (must be the same path for the Docker daemon). */
  rootDir: string;
  pauseImage: string;
  nodeStatusUpdateFrequencyMs?: number;
  nodeStatusReportFrequencyMs?: number;
  nodeLeaseDurationSeconds?: number;
  /** Periodic re-sync of every pod (upstream syncFrequency, 1 min). */
  syncFrequencyMs?: number;
  /** Orphan detection and dead-container cleanup period. */
  housekeepingMs?: number;
  imagePullTimeoutMs?: number;
  /** Cluster DNS servers for ClusterFirst pods (upstream --cluster-dns; default 10.96.0.10, [] = none). */
  clusterDNS?: readonly string[];
  /** The cluster domain (upstream --cluster-domain; default cluster.local). */
  clusterDomain?: string;
  /** The node's resolv.conf, base of pods' DNS settings (upstream --resolv-conf; default /etc/resolv.conf). */
  resolvConf?: string;
  log: Logger;
  clock?: Clock;
}

export interface Kubelet {
  nodeName: string;
  /** The streaming server's port (daemonEndpoints.kubeletEndpoint.Port). */
  serverPort: number;
  healthPort: number | undefined;
  runtime: ContainerRuntime;
  /** Stops the kubelet; its containers keep running. */
  close(): Promise<void>;
}

const RUNTIME_CHECK_MS = 5000;

/** Whether an update touched what the kubelet acts on: spec, deletion, labels/annotations (downward API). */
function specChanged(o: Pod, n: Pod): boolean {
  const pick = (p: Pod): string =>
    stableJson([p.metadata?.uid, p.spec, p.metadata?.deletionTimestamp, p.metadata?.deletionGracePeriodSeconds, p.metadata?.labels, p.metadata?.annotations]);
  return pick(o) !== pick(n);
}

/** The address other machines (the api-server's container) reach us on when we listen everywhere. */
function firstExternalIPv4(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export async function startKubelet(opts: KubeletOptions): Promise<Kubelet> {
  const log = opts.log.child({ node: opts.nodeName });
  const clock = opts.clock ?? realClock;
  const ac = new AbortController();
  const signal = ac.signal;
  const rest = new RestClient({ server: opts.server, userAgent: `kubelet/${KUBELET_VERSION} (linux/${process.arch}) kubemu ${opts.nodeName}` });
  const docker = new Dockerode({ socketPath: opts.dockerSocket });
  const runtime = new DockerRuntime({
    docker,
    cluster: opts.clusterName,
    node: opts.nodeName,
    network: opts.podNetwork,
    pauseImage: opts.pauseImage,
    log,
    pullTimeoutMs: opts.imagePullTimeoutMs,
  });
  const recorder = new EventRecorder({ sink: rest, component: 'kubelet', host: opts.nodeName, clock, log });
  const events = podEvents(recorder);
  const nodeIP = opts.nodeIP ?? (opts.address === '0.0.0.0' || opts.address === '::' ? firstExternalIPv4() : opts.address);
  const machineID = randomUUID().replace(/-/g, '');
  const bootID = randomUUID();

  // runtime health: drives the node's Ready condition
  let runtimeVersion: string | undefined;
  let runtimeProblem: string | undefined = 'container runtime status check may not have completed yet';
  const checkRuntime = async (): Promise<boolean> => {
    const before = runtimeProblem;
    try {
      runtimeVersion = await runtime.version(AbortSignal.timeout(5000));
      runtimeProblem = undefined;
    } catch (e) {
      runtimeProblem = 'container runtime is down';
      if (before !== runtimeProblem) log.warn({ err: e instanceof Error ? e.message : String(e) }, 'the container runtime is unreachable');
    }
    return before !== runtimeProblem;
  };
  await checkRuntime();
  if (!runtimeProblem) await runtime.ensureNetwork();

  const source = new PodSource(rest, opts.nodeName, clock, log);
  const backend = { runtime, pod: (ns: string, name: string) => source.byName(ns, name) };
  let server: KubeletServer | undefined;
  let health: HealthServer | undefined;
  const closers: (() => Promise<void>)[] = [];
  try {
    server = await startKubeletServer({ host: opts.address, port: opts.serverPort, backend, log });
    const srv = server;
    closers.push(() => srv.close());
    if (opts.healthPort >= 0) {
      health = await startHealthServer({
        port: opts.healthPort,
        host: opts.address,
        log,
        livez: [checkFn('syncloop', () => (signal.aborted ? 'stopped' : undefined))],
        readyz: [
          checkFn('runtime', () => runtimeProblem),
          checkFn('pod-informer', () => (source.informer.hasSynced() ? undefined : 'pods not synced')),
        ],
      });
      const h = health;
      closers.push(() => h.close());
    }
  } catch (e) {
    for (const c of closers.reverse()) await c();
    throw e;
  }
  const serverPort = server.port;

  const facts = (): NodeFacts => ({
    name: opts.nodeName,
    address: nodeIP,
    port: serverPort,
    cpu: opts.cpu,
    memory: opts.memory,
    pods: opts.maxPods,
    runtimeVersion,
    notReadyMessage: runtimeProblem,
    machineID,
    bootID,
  });
  const nodeManager = new NodeManager({
    rest,
    facts,
    clock,
    log,
    updateFrequencyMs: opts.nodeStatusUpdateFrequencyMs ?? 10_000,
    reportFrequencyMs: opts.nodeStatusReportFrequencyMs ?? 300_000,
  });
  await nodeManager.register(signal);
  const leaseDuration = opts.nodeLeaseDurationSeconds ?? 40;
  const lease = new NodeLease({
    rest,
    nodeName: opts.nodeName,
    nodeUid: () => nodeManager.uid,
    leaseDurationSeconds: leaseDuration,
    renewIntervalMs: (leaseDuration * 1000) / 4,
    clock,
    log,
  });

  // pods
  const reasons = new ReasonCache();
  // a cap below upstream's 10 s first delay (tests) lowers the first delay too
  const initialBackoff = Math.min(DEFAULT_INITIAL_BACKOFF_MS, opts.crashLoopMaxBackoffMs);
  const crashBackoff = new Backoff(clock, initialBackoff, opts.crashLoopMaxBackoffMs);
  const imageBackoff = new Backoff(clock, initialBackoff, opts.crashLoopMaxBackoffMs);
  const objectSource = restObjectSource(rest);
  const volumes = new VolumeManager(opts.rootDir, runtime, objectSource);
  const images = new ImageManager(runtime, imageBackoff, events, () => clock.now());
  const etcFiles = new PodEtcFiles({
    podDir: (uid) => volumes.podDir(uid),
    clusterDNS: opts.clusterDNS ?? [DEFAULT_CLUSTER_DNS],
    clusterDomain: opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
    resolvConf: opts.resolvConf ?? '/etc/resolv.conf',
    events,
  });
  const runner = new ContainerRunner({ runtime, images, volumes, etcFiles, events, source: objectSource, reasons, clock, log });
  const probes = new ProbeManager({
    clock,
    run: (probe, target) => runProbe(probe, target, runtime),
    onChange: (uid) => podWorkers.enqueue(uid),
    onFailure: (pod, container, type, output) => {
      const kind = type === 'liveness' ? 'Liveness' : type === 'readiness' ? 'Readiness' : 'Startup';
      events.warning(pod, 'Unhealthy', `${kind} probe failed: ${output}`);
    },
  });
  const status = new StatusWriter(rest, log);
  const capacity = {
    pods: opts.maxPods,
    cpuMilli: parseQuantity(opts.cpu).milliValue(),
    memoryBytes: parseQuantity(opts.memory).value(),
  };
  const podSync = new PodSync({
    nodeName: opts.nodeName,
    hostIP: nodeIP,
    allocatable: { cpu: opts.cpu, memory: opts.memory },
    capacity,
    runtime,
    runner,
    volumes,
    probes,
    reasons,
    crashBackoff,
    imageBackoff,
    events,
    status,
    rest,
    clock,
    log: log.child({ part: 'pods' }),
    podByUid: (uid) => source.byUid(uid),
    lastKnown: (uid) => source.lastKnown(uid),
    pods: () => source.list(),
  });
  const podWorkers = new PodWorkers(
    async (uid) => {
      const outcome = await podSync.sync(uid);
      if (outcome.done) source.forgetDeleted(uid);
      return outcome;
    },
    clock,
    log.child({ part: 'workers' }),
  );
  const uidOf = (p: Pod): string => p.metadata?.uid ?? '';
  source.informer.addEventHandler({
    onAdd: (p) => podWorkers.enqueue(uidOf(p)),
    // status-only changes (mostly our own writes) need no sync, as upstream's RECONCILE updates
    onUpdate: (o, n) => {
      if (specChanged(o, n)) podWorkers.enqueue(uidOf(n));
    },
    onDelete: (p) => podWorkers.enqueue(uidOf(p)),
  });
  source.informer.start(signal);
  const loops: Promise<void>[] = [];
  const background = (name: string, fn: () => Promise<void>): void => {
    loops.push(fn().catch((e: unknown) => log.error({ err: e instanceof Error ? e.message : String(e), loop: name }, 'background loop crashed')));
  };
  background('lease', () => lease.run(signal));
  background('node-status', () => nodeManager.run(signal));

  /** Every uid known to the API or the runtime gets a sync (orphans are torn down by it). */
  const resyncAll = async (): Promise<void> => {
    const uids = new Set(source.list().map(uidOf));
    for (const c of await runtime.listContainers()) uids.add(c.pod.uid);
    for (const uid of await volumes.podDirs()) uids.add(uid);
    for (const uid of await runtime.podVolumeUids()) uids.add(uid);
    for (const uid of uids) podWorkers.enqueue(uid);
  };
  background('runtime-health', async () => {
    while (!signal.aborted) {
      await clock.sleep(RUNTIME_CHECK_MS, signal);
      if (signal.aborted) return;
      if (await checkRuntime()) {
        nodeManager.poke();
        if (!runtimeProblem) {
          await runtime.ensureNetwork().catch((e: unknown) => log.warn({ err: String(e) }, 'ensuring the pod network failed'));
          await resyncAll().catch((e: unknown) => log.warn({ err: String(e) }, 'resync failed'));
        }
      }
    }
  });
  background('docker-events', async () => {
    let delay = 500;
    while (!signal.aborted) {
      try {
        for await (const ev of runtime.events(signal)) {
          delay = 500;
          log.debug({ event: ev.type, container: ev.containerId.slice(0, 12), uid: ev.podUid }, 'runtime event');
          if (ev.podUid) podWorkers.enqueue(ev.podUid);
        }
      } catch (e) {
        if (signal.aborted) return;
        log.warn({ err: e instanceof Error ? e.message : String(e), retryInMs: delay }, 'the Docker event stream broke; reconnecting');
        await clock.sleep(delay, signal);
        delay = Math.min(delay * 2, 10_000);
        // events may have been missed meanwhile
        await resyncAll().catch((err: unknown) => log.debug({ err: String(err) }, 'resync after reconnect failed'));
      }
    }
  });
  const synced = await source.informer.waitForSync(signal);
  if (synced && !runtimeProblem) await resyncAll();
  background('housekeeping', async () => {
    const every = opts.housekeepingMs ?? 30_000;
    const full = opts.syncFrequencyMs ?? 60_000;
    let lastFull = clock.now();
    while (!signal.aborted) {
      await clock.sleep(every, signal);
      if (signal.aborted || runtimeProblem) continue;
      try {
        if (clock.now() - lastFull >= full) {
          lastFull = clock.now();
          await resyncAll();
        } else {
          // orphans only: containers whose pod is not (or no longer) bound here
          for (const c of await runtime.listContainers()) if (!source.byUid(c.pod.uid)) podWorkers.enqueue(c.pod.uid);
        }
        crashBackoff.gc();
        imageBackoff.gc();
      } catch (e) {
        log.warn({ err: e instanceof Error ? e.message : String(e) }, 'housekeeping failed');
      }
    }
  });
  log.info({ serverPort, nodeIP, network: opts.podNetwork, rootDir: path.resolve(opts.rootDir) }, 'kubelet started');

  let closed: Promise<void> | undefined;
  return {
    nodeName: opts.nodeName,
    serverPort,
    healthPort: health?.port,
    runtime,
    close: () =>
      (closed ??= (async () => {
        ac.abort();
        await source.informer.stop();
        await podWorkers.stop();
        probes.stopAll();
        await Promise.all(loops);
        await recorder.flush();
        for (const c of closers.reverse()) await c();
        rest.close();
        log.info('kubelet stopped');
      })()),
  };
}
