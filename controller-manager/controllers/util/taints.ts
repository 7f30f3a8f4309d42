/** Taints and tolerations (k8s.io/kubernetes/pkg/apis/core/v1/helper, pkg/util/taints). */
import type { Node, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../../../api/errors.js';
import type { DeepMutable } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import type { RestClient } from '../../../client/rest.js';
import { rfc3339 } from './time.js';
import { mutableCopy } from './kinds.js';

export const NODES = requireResource('', 'v1', 'nodes');

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';

export const UNREACHABLE_NO_EXECUTE: Taint = { key: TAINT_UNREACHABLE, effect: 'NoExecute' };
export const NOT_READY_NO_EXECUTE: Taint = { key: TAINT_NOT_READY, effect: 'NoExecute' };

/** Taint.MatchTaint: same key and effect. */
export function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

export function taintExists(taints: readonly Taint[] | undefined, t: Taint): boolean {
  return (taints ?? []).some((x) => sameTaint(x, t));
}

/** Toleration.ToleratesTaint */
export function toleratesTaint(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  switch (tol.operator ?? '') {
    case '':
    case 'Equal':
      return (tol.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** GetMatchingTolerations: whether every taint is tolerated, and the tolerations used (one per taint). */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): { all: boolean; used: Toleration[] } {
  if (taints.length === 0) return { all: true, used: [] };
  const used: Toleration[] = [];
  for (const taint of taints) {
    const tol = tolerations.find((t) => toleratesTaint(t, taint));
    if (!tol) return { all: false, used: [] };
    used.push(tol);
  }
  return { all: true, used };
}

/**
 * getMinTolerationTime: the shortest tolerationSeconds of the used tolerations in ms; 0 when none were used or one
 * is ≤ 0; -1 when all tolerate forever.
 */
export function minTolerationMs(used: readonly Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

export function noExecuteTaints(node: Node | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/**
 * SwapNodeControllerTaint / AddOrUpdateTaintOnNode + RemoveTaintOffNode: adds `add` (NoExecute ones stamped with
 * timeAdded) and removes `remove` in one write, re-reading the node on conflicts. Resolves false if the node is gone.
 */
export async function swapNodeTaints(rest: RestClient, cached: Node, add: readonly Taint[], remove: readonly Taint[], nowMs: number): Promise<boolean> {
  let node = cached;
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = node.spec?.taints ?? [];
    let next: Taint[] = cur.filter((t) => !remove.some((r) => sameTaint(r, t)));
    for (const t of add) {
      if (next.some((x) => sameTaint(x, t) && (x.value ?? '') === (t.value ?? ''))) continue;
      const stamped: DeepMutable<Taint> = { key: t.key, effect: t.effect };
      if (t.value) stamped.value = t.value;
      if (t.effect === 'NoExecute') stamped.timeAdded = rfc3339(nowMs);
      next = [...next.filter((x) => !sameTaint(x, t)), stamped];
    }
    if (next.length === cur.length && next.every((t, i) => t === cur[i])) return true;
    const updated = mutableCopy(node);
    updated.spec ??= {};
    updated.spec.taints = next;
    if (next.length === 0) delete updated.spec.taints;
    try {
      await rest.update<Node>(NODES, undefined, updated);
      return true;
    } catch (e) {
      if (isApiError(e, 'NotFound')) return false;
      if (!isApiError(e, 'Conflict')) throw e;
      node = await rest.get<Node>(NODES, undefined, node.metadata?.name ?? '');
    }
  }
  return false;
}
