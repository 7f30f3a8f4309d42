/**
 * Cluster events that may make an unschedulable pod schedulable, as upstream framework.ClusterEvent: a resource
 * and a bit set of actions. Plugins register the events that can resolve their own rejections, optionally with a
 * queueing hint that looks at the change and says whether it helps this pod.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { PodInfo } from '../cache/pod-info.js';

export const Action = {
  Add: 1 << 0,
  Delete: 1 << 1,
  UpdateNodeAllocatable: 1 << 2,
  UpdateNodeLabel: 1 << 3,
  UpdateNodeTaint: 1 << 4,
  UpdateNodeCondition: 1 << 5,
  UpdateNodeAnnotation: 1 << 6,
  UpdatePodLabel: 1 << 7,
  UpdatePodScaleDown: 1 << 8,
  UpdatePodToleration: 1 << 9,
  UpdatePodSchedulingGatesEliminated: 1 << 10,
  /** Any other update (e.g. a pod turning terminal is seen as a delete by the informer's field selector). */
  UpdateOther: 1 << 11,
} as const;

const UPDATE_BITS = (1 << 12) - 1 - Action.Add - Action.Delete;
export const ACTION_UPDATE = UPDATE_BITS;
export const ACTION_ALL = (1 << 12) - 1;

export type QueueingHint = 'Queue' | 'QueueSkip';

/** A change the scheduler observed. `label` is used for logs and metrics. */
export type ClusterEvent =
  | { resource: 'Node'; actions: number; oldObj?: Node; newObj?: Node; label: string }
  | { resource: 'AssignedPod' | 'UnscheduledPod'; actions: number; oldObj?: Pod; newObj?: Pod; label: string }
  /** Moves every pod regardless of hints (periodic flush, forced activation). */
  | { resource: 'WildCard'; actions: number; label: string };

export type NodeHint = (pod: PodInfo, oldNode: Node | undefined, newNode: Node | undefined) => QueueingHint;
export type PodHint = (pod: PodInfo, oldPod: Pod | undefined, newPod: Pod | undefined) => QueueingHint;

/** What a plugin registers (upstream ClusterEventWithHint). No hint = always Queue. */
export type ClusterEventWithHint =
  | { resource: 'Node'; actions: number; hint?: NodeHint }
  | { resource: 'AssignedPod' | 'UnscheduledPod'; actions: number; hint?: PodHint };

/** Whether `ev` is one the plugin registered (same resource, overlapping actions) and its hint says Queue. */
export function eventHelps(reg: ClusterEventWithHint, ev: ClusterEvent, pod: PodInfo): boolean {
  if (ev.resource === 'WildCard') return true;
  if (reg.resource !== ev.resource || (reg.actions & ev.actions) === 0) return false;
  if (!reg.hint) return true;
  if (reg.resource === 'Node' && ev.resource === 'Node') return reg.hint(pod, ev.oldObj, ev.newObj) === 'Queue';
  if (reg.resource !== 'Node' && ev.resource !== 'Node') return reg.hint(pod, ev.oldObj, ev.newObj) === 'Queue';
  return false;
}

function sameJSON(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The update actions a Node change carries (upstream nodeSchedulingPropertiesChange). */
export function nodeUpdateActions(oldNode: Node, newNode: Node): number {
  let a = 0;
  if (!sameJSON(oldNode.status?.allocatable, newNode.status?.allocatable)) a |= Action.UpdateNodeAllocatable;
  if (!sameJSON(oldNode.metadata?.labels, newNode.metadata?.labels)) a |= Action.UpdateNodeLabel;
  if (!sameJSON(oldNode.spec?.taints, newNode.spec?.taints) || (oldNode.spec?.unschedulable ?? false) !== (newNode.spec?.unschedulable ?? false)) {
    a |= Action.UpdateNodeTaint;
  }
  const conds = (n: Node) => (n.status?.conditions ?? []).map((c) => [c.type, c.status]);
  if (!sameJSON(conds(oldNode), conds(newNode))) a |= Action.UpdateNodeCondition;
  if (!sameJSON(oldNode.metadata?.annotations, newNode.metadata?.annotations)) a |= Action.UpdateNodeAnnotation;
  return a;
}

/** The update actions a Pod change carries (upstream PodSchedulingPropertiesChange, simplified). */
export function podUpdateActions(oldPod: Pod, newPod: Pod): number {
  let a = 0;
  if (!sameJSON(oldPod.metadata?.labels, newPod.metadata?.labels)) a |= Action.UpdatePodLabel;
  if (!sameJSON(oldPod.spec?.tolerations, newPod.spec?.tolerations)) a |= Action.UpdatePodToleration;
  const reqs = (p: Pod) => [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])].map((c) => c.resources?.requests ?? null);
  if (!sameJSON(reqs(oldPod), reqs(newPod))) a |= Action.UpdatePodScaleDown;
  if ((oldPod.spec?.schedulingGates ?? []).length > 0 && (newPod.spec?.schedulingGates ?? []).length === 0) {
    a |= Action.UpdatePodSchedulingGatesEliminated;
  }
  if (a === 0) a = Action.UpdateOther;
  return a;
}
