/**
 * The PostFilter diagnosis of DefaultPreemption (framework/preemption/preemption.go), without evicting anything:
 * nodes rejected as UnschedulableAndUnresolvable cannot be helped by preemption; on the others the pod is
 * re-filtered with its lower-priority pods removed. The result is the "preemption: …" part of FailedScheduling.
 * When some node would fit after evictions upstream would preempt and say nothing; so do we — but kubemu does not
 * evict the victims (preemption itself is not implemented).
 */
import type { NodeInfo } from '../cache/node-info.js';
import type { PodInfo } from '../cache/pod-info.js';
import { fitErrorMessage, type Diagnosis } from './fit-error.js';
import type { Framework } from './runtime.js';
import { unresolvable, type Status } from './status.js';
import type { CycleState } from './types.js';

export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_ELIGIBLE_NEVER = 'not eligible due to preemptionPolicy=Never.';

/** The PostFilter message ("preemption: …"), or undefined when evicting lower-priority pods would make room. */
export function preemptionMessage(fw: Framework, state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], d: Diagnosis): string | undefined {
  if (pod.pod.spec?.preemptionPolicy === 'Never') return `preemption: ${NOT_ELIGIBLE_NEVER}`;
  const statuses = new Map<string, Status>();
  for (const n of nodes) {
    const s = d.preFilterStatus ?? d.nodeStatuses.get(n.name);
    if (s?.code !== 'Unschedulable') continue;
    const victims = [...n.pods.values()].filter((p) => p.priority < pod.priority);
    if (victims.length === 0) {
      statuses.set(n.name, unresolvable(NO_PREEMPTION_VICTIMS));
      continue;
    }
    const without = n.clone();
    for (const v of victims) without.removePod(v.uid);
    const after = fw.runFilter(state, pod, without);
    if (!after) return undefined;
    statuses.set(n.name, after);
  }
  const diag: Diagnosis = { nodeStatuses: statuses, unschedulablePlugins: new Set() };
  return `preemption: ${fitErrorMessage(nodes.length, diag, unresolvable(PREEMPTION_NOT_HELPFUL))}`;
}
