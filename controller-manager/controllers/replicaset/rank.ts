/**
 * Which pods a ReplicaSet deletes first when scaling down: ActivePodsWithRanks.Less
 * (k8s.io/kubernetes/pkg/controller/controller_utils.go) with the PodDeletionCost and LogarithmicScaleDown
 * features on (their defaults since 1.22):
 *  1. unassigned < assigned
 *  2. Pending < Unknown < Running
 *  3. not ready < ready
 *  4. lower controller.kubernetes.io/pod-deletion-cost < higher
 *  5. more ready pods of the same owner on its node < fewer ("doubled up" first)
 *  6. ready for less time < longer (log2 buckets of the time since)
 *  7. more container restarts < fewer
 *  8. newer < older (log2 buckets), then by uid
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isPodActive, isPodReady, podReadyTime } from '../util/pods.js';

export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const v = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function maxContainerRestarts(pod: Pod): { regular: number; sidecar: number } {
  let regular = 0;
  for (const c of pod.status?.containerStatuses ?? []) regular = Math.max(regular, c.restartCount ?? 0);
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  let sidecar = 0;
  for (const c of pod.status?.initContainerStatuses ?? []) if (sidecars.has(c.name)) sidecar = Math.max(sidecar, c.restartCount ?? 0);
  return { regular, sidecar };
}

/** log2 of the nanoseconds since `t`, floored; -1 for the future or now (upstream logarithmicRankDiff). */
function logRank(t: number, now: number): number {
  const d = (now - t) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/** afterOrZero: a missing time sorts first; otherwise the later time first. */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

function created(pod: Pod): number | undefined {
  const t = pod.metadata?.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

export interface RankedPod {
  pod: Pod;
  /** Active pods of the same owner(s) on this pod's node. */
  rank: number;
}

/** True when `a` should be deleted before `b`. */
export function lessValuable(a: RankedPod, b: RankedPod, now: number): boolean {
  const pi = a.pod;
  const pj = b.pod;
  const ni = pi.spec?.nodeName ?? '';
  const nj = pj.spec?.nodeName ?? '';
  if (ni !== nj && (ni === '' || nj === '')) return ni === '';
  const oi = PHASE_ORDINAL[pi.status?.phase ?? ''] ?? 0;
  const oj = PHASE_ORDINAL[pj.status?.phase ?? ''] ?? 0;
  if (oi !== oj) return oi < oj;
  const ri = isPodReady(pi);
  const rj = isPodReady(pj);
  if (ri !== rj) return !ri;
  const ci = deletionCost(pi);
  const cj = deletionCost(pj);
  if (ci !== cj) return ci < cj;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (ri && rj) {
    const ti = podReadyTime(pi);
    const tj = podReadyTime(pj);
    if (ti !== tj) {
      if (ti === undefined || tj === undefined) return afterOrZero(ti, tj);
      const diff = logRank(ti, now) - logRank(tj, now);
      if (diff === 0) return (pi.metadata?.uid ?? '') < (pj.metadata?.uid ?? '');
      return diff < 0;
    }
  }
  const xi = maxContainerRestarts(pi);
  const xj = maxContainerRestarts(pj);
  if (xi.regular !== xj.regular) return xi.regular > xj.regular;
  if (xi.sidecar !== xj.sidecar) return xi.sidecar > xj.sidecar;
  const ti = created(pi);
  const tj = created(pj);
  if (ti !== tj) {
    if (ti === undefined || tj === undefined) return afterOrZero(ti, tj);
    const diff = logRank(ti, now) - logRank(tj, now);
    if (diff === 0) return (pi.metadata?.uid ?? '') < (pj.metadata?.uid ?? '');
    return diff < 0;
  }
  return false;
}

/**
 * getPodsToDelete: the `diff` least valuable of `pods`. `related` are the active pods of the owner and its
 * siblings (ReplicaSets with the same controller), used to rank pods doubled up on a node.
 */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], diff: number, now: number): Pod[] {
  if (diff >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const n = p.spec?.nodeName ?? '';
    onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  const ranked: RankedPod[] = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => (lessValuable(a, b, now) ? -1 : lessValuable(b, a, now) ? 1 : 0));
  return ranked.slice(0, diff).map((r) => r.pod);
}
