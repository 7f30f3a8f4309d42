/** NodeName: a pod that names a node (spec.nodeName) fits only that node. */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Action } from '../../framework/cluster-event.js';
import { unresolvable } from '../../framework/status.js';
import type { AnyPlugin } from '../../framework/types.js';

export const NAME = 'NodeName';
export const ERR_REASON = "node(s) didn't match the requested node name";

export function fits(pod: Pod, nodeName: string): boolean {
  const want = pod.spec?.nodeName;
  return !want || want === nodeName;
}

export function nodeNamePlugin(): AnyPlugin {
  return {
    name: NAME,
    filter: (_state, pod, node) => (fits(pod.pod, node.name) ? undefined : unresolvable(ERR_REASON)),
    eventsToRegister: () => [
      { resource: 'Node', actions: Action.Add, hint: (pod, _old, node) => (node && fits(pod.pod, node.metadata?.name ?? '') ? 'Queue' : 'QueueSkip') },
    ],
  };
}
