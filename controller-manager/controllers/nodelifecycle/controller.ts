/**
 * The node lifecycle controller (nodelifecycle/node_lifecycle_controller.go) with taint-based eviction:
 * - every --node-monitor-period: nodes whose Lease and Ready heartbeat are older than the grace period get their
 *   conditions set to Unknown, their pods marked not ready, and (one period later, rate limited per zone) the
 *   NoExecute taint node.kubernetes.io/unreachable (Ready Unknown) or not-ready (Ready False); a node Ready again
 *   loses them. The taint-eviction controller evicts pods once their toleration of those taints runs out.
 * - when every node of every zone is not ready (full disruption) nothing is tainted and existing taints are removed:
 *   that looks like a control-plane problem, not like dead nodes.
 * - on every node change: the NoSchedule taints that mirror node conditions (not-ready, unreachable,
 *   memory/disk/pid-pressure, network-unavailable, unschedulable).
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeCondition, Pod, Taint } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../../../api/errors.js';
import { deepCopy } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import { runController } from '../../../client/controller-runner.js';
import { WorkQueue } from '../../../client/workqueue.js';
import type { Controller, ControllerContext } from '../context.js';
import { errorMessage } from '../util/errors.js';
import { PODS } from '../util/pod-control.js';
import {
  NODES,
  NOT_READY_NO_EXECUTE,
  sameTaint,
  swapNodeTaints,
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  taintExists,
  UNREACHABLE_NO_EXECUTE,
} from '../util/taints.js';
import { NodeHealth } from './health.js';
import { markPodsNotReady } from './mark-pods.js';
import { RateLimitedTimedQueue } from './timed-queue.js';
import { computeZoneState, excludedFromDisruption, zoneKey, type ZoneState } from './zones.js';
import { mutableCopy } from '../util/kinds.js';

export const NODE_LIFECYCLE_CONTROLLER = 'node-lifecycle-controller';
const LEASES = requireResource('coordination.k8s.io', 'v1', 'leases');
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const POD_NODE_INDEX = 'nodeName';
/** nodeEvictionPeriod: how often the taint queues are worked. */
const TAINTING_PERIOD_MS = 100;

/** Condition → status → NoSchedule taint key (nodeConditionToTaintKeyStatusMap). */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
};
const CONDITION_TAINT_KEYS = new Set([...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)), TAINT_UNSCHEDULABLE]);

/** The NoSchedule taints a node should carry for its conditions and spec.unschedulable. */
export function conditionTaints(node: Node): Taint[] {
  const out: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) out.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  return out;
}

export function podNodeIndex(p: Pod): string[] {
  return p.spec?.nodeName ? [p.spec.nodeName] : [];
}

