/**
 * When a pod on a NoExecute-tainted node must go (taint_eviction.go processPodOnNode), as a pure decision:
 * - a taint the pod does not tolerate: now;
 * - tolerated forever (no tolerationSeconds): never, and a pending eviction is cancelled;
 * - else after the shortest tolerationSeconds of the tolerations used, counted from when the controller first
 *   scheduled the eviction; once scheduled, re-evaluations keep that schedule (upstream only replaces it when the
 *   new deadline would come sooner than createdAt + tolerationSeconds, which cannot happen later on).
 */
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { matchingTolerations, minTolerationMs } from '../util/taints.js';

export interface Scheduled {
  createdAt: number;
  fireAt: number;
}

export type Decision = { kind: 'cancel' } | { kind: 'schedule'; at: Scheduled };

export function decide(taints: readonly Taint[], tolerations: readonly Toleration[], existing: Scheduled | undefined, now: number): Decision {
  if (taints.length === 0) return { kind: 'cancel' };
  const { all, used } = matchingTolerations(taints, tolerations);
  if (!all) return { kind: 'schedule', at: { createdAt: now, fireAt: now } };
  const min = minTolerationMs(used);
  if (min < 0) return { kind: 'cancel' };
  const trigger = now + min;
  if (existing) {
    if (existing.createdAt + min < trigger) return { kind: 'schedule', at: existing };
    return { kind: 'schedule', at: { createdAt: existing.createdAt, fireAt: trigger } };
  }
  return { kind: 'schedule', at: { createdAt: now, fireAt: trigger } };
}
