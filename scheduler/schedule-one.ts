/**
 * One scheduling attempt per pod, as upstream's schedule_one.go:
 *
 *   pop → PreFilter → Filter (from a rotating start node, stopping once enough feasible nodes are found)
 *       → PreScore/Score/Normalize × weight → highest total (ties broken at random) → assume → bind (async).
 *
 * Everything up to the assumption runs synchronously, so no informer event can interleave with a decision.
 * A pod no node fits gets a FailedScheduling event with the upstream diagnosis, PodScheduled=False
 * (reason Unschedulable) and waits in the unschedulable queue for an event that could help; an error
 * (or a failed binding) sends it to backoff. A failed binding forgets the assumption, so capacity is freed.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../api/errors.js';
import type { EventType } from '../client/events.js';
import type { ObjectLike } from '../client/types.js';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { Binder } from './binder.js';
import type { SchedulerCache } from './cache/cache.js';
import type { NodeInfo } from './cache/node-info.js';
import { PodInfo } from './cache/pod-info.js';
import { Action } from './framework/cluster-event.js';
import { fitErrorMessage, truncateMessage, type Diagnosis } from './framework/fit-error.js';
import { preemptionMessage } from './framework/preemption.js';
import { numFeasibleNodesToFind } from './framework/profile.js';
import type { Framework } from './framework/runtime.js';
import { statusMessage, type Status } from './framework/status.js';
import { CycleState, type ClusterView } from './framework/types.js';
import type { SchedulerMetrics } from './metrics.js';
import type { PodConditionWriter } from './pod-status.js';
import type { QueuedPodInfo, SchedulingQueue } from './queue/scheduling-queue.js';

export const ERR_NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export interface EventSink {
  event(obj: ObjectLike, type: EventType, reason: string, message: string): void;
}

export interface SchedulerCoreDeps {
  framework: Framework;
  cache: SchedulerCache;
  cluster: ClusterView;
  queue: SchedulingQueue;
  binder: Binder;
  /** The informer's current version of a pod (undefined when gone). */
  getPod: (namespace: string, name: string) => Pod | undefined;
  events: EventSink;
  conditions: PodConditionWriter;
  metrics: SchedulerMetrics;
  clock: Clock;
  log: Logger;
  random?: () => number;
}

export type AttemptOutcome =
  | { kind: 'scheduled'; node: string; evaluated: number; feasible: number }
  | { kind: 'unschedulable'; diagnosis: Diagnosis; message: string }
  | { kind: 'error'; message: string };

function podRef(pod: Pod): ObjectLike {
  return { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata };
}