export function newNodeLifecycleController(ctx: ControllerContext): Controller {
  const s = ctx.settings;
  const nodes = ctx.informers.lister<Node>(NODES);
  const leases = ctx.informers.lister<Lease>(LEASES);
  const pods = ctx.informers.lister<Pod>(PODS);
  ctx.informers.ensureIndex<Pod>(PODS, POD_NODE_INDEX, podNodeIndex);
  const recorder = ctx.recorder('node-controller');
  const health = new NodeHealth(ctx.clock, s.nodeMonitorGracePeriodMs, s.nodeStartupGracePeriodMs);
  const tainters = new Map<string, RateLimitedTimedQueue>();
  const zoneStates = new Map<string, ZoneState>();
  const retryMarkPods = new Set<string>();
  const log = ctx.log;
  const noScheduleQueue = new WorkQueue<string>({ name: 'node_lifecycle_controller', clock: ctx.clock });

  ctx.informers.informer<Node>(NODES).addEventHandler({
    onAdd: (n) => noScheduleQueue.add(n.metadata?.name ?? ''),
    onUpdate: (_o, n) => noScheduleQueue.add(n.metadata?.name ?? ''),
    onDelete: (n) => noScheduleQueue.add(n.metadata?.name ?? ''),
  });
  // the Lease informer only feeds the monitor pass; it needs no handler
  ctx.informers.informer<Lease>(LEASES);

  const nodeEvent = (node: Node, type: 'Normal' | 'Warning', reason: string, message: string): void => {
    // upstream refers to nodes by name as uid in events
    recorder.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata?.name, uid: node.metadata?.name } }, type, reason, message);
  };

  const tainterFor = (zone: string): RateLimitedTimedQueue => {
    let q = tainters.get(zone);
    if (!q) {
      q = new RateLimitedTimedQueue(ctx.clock, s.nodeEvictionRate);
      tainters.set(zone, q);
      zoneStates.set(zone, 'Initial');
    }
    return q;
  };

  /** markNodeAsReachable: removes both NoExecute taints and drops the node from its zone's queue. */
  const markReachable = async (node: Node): Promise<void> => {
    if (taintExists(node.spec?.taints, UNREACHABLE_NO_EXECUTE) || taintExists(node.spec?.taints, NOT_READY_NO_EXECUTE)) {
      await swapNodeTaints(ctx.rest, node, [], [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE], ctx.clock.now());
    }
    tainters.get(zoneKey(node))?.remove(node.metadata?.name ?? '');
  };

  /** processTaintBaseEviction, on the Ready condition as observed before this pass. */
  const processTaintBaseEviction = async (node: Node, observed: string): Promise<void> => {
    const name = node.metadata?.name ?? '';
    const uid = node.metadata?.uid ?? '';
    const taints = node.spec?.taints;
    if (observed === 'False') {
      if (taintExists(taints, UNREACHABLE_NO_EXECUTE)) await swapNodeTaints(ctx.rest, node, [NOT_READY_NO_EXECUTE], [UNREACHABLE_NO_EXECUTE], ctx.clock.now());
      else if (tainterFor(zoneKey(node)).add(name, uid)) log.info({ node: name }, 'node is NotReady; adding it to the taint queue');
    } else if (observed === 'Unknown') {
      if (taintExists(taints, NOT_READY_NO_EXECUTE)) await swapNodeTaints(ctx.rest, node, [UNREACHABLE_NO_EXECUTE], [NOT_READY_NO_EXECUTE], ctx.clock.now());
      else if (tainterFor(zoneKey(node)).add(name, uid)) log.info({ node: name }, 'node is unresponsive; adding it to the taint queue');
    } else if (observed === 'True') {
      await markReachable(node);
    }
  };

  const setLimiter = (zone: string, size: number, state: ZoneState): void => {
    const q = tainterFor(zone);
    if (state === 'Normal' || state === 'FullDisruption') q.swapLimiter(s.nodeEvictionRate);
    else if (state === 'PartialDisruption') q.swapLimiter(size > s.largeClusterSizeThreshold ? s.secondaryNodeEvictionRate : 0);
  };

  const handleDisruption = async (byZone: Map<string, (NodeCondition | undefined)[]>, all: readonly Node[]): Promise<void> => {
    const newStates = new Map<string, ZoneState>();
    let allFully = true;
    for (const [zone, conds] of byZone) {
      const [, state] = computeZoneState(conds, s.unhealthyZoneThreshold);
      if (state !== 'FullDisruption') allFully = false;
      newStates.set(zone, state);
      if (!zoneStates.has(zone)) zoneStates.set(zone, 'Initial');
    }
    let allWasFully = true;
    for (const [zone, state] of [...zoneStates]) {
      if (!byZone.has(zone)) {
        zoneStates.delete(zone);
        continue;
      }
      if (state !== 'FullDisruption') {
        allWasFully = false;
        break;
      }
    }
    if (allFully && allWasFully) return;
    if (allFully) {
      log.info('Controller detected that all Nodes are not-Ready. Entering master disruption mode');
      for (const n of all) {
        try {
          await markReachable(n);
        } catch (e) {
          log.error({ node: n.metadata?.name, err: errorMessage(e) }, 'failed to remove taints from node');
        }
      }
      for (const zone of zoneStates.keys()) {
        tainterFor(zone).swapLimiter(0);
        zoneStates.set(zone, 'FullDisruption');
      }
      return;
    }
    if (allWasFully) {
      log.info('Controller detected that some Nodes are Ready. Exiting master disruption mode');
      health.resetProbes(all.map((n) => n.metadata?.name ?? ''));
      for (const zone of zoneStates.keys()) {
        const state = newStates.get(zone) ?? 'Normal';
        setLimiter(zone, byZone.get(zone)?.length ?? 0, state);
        zoneStates.set(zone, state);
      }
      return;
    }
    for (const [zone, state] of zoneStates) {
      const next = newStates.get(zone) ?? state;
      if (next === state) continue;
      log.info({ zone, state: next }, 'Controller detected that zone is now in new state');
      setLimiter(zone, byZone.get(zone)?.length ?? 0, next);
      zoneStates.set(zone, next);
    }
  };

  /** One monitorNodeHealth pass. */
  const monitor = async (): Promise<void> => {
    const all = nodes.list();
    const seen = new Set(all.map((n) => n.metadata?.name ?? ''));
    for (const n of all) {
      const name = n.metadata?.name ?? '';
      if (!health.known(name)) {
        nodeEvent(n, 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
        tainterFor(zoneKey(n));
      }
    }
    const byZone = new Map<string, (NodeCondition | undefined)[]>();
    for (const cached of all) {
      const name = cached.metadata?.name ?? '';
      let node = cached;
      let result = health.check(node, leases.get(NODE_LEASE_NAMESPACE, name));
      for (let attempt = 0; result.newStatus && attempt < 5; attempt++) {
        const copy = mutableCopy(node);
        copy.status = deepCopy(result.newStatus);
        try {
          const written = await ctx.rest.updateStatus<Node>(NODES, undefined, copy);
          health.wrote(written, result.newStatus);
          break;
        } catch (e) {
          if (isApiError(e, 'NotFound')) break;
          if (!isApiError(e, 'Conflict')) {
            log.warn({ node: name, err: errorMessage(e) }, 'failed to update node status');
            break;
          }
          node = await ctx.rest.get<Node>(NODES, undefined, name);
          result = health.check(node, leases.get(NODE_LEASE_NAMESPACE, name));
        }
      }
      if (!excludedFromDisruption(node)) {
        const z = zoneKey(node);
        const list = byZone.get(z) ?? [];
        list.push(result.current);
        byZone.set(z, list);
      }
      if (!result.current) continue;
      try {
        await processTaintBaseEviction(node, result.observed.status);
      } catch (e) {
        log.warn({ node: name, err: errorMessage(e) }, 'failed to update NoExecute taints');
      }
      const becameNotReady = result.current.status !== 'True' && result.observed.status === 'True';
      if (becameNotReady) nodeEvent(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      if (becameNotReady || (retryMarkPods.has(name) && result.observed.status !== 'True')) {
        try {
          await markPodsNotReady(ctx.rest, recorder, pods.byIndex(POD_NODE_INDEX, name), name, ctx.clock.now());
          retryMarkPods.delete(name);
        } catch (e) {
          log.warn({ node: name, err: errorMessage(e) }, 'failed to mark pods NotReady; will retry');
          retryMarkPods.add(name);
        }
        continue;
      }
      retryMarkPods.delete(name);
    }
    for (const name of [...retryMarkPods]) if (!seen.has(name)) retryMarkPods.delete(name);
    await handleDisruption(byZone, all);
  };

  /** doNoExecuteTaintingPass: taints queued nodes as far as each zone's rate allows. */
  const taintingPass = async (): Promise<void> => {
    for (const q of tainters.values()) {
      await q.try(async (name) => {
        const node = nodes.get(undefined, name);
        if (!node) return [true, 0];
        const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
        if (!ready) return [true, 0];
        let add: Taint;
        let opposite: Taint;
        if (ready.status === 'False') {
          add = NOT_READY_NO_EXECUTE;
          opposite = UNREACHABLE_NO_EXECUTE;
        } else if (ready.status === 'Unknown') {
          add = UNREACHABLE_NO_EXECUTE;
          opposite = NOT_READY_NO_EXECUTE;
        } else {
          return [true, 0];
        }
        try {
          const ok = await swapNodeTaints(ctx.rest, node, [add], [opposite], ctx.clock.now());
          if (ok) log.info({ node: name, taint: add.key }, 'tainted node');
          return [ok, 0];
        } catch (e) {
          log.warn({ node: name, err: errorMessage(e) }, 'failed to taint node');
          return [false, 50];
        }
      });
    }
  };

  /** doNoScheduleTaintingPass for one node. */
  const syncNoSchedule = async (name: string): Promise<void> => {
    const node = nodes.get(undefined, name);
    if (!node) {
      health.forget(name);
      for (const q of tainters.values()) q.remove(name);
      return;
    }
    const want = conditionTaints(node);
    const have = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && CONDITION_TAINT_KEYS.has(t.key));
    const add = want.filter((t) => !have.some((h) => sameTaint(h, t)));
    const remove = have.filter((h) => !want.some((t) => sameTaint(h, t)));
    if (add.length === 0 && remove.length === 0) return;
    await swapNodeTaints(ctx.rest, node, add, remove, ctx.clock.now());
  };

  const loop = async (signal: AbortSignal, periodMs: number, what: string, fn: () => Promise<void>): Promise<void> => {
    while (!signal.aborted) {
      try {
        await fn();
      } catch (e) {
        log.error({ err: errorMessage(e) }, `${what} failed`);
      }
      await ctx.clock.sleep(periodMs, signal);
    }
  };

  return {
    run: async (signal) => {
      await Promise.all([
        loop(signal, s.nodeMonitorPeriodMs, 'node health monitor', monitor),
        loop(signal, TAINTING_PERIOD_MS, 'NoExecute tainting pass', taintingPass),
        runController({
          name: NODE_LIFECYCLE_CONTROLLER,
          queue: noScheduleQueue,
          workers: 1,
          sync: ctx.metrics.wrap(NODE_LIFECYCLE_CONTROLLER, syncNoSchedule),
          log,
          signal,
        }),
      ]);
    },
  };
}
