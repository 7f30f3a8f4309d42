/**
 * Node health bookkeeping (node_lifecycle_controller.go tryUpdateNodeHealth). The controller remembers, on its own
 * clock, when it last saw a node prove it is alive: a new Lease renewTime in kube-node-lease or a new Ready
 * heartbeat. When that is older than the grace period (the startup grace period for a node that never posted
 * Ready), Ready, MemoryPressure, DiskPressure and PIDPressure become Unknown: "Kubelet stopped posting node status."
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeCondition, NodeStatus } from 'kubernetes-types/core/v1.js';
import { deepCopy } from '../../../api/object.js';
import type { Clock } from '../../../common/clock.js';
import { rfc3339 } from '../util/time.js';
import { mutableCopy } from '../util/kinds.js';

export const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

interface HealthData {
  probeTimestamp: number;
  readyTransitionTimestamp: number;
  ready: NodeCondition | undefined;
  leaseRenewMs: number | undefined;
}

export interface HealthResult {
  /** The Ready condition as the node had it before this check (a fake Unknown one if it never posted). */
  observed: NodeCondition;
  /** The Ready condition after the check (undefined if the node never posted one and is still in grace). */
  current: NodeCondition | undefined;
  /** A status to write when conditions were turned Unknown. */
  newStatus?: NodeStatus;
}

function readyOf(node: Node): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

function renewMs(lease: Lease | undefined): number | undefined {
  const t = lease?.spec?.renewTime ? Date.parse(lease.spec.renewTime) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

export class NodeHealth {
  private readonly data = new Map<string, HealthData>();

  constructor(
    private readonly clock: Clock,
    private readonly gracePeriodMs: number,
    private readonly startupGracePeriodMs: number,
  ) {}

  /** Checks one node against its heartbeats. Does not write; the caller writes `newStatus` and calls `wrote`. */
  check(node: Node, lease: Lease | undefined): HealthResult {
    const name = node.metadata?.name ?? '';
    const now = this.clock.now();
    const current = readyOf(node);
    let grace: number;
    let observed: NodeCondition;
    let h = this.data.get(name);
    if (!current) {
      const created = node.metadata?.creationTimestamp ?? rfc3339(now);
      observed = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: created, lastTransitionTime: created };
      grace = this.startupGracePeriodMs;
      const createdMs = Date.parse(created);
      if (!h) {
        h = { probeTimestamp: createdMs, readyTransitionTimestamp: createdMs, ready: undefined, leaseRenewMs: undefined };
        this.data.set(name, h);
      }
    } else {
      observed = deepCopy(current);
      grace = this.gracePeriodMs;
    }
    if (!h) {
      h = { probeTimestamp: now, readyTransitionTimestamp: now, ready: current, leaseRenewMs: undefined };
      this.data.set(name, h);
    } else if (!h.ready && current) {
      h.probeTimestamp = now;
      h.readyTransitionTimestamp = now;
      h.ready = current;
    } else if (h.ready && !current) {
      h.probeTimestamp = now;
      h.readyTransitionTimestamp = now;
      h.ready = undefined;
    } else if (h.ready && current && h.ready.lastHeartbeatTime !== current.lastHeartbeatTime) {
      if (h.ready.lastTransitionTime !== current.lastTransitionTime) h.readyTransitionTimestamp = now;
      h.probeTimestamp = now;
      h.ready = current;
    }
    const renew = renewMs(lease);
    if (renew !== undefined && (h.leaseRenewMs === undefined || h.leaseRenewMs < renew)) {
      h.leaseRenewMs = renew;
      h.probeTimestamp = now;
    }
    if (now <= h.probeTimestamp + grace) return { observed, current };

    const status = mutableCopy<NodeStatus>(node.status ?? {});
    status.conditions ??= [];
    const t = rfc3339(now);
    for (const type of MONITORED_CONDITIONS) {
      const c = status.conditions.find((x) => x.type === type);
      if (!c) {
        status.conditions.push({
          type,
          status: 'Unknown',
          reason: 'NodeStatusNeverUpdated',
          message: 'Kubelet never posted node status.',
          lastHeartbeatTime: node.metadata?.creationTimestamp ?? t,
          lastTransitionTime: t,
        });
      } else if (c.status !== 'Unknown') {
        c.status = 'Unknown';
        c.reason = 'NodeStatusUnknown';
        c.message = 'Kubelet stopped posting node status.';
        c.lastTransitionTime = t;
      }
    }
    const after = status.conditions.find((c) => c.type === 'Ready');
    const changed = JSON.stringify(after) !== JSON.stringify(observed);
    return { observed, current: after, newStatus: changed ? (status) : undefined };
  }

  /** Records a status the controller wrote, so it is not mistaken for a heartbeat. */
  wrote(node: Node, status: NodeStatus): void {
    const h = this.data.get(node.metadata?.name ?? '');
    if (!h) return;
    h.ready = status.conditions?.find((c) => c.type === 'Ready');
    h.readyTransitionTimestamp = this.clock.now();
  }

  /** Leaving full disruption: every node gets a fresh grace period. */
  resetProbes(names: readonly string[]): void {
    const now = this.clock.now();
    for (const n of names) {
      const h = this.data.get(n);
      if (h) {
        h.probeTimestamp = now;
        h.readyTransitionTimestamp = now;
      }
    }
  }

  forget(name: string): void {
    this.data.delete(name);
  }

  known(name: string): boolean {
    return this.data.has(name);
  }
}
