/**
 * The scheduler process's composition root: informers → cache + queue, the default profile's framework, the
 * scheduling loop, binder, events, pod conditions, metrics, health endpoints and (optionally) leader election on
 * the Lease kube-system/kube-scheduler — only the leader schedules, so replicas never bind the same pod twice.
 */
import { setMaxListeners } from 'node:events';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Namespace, Node, Pod, ReplicationController, Service } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import { findResource, requireResource, type ResourceInfo } from '../api/resources.js';
import { EventRecorder } from '../client/events.js';
import { Informer, restListWatcher } from '../client/informer.js';
import { LeaderElector } from '../client/leader-election.js';
import { Lister } from '../client/lister.js';
import { RestClient } from '../client/rest.js';
import type { ObjectLike } from '../client/types.js';
import { realClock, type Clock } from '../common/clock.js';
import { checkFn, startHealthServer, type HealthServer } from '../common/health.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { createMetricsRegistry, type Registry } from '../common/metrics.js';
import { restBinder, type Binder } from './binder.js';
import { SchedulerCache } from './cache/cache.js';
import { clusterView } from './cluster-view.js';
import { nodeEventHandler, podEventHandler } from './event-handlers.js';
import { defaultProfile, DEFAULT_SCHEDULER_NAME } from './framework/profile.js';
import { inTreeRegistry } from './framework/registry.js';
import { Framework } from './framework/runtime.js';
import { SchedulerMetrics } from './metrics.js';
import { restPodConditionWriter } from './pod-status.js';
import { SchedulingQueue } from './queue/scheduling-queue.js';
import { SchedulerCore } from './schedule-one.js';

export interface SchedulerOptions {
  /** api-server URL, e.g. http://127.0.0.1:6443 */
  server: string;
  schedulerName?: string;
  /** Compete for the Lease and schedule only while holding it (default false here; main.ts defaults to true). */
  leaderElect?: boolean;
  leaseNamespace?: string;
  leaseName?: string;
  /** Defaults to `<hostname>_<uuid>`, as kube-scheduler. */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Port for /healthz, /livez, /readyz and /metrics; undefined = no health server, 0 = any free port. */
  healthPort?: number;
  healthHost?: string;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  percentageOfNodesToScore?: number;
  /** Called when leadership is lost (main.ts exits then, as upstream). */
  onLeadershipLost?: () => void;
  clock?: Clock;
  log?: Logger;
  random?: () => number;
  /** Replaces the REST binder (tests). */
  binder?: Binder;
}

export interface SchedulerHandle {
  readonly identity: string;
  /** The health server's port, when one was started. */
  readonly healthPort: number | undefined;
  readonly registry: Registry;
  isLeader(): boolean;
  /** Resolves once the informers have synced. */
  synced(): Promise<boolean>;
  /** Resolves when no binding is in flight. */
  idle(): Promise<void>;
  /** Names of the nodes in the scheduler cache (introspection for tests and debugging). */
  cachedNodeNames(): string[];
  close(): Promise<void>;
}

const NAMESPACES = requireResource('', 'v1', 'namespaces');
const NODES = requireResource('', 'v1', 'nodes');
const PODS = requireResource('', 'v1', 'pods');
const SERVICES = requireResource('', 'v1', 'services');
const REPLICASETS = requireResource('apps', 'v1', 'replicasets');

/** How long close() waits for queued events to be written. */
const EVENT_FLUSH_MS = 2000;

/** Terminal pods free their node's capacity; like upstream the pod informer does not see them at all. */
export const POD_FIELD_SELECTOR = 'status.phase!=Succeeded,status.phase!=Failed';

