/**
 * The FailedScheduling diagnosis, worded as upstream's FitError.Error() (framework/types.go):
 *   `0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: },
 *    2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`
 * Every node's rejection reasons are counted, rendered as "<count> <reason>" and sorted as strings.
 */
import type { Status } from './status.js';

export const NO_NODE_AVAILABLE = (n: number): string => `0/${n} nodes are available`;

/** Why a pod fits no node: each evaluated node's rejection, or one PreFilter rejection for all. */
export interface Diagnosis {
  /** node name → the status of the first plugin that rejected it */
  nodeStatuses: Map<string, Status>;
  /** Plugins that rejected the pod somewhere (drives which cluster events requeue it). */
  unschedulablePlugins: Set<string>;
  /** Set when a PreFilter plugin rejected the pod outright. */
  preFilterMsg?: string;
  /** PreFilter's status, applied to every node (for the preemption diagnosis). */
  preFilterStatus?: Status;
  /** What PostFilter (preemption) had to say, already prefixed with "preemption: ". */
  postFilterMsg?: string;
}

/** `"<count> <reason>"` for every distinct reason, sorted (upstream sortReasonsHistogram). */
export function reasonsHistogram(statuses: Iterable<Status>, extra?: { status: Status; count: number }): string[] {
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  if (extra && extra.count > 0) for (const r of extra.status.reasons) counts.set(r, (counts.get(r) ?? 0) + extra.count);
  const out = [...counts].map(([r, n]) => `${n} ${r}`);
  out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return out;
}

/**
 * FitError.Error(). `absent` is the status of nodes not in `d.nodeStatuses` (none evaluated them), counted
 * `numAllNodes − nodeStatuses.size` times, as upstream's NodeToStatus.AbsentNodesStatus.
 */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis, absent?: Status): string {
  let msg = `${NO_NODE_AVAILABLE(numAllNodes)}:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const missing = numAllNodes - d.nodeStatuses.size;
    const hist = reasonsHistogram(d.nodeStatuses.values(), absent && missing > 0 ? { status: absent, count: missing } : undefined);
    if (hist.length > 0) msg += ` ${hist.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}

/** Event notes are capped at 1024 characters (upstream truncateMessage). */
export function truncateMessage(message: string, limit = 1024): string {
  if (message.length <= limit) return message;
  const suffix = ' ...';
  return message.slice(0, limit - suffix.length) + suffix;
}
