/** NodeUnschedulable: keeps pods off nodes with spec.unschedulable unless they tolerate the unschedulable taint. */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { NodeInfo } from '../../cache/node-info.js';
import { Action } from '../../framework/cluster-event.js';
import { unresolvable } from '../../framework/status.js';
import { TAINT_NODE_UNSCHEDULABLE, tolerationsTolerateTaint } from '../../framework/taints.js';
import type { AnyPlugin } from '../../framework/types.js';

export const NAME = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

export function fits(pod: Pod, unschedulable: boolean): boolean {
  if (!unschedulable) return true;
  return tolerationsTolerateTaint(pod.spec?.tolerations, { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' });
}

export function nodeUnschedulablePlugin(): AnyPlugin {
  return {
    name: NAME,
    filter: (_state, pod, node: NodeInfo) => (fits(pod.pod, node.unschedulable) ? undefined : unresolvable(ERR_REASON_UNSCHEDULABLE)),
    eventsToRegister: () => [
      {
        resource: 'Node',
        actions: Action.Add | Action.UpdateNodeTaint,
        // Queue when the node is now schedulable for the pod and was not before (or is new).
        hint: (pod, oldNode, newNode) => {
          if (!newNode || !fits(pod.pod, newNode.spec?.unschedulable === true)) return 'QueueSkip';
          return !oldNode || !fits(pod.pod, oldNode.spec?.unschedulable === true) ? 'Queue' : 'QueueSkip';
        },
      },
      { resource: 'UnscheduledPod', actions: Action.UpdatePodToleration },
    ],
  };
}