export class SchedulerCore {
  private nextStartNodeIndex = 0;
  private readonly random: () => number;
  private bindingsInFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly d: SchedulerCoreDeps) {
    this.random = d.random ?? Math.random;
  }

  /** Pops and schedules pods until `signal` aborts or the queue closes. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const qp = await this.d.queue.pop();
      if (!qp || signal.aborted) break;
      try {
        this.scheduleOne(qp);
      } catch (e) {
        this.d.log.error({ err: e, pod: qp.podInfo.key }, 'scheduling attempt crashed');
        this.d.queue.requeueFailed(qp, new Set(), true);
      }
      // let I/O (watch events, binding answers) in between pods
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Resolves once no binding is in flight (tests, shutdown). */
  async waitForBindings(): Promise<void> {
    if (this.bindingsInFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  scheduleOne(qp: QueuedPodInfo): void {
    const pi = qp.podInfo;
    const pod = pi.pod;
    if (pod.metadata?.deletionTimestamp || this.d.cache.isAssumed(pi.uid)) return;
    const start = this.d.clock.now();
    const state = new CycleState();
    const outcome = this.schedulePod(state, pi);
    const log = this.d.log.child({ pod: pi.key });
    switch (outcome.kind) {
      case 'scheduled': {
        const assumed = this.d.cache.assumePod(pi, outcome.node);
        log.debug({ node: outcome.node, evaluated: outcome.evaluated, feasible: outcome.feasible }, 'pod assumed; binding');
        void this.bind(qp, assumed, outcome.node, start);
        return;
      }
      case 'unschedulable':
        log.debug({ message: outcome.message }, 'unable to schedule pod; waiting');
        this.d.metrics.attempt('unschedulable', (this.d.clock.now() - start) / 1000);
        this.handleFailure(qp, 'Unschedulable', outcome.message, outcome.diagnosis.unschedulablePlugins, false);
        return;
      case 'error':
        log.warn({ message: outcome.message }, 'error scheduling pod; retrying');
        this.d.metrics.attempt('error', (this.d.clock.now() - start) / 1000);
        this.handleFailure(qp, 'SchedulerError', outcome.message, new Set(), true);
        return;
    }
  }

  /** The scheduling algorithm proper (upstream schedulePod), without side effects. */
  schedulePod(state: CycleState, pod: PodInfo): AttemptOutcome {
    const fw = this.d.framework;
    const numAll = this.d.cache.numNodes();
    if (numAll === 0) return { kind: 'error', message: ERR_NO_NODES_AVAILABLE };
    const diagnosis: Diagnosis = { nodeStatuses: new Map(), unschedulablePlugins: new Set() };
    const pre = fw.runPreFilter(state, pod);
    if (pre) {
      if (pre.code === 'Error') return { kind: 'error', message: statusMessage(pre) };
      diagnosis.preFilterMsg = statusMessage(pre);
      diagnosis.preFilterStatus = pre;
      if (pre.plugin) diagnosis.unschedulablePlugins.add(pre.plugin);
      return this.unschedulable(state, pod, diagnosis);
    }
    const feasible = this.findFeasible(state, pod, diagnosis);
    if ('error' in feasible) return { kind: 'error', message: feasible.error };
    if (feasible.nodes.length === 0) return this.unschedulable(state, pod, diagnosis);
    const evaluated = feasible.nodes.length + diagnosis.nodeStatuses.size;
    if (feasible.nodes.length === 1) return { kind: 'scheduled', node: feasible.nodes[0].name, evaluated, feasible: 1 };
    let totals;
    try {
      totals = fw.runScore(state, pod, feasible.nodes);
    } catch (e) {
      return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    return { kind: 'scheduled', node: this.selectHost(totals), evaluated, feasible: feasible.nodes.length };
  }

  private unschedulable(state: CycleState, pod: PodInfo, diagnosis: Diagnosis): AttemptOutcome {
    const nodes = this.d.cache.nodeInfos();
    const post = preemptionMessage(this.d.framework, state, pod, nodes, diagnosis);
    if (post) diagnosis.postFilterMsg = post;
    return { kind: 'unschedulable', diagnosis, message: fitErrorMessage(nodes.length, diagnosis) };
  }

  /** findNodesThatPassFilters: from a rotating start, until numFeasibleNodesToFind nodes pass. */
  private findFeasible(state: CycleState, pod: PodInfo, diagnosis: Diagnosis): { nodes: NodeInfo[] } | { error: string } {
    const all = this.d.cache.nodeInfos();
    const n = all.length;
    const want = numFeasibleNodesToFind(this.d.framework.profile.percentageOfNodesToScore, n);
    const fw = this.d.framework;
    const out: NodeInfo[] = [];
    if (!fw.hasFilterPlugins()) {
      for (let i = 0; i < want; i++) out.push(all[(this.nextStartNodeIndex + i) % n]);
      this.nextStartNodeIndex = (this.nextStartNodeIndex + out.length) % n;
      return { nodes: out };
    }
    let processed = 0;
    for (; processed < n && out.length < want; processed++) {
      const node = all[(this.nextStartNodeIndex + processed) % n];
      const s: Status | undefined = fw.runFilter(state, pod, node);
      if (!s) {
        out.push(node);
        continue;
      }
      if (s.code === 'Error') return { error: statusMessage(s) };
      diagnosis.nodeStatuses.set(node.name, s);
      if (s.plugin) diagnosis.unschedulablePlugins.add(s.plugin);
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % n;
    return { nodes: out };
  }

  /** The highest total score; among equals, each is picked with equal probability (reservoir sampling). */
  private selectHost(totals: readonly { node: NodeInfo; total: number }[]): string {
    let best = totals[0];
    let ties = 1;
    for (let i = 1; i < totals.length; i++) {
      const t = totals[i];
      if (t.total > best.total) {
        best = t;
        ties = 1;
      } else if (t.total === best.total) {
        ties++;
        if (Math.floor(this.random() * ties) === 0) best = t;
      }
    }
    return best.node.name;
  }

  private async bind(qp: QueuedPodInfo, assumed: PodInfo, node: string, start: number): Promise<void> {
    this.bindingsInFlight++;
    const pod = assumed.pod;
    try {
      await this.d.binder.bind(pod, node);
    } catch (e) {
      this.d.cache.forgetPod(assumed.uid);
      // the capacity the assumption held may let other pods in
      this.d.queue.onClusterEvent({ resource: 'AssignedPod', actions: Action.Delete, oldObj: pod, label: 'AssignedPodDelete' });
      const msg = e instanceof Error ? e.message : String(e);
      this.d.log.info({ pod: assumed.key, node, err: msg, conflict: isApiError(e, 'Conflict') }, 'binding rejected');
      this.d.metrics.attempt('error', (this.d.clock.now() - start) / 1000);
      this.handleFailure(qp, 'SchedulerError', `running Bind plugin "DefaultBinder": ${msg}`, new Set(), true);
      return;
    } finally {
      this.bindingsInFlight--;
      if (this.bindingsInFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
    const now = this.d.clock.now();
    this.d.metrics.attempt('scheduled', (now - start) / 1000);
    this.d.metrics.podScheduled((now - qp.initialTimestamp) / 1000, qp.attempts);
    this.d.events.event(podRef(pod), 'Normal', 'Scheduled', `Successfully assigned ${assumed.namespace}/${assumed.name} to ${node}`);
  }

  /**
   * handleSchedulingFailure: requeue (unless the pod is gone or bound meanwhile), FailedScheduling event and,
   * for a pod still pending, PodScheduled=False with the reason and the full message.
   */
  private handleFailure(qp: QueuedPodInfo, reason: 'Unschedulable' | 'SchedulerError', message: string, plugins: ReadonlySet<string>, error: boolean): void {
    const { namespace, name } = qp.podInfo;
    const cached = this.d.getPod(namespace, name);
    if (!cached || cached.metadata?.uid !== qp.podInfo.uid) {
      this.d.log.debug({ pod: qp.podInfo.key }, 'pod no longer exists; not requeued');
      return;
    }
    this.d.events.event(podRef(cached), 'Warning', 'FailedScheduling', truncateMessage(message));
    if (cached.spec?.nodeName) {
      this.d.log.debug({ pod: qp.podInfo.key, node: cached.spec.nodeName }, 'pod has been assigned meanwhile; not requeued');
      return;
    }
    if (cached !== qp.podInfo.pod) qp.podInfo = new PodInfo(cached);
    this.d.queue.requeueFailed(qp, plugins, error);
    void this.d.conditions.setPodScheduled(cached, 'False', reason, message);
  }
}