export async function startScheduler(opts: SchedulerOptions): Promise<SchedulerHandle> {
  const log = (opts.log ?? silentLogger()).child({ component: 'scheduler' });
  const clock = opts.clock ?? realClock;
  const schedulerName = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  const identity = opts.identity ?? `${os.hostname()}_${randomUUID()}`;
  const rest = new RestClient({ server: opts.server, userAgent: `kube-scheduler/kubemu (${identity})` });
  const stop = new AbortController();
  // every informer, its sync waiter and the elector listen on it
  setMaxListeners(64, stop.signal);

  const informers: Informer<ObjectLike>[] = [];
  const inform = <T extends ObjectLike>(r: ResourceInfo, fieldSelector?: string): Informer<T> => {
    const inf = new Informer<T>(restListWatcher<T>(rest, r, undefined, fieldSelector ? { fieldSelector } : {}), {
      name: r.resource,
      log,
      clock,
    });
    informers.push(inf as unknown as Informer<ObjectLike>);
    return inf;
  };
  const nodeInformer = inform<Node>(NODES);
  const podInformer = inform<Pod>(PODS, POD_FIELD_SELECTOR);
  const pods = new Lister<Pod>(podInformer);
  const optional = <T extends ObjectLike>(group: string, resource: string): Lister<T> | undefined => {
    const r = findResource(group, 'v1', resource);
    return r ? new Lister<T>(inform<T>(r)) : undefined;
  };
  const listers = {
    namespaces: new Lister<Namespace>(inform<Namespace>(NAMESPACES)),
    services: new Lister<Service>(inform<Service>(SERVICES)),
    replicaSets: new Lister<ReplicaSet>(inform<ReplicaSet>(REPLICASETS)),
    statefulSets: optional<StatefulSet>('apps', 'statefulsets'),
    replicationControllers: optional<ReplicationController>('', 'replicationcontrollers'),
  };

  const cache = new SchedulerCache();
  const cluster = clusterView(cache, listers);
  const profile = { ...defaultProfile(schedulerName), percentageOfNodesToScore: opts.percentageOfNodesToScore ?? 0 };
  const framework = new Framework(profile, inTreeRegistry(), { cluster });
  const registry = createMetricsRegistry('kube-scheduler');
  const queue = new SchedulingQueue({
    clock,
    log,
    initialBackoffMs: opts.initialBackoffMs,
    maxBackoffMs: opts.maxBackoffMs,
    eventMayHelp: (qp, ev) => framework.eventMayHelp(qp.unschedulablePlugins, qp.podInfo, ev),
  });
  const metrics = new SchedulerMetrics(registry, schedulerName, () => queue.pendingCounts());
  const recorder = new EventRecorder({ sink: rest, component: schedulerName, clock, log });
  const core = new SchedulerCore({
    framework,
    cache,
    cluster,
    queue,
    binder: opts.binder ?? restBinder(rest),
    getPod: (ns, name) => pods.get(ns, name),
    events: recorder,
    conditions: restPodConditionWriter(rest, clock, log),
    metrics,
    clock,
    log,
    random: opts.random,
  });
  nodeInformer.addEventHandler(nodeEventHandler(cache, queue));
  podInformer.addEventHandler(podEventHandler(cache, queue, schedulerName));

  for (const inf of informers) inf.start(stop.signal);
  const syncedP = Promise.all(informers.map((i) => i.waitForSync(stop.signal))).then((r) => r.every(Boolean));

  let leading = false;
  let loop: Promise<void> | undefined;
  const runLoop = async (signal: AbortSignal): Promise<void> => {
    if (!(await syncedP) || signal.aborted) return;
    log.info({ nodes: cache.numNodes(), pending: queue.pendingCounts() }, 'caches synced; scheduling');
    await core.run(signal);
  };

  let elector: LeaderElector | undefined;
  let electionDone: Promise<void> | undefined;
  if (opts.leaderElect) {
    elector = new LeaderElector({
      client: rest,
      namespace: opts.leaseNamespace ?? 'kube-system',
      name: opts.leaseName ?? 'kube-scheduler',
      identity,
      signal: stop.signal,
      clock,
      log,
      leaseDurationMs: opts.leaseDurationMs,
      renewDeadlineMs: opts.renewDeadlineMs,
      retryPeriodMs: opts.retryPeriodMs,
      releaseOnCancel: true,
      callbacks: {
        onStartedLeading: (signal) => {
          leading = true;
          loop = runLoop(signal);
        },
        onStoppedLeading: () => {
          leading = false;
          queue.close();
          if (!stop.signal.aborted) {
            log.error('leader election lost');
            opts.onLeadershipLost?.();
          }
        },
      },
    });
    electionDone = elector.run();
  } else {
    leading = true;
    loop = runLoop(stop.signal);
  }

  let health: HealthServer | undefined;
  if (opts.healthPort !== undefined) {
    health = await startHealthServer({
      port: opts.healthPort,
      host: opts.healthHost,
      log,
      registry,
      clock,
      readyz: [checkFn('informer-sync', () => (informers.every((i) => i.hasSynced()) ? undefined : 'informers not synced'))],
    });
  }

  let closing: Promise<void> | undefined;
  return {
    identity,
    healthPort: health?.port,
    registry,
    isLeader: () => leading,
    synced: () => syncedP,
    idle: () => core.waitForBindings(),
    cachedNodeNames: () => cache.nodeInfos().map((n) => n.name),
    close: () => {
      closing ??= (async () => {
        stop.abort();
        queue.close();
        await loop;
        await electionDone;
        await core.waitForBindings();
        // queued events are best effort: give them a moment, not the closer's whole budget
        const flushed = new AbortController();
        await Promise.race([recorder.flush().finally(() => flushed.abort()), clock.sleep(EVENT_FLUSH_MS, flushed.signal)]);
        flushed.abort();
        await Promise.all(informers.map((i) => i.stop()));
        await health?.close();
        rest.close();
      })();
      return closing;
    },
  };
}
