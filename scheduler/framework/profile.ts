/**
 * A scheduling profile: the scheduler name it serves and its plugins in order, each enabled at every extension
 * point it implements (upstream's multiPoint), with a score weight. The default mirrors kube-scheduler's default
 * profile (apis/config/v1/default_plugins.go) minus volume, image-locality and preemption plugins.
 */
export interface ProfilePlugin {
  name: string;
  /** Score weight; plugins without one score with weight 1. */
  weight?: number;
}

export interface Profile {
  schedulerName: string;
  plugins: readonly ProfilePlugin[];
  /** Share of nodes to find feasible before stopping the search; 0 = upstream's adaptive default. */
  percentageOfNodesToScore: number;
}

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export function defaultProfile(schedulerName = DEFAULT_SCHEDULER_NAME): Profile {
  return {
    schedulerName,
    percentageOfNodesToScore: 0,
    plugins: [
      { name: 'NodeUnschedulable' },
      { name: 'NodeName' },
      { name: 'TaintToleration', weight: 3 },
      { name: 'NodeAffinity', weight: 2 },
      { name: 'NodePorts' },
      { name: 'NodeResourcesFit', weight: 1 },
      { name: 'PodTopologySpread', weight: 2 },
      { name: 'InterPodAffinity', weight: 2 },
      { name: 'NodeResourcesBalancedAllocation', weight: 1 },
    ],
  };
}

const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;

/** numFeasibleNodesToFind: all nodes below 100, else an adaptive share (50% − nodes/125, at least 5%), at least 100. */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES) return numAllNodes;
  let p = percentage;
  if (p === 0) {
    p = 50 - Math.trunc(numAllNodes / 125);
    if (p < MIN_FEASIBLE_PERCENTAGE) p = MIN_FEASIBLE_PERCENTAGE;
  }
  const n = Math.trunc((numAllNodes * p) / 100);
  return n < MIN_FEASIBLE_NODES ? MIN_FEASIBLE_NODES : n;
}
