/**
 * TaintToleration: a pod must tolerate every NoSchedule / NoExecute taint of a node (including the node
 * lifecycle taints node.kubernetes.io/not-ready and /unreachable); among feasible nodes, fewer untolerated
 * PreferNoSchedule taints score higher.
 */
import type { Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { Action } from '../../framework/cluster-event.js';
import { defaultNormalizeScore } from '../../framework/normalize.js';
import { unresolvable } from '../../framework/status.js';
import { findUntoleratedTaint, isDoNotScheduleTaint, tolerationsTolerateTaint } from '../../framework/taints.js';
import { StateKey, type AnyPlugin } from '../../framework/types.js';

export const NAME = 'TaintToleration';

/** The first taint the pod does not tolerate, or undefined when it fits. */
export function untoleratedTaint(pod: Pod, taints: readonly Taint[] | undefined): Taint | undefined {
  return findUntoleratedTaint(taints, pod.spec?.tolerations, isDoNotScheduleTaint);
}

/** The reason upstream reports, e.g. `node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }`. */
export function untoleratedReason(t: Taint): string {
  return `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;
}

/** Tolerations that can tolerate PreferNoSchedule taints (effect PreferNoSchedule or empty). */
export function preferNoScheduleTolerations(pod: Pod): Toleration[] {
  return (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
}

/** Raw score: the number of PreferNoSchedule taints not tolerated (normalised in reverse). */
export function countIntolerableTaints(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[]): number {
  let n = 0;
  for (const t of taints ?? []) {
    if (t.effect !== 'PreferNoSchedule') continue;
    if (!tolerationsTolerateTaint(tolerations, t)) n++;
  }
  return n;
}

const SCORE_KEY = new StateKey<Toleration[]>(`PreScore${NAME}`);

export function taintTolerationPlugin(): AnyPlugin {
  return {
    name: NAME,
    filter: (_state, pod, node) => {
      const t = untoleratedTaint(pod.pod, node.taints);
      return t ? unresolvable(untoleratedReason(t)) : undefined;
    },
    preScore: (state, pod) => {
      state.write(SCORE_KEY, preferNoScheduleTolerations(pod.pod));
      return undefined;
    },
    score: (state, _pod, node) => countIntolerableTaints(node.taints, state.read(SCORE_KEY) ?? []),
    normalizeScore: (_state, _pod, scores) => defaultNormalizeScore(scores, true),
    eventsToRegister: () => [
      {
        resource: 'Node',
        actions: Action.Add | Action.UpdateNodeTaint,
        // Queue when the node is now tolerated and was not before (or is new).
        hint: (pod, oldNode, newNode) => {
          if (!newNode || untoleratedTaint(pod.pod, newNode.spec?.taints)) return 'QueueSkip';
          return !oldNode || untoleratedTaint(pod.pod, oldNode.spec?.taints) ? 'Queue' : 'QueueSkip';
        },
      },
      { resource: 'UnscheduledPod', actions: Action.UpdatePodToleration },
    ],
  };
}
