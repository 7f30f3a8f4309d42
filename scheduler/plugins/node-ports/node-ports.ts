/** NodePorts: a pod's hostPorts must be free on the node (same protocol and port, overlapping host IP). */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { HostPortInfo, podHostPorts, type HostPort } from '../../cache/host-ports.js';
import { Action } from '../../framework/cluster-event.js';
import { SKIP, unschedulable } from '../../framework/status.js';
import { StateKey, type AnyPlugin } from '../../framework/types.js';

export const NAME = 'NodePorts';
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

export function fits(want: readonly HostPort[], inUse: HostPortInfo): boolean {
  for (const p of want) if (inUse.conflicts(p)) return false;
  return true;
}

/** Whether two pods' host ports collide (used to tell if deleting `other` can help `pod`). */
export function portsConflict(pod: Pod, other: Pod): boolean {
  const used = new HostPortInfo();
  for (const p of podHostPorts(other)) used.add(p);
  return !fits(podHostPorts(pod), used);
}

const KEY = new StateKey<HostPort[]>(`PreFilter${NAME}`);

export function nodePortsPlugin(): AnyPlugin {
  return {
    name: NAME,
    preFilter: (state, pod) => {
      if (pod.hostPorts.length === 0) return SKIP;
      state.write(KEY, pod.hostPorts);
      return undefined;
    },
    filter: (state, pod, node) => (fits(state.read(KEY) ?? pod.hostPorts, node.usedPorts) ? undefined : unschedulable(ERR_REASON)),
    eventsToRegister: () => [
      {
        resource: 'AssignedPod',
        actions: Action.Delete,
        hint: (pod, deleted) => (deleted && portsConflict(pod.pod, deleted) ? 'Queue' : 'QueueSkip'),
      },
      { resource: 'Node', actions: Action.Add | Action.UpdateNodeAllocatable },
    ],
  };
}
