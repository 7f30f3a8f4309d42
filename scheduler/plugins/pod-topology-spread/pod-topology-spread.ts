/**
 * PodTopologySpread: DoNotSchedule constraints filter nodes whose domain would exceed maxSkew over the
 * least-loaded eligible domain; ScheduleAnyway constraints (and the system default hostname/zone spreading of a
 * workload's pods) score nodes by how many matching pods their domains already hold — fewer is better.
 */
import type { NodeInfo } from '../../cache/node-info.js';
import type { PodInfo } from '../../cache/pod-info.js';
import { Action } from '../../framework/cluster-event.js';
import { RequiredNodeAffinity } from '../../framework/node-affinity.js';
import { errorStatus, SKIP, unresolvable, unschedulable } from '../../framework/status.js';
import { MAX_NODE_SCORE, StateKey, type AnyPlugin, type ClusterView, type Handle, type NodeScore } from '../../framework/types.js';
import {
  constraintsFor,
  countMatching,
  LABEL_HOSTNAME,
  nodeHasAllKeys,
  nodeIncluded,
  nodeLabels,
  podMatchesConstraints,
  type SpreadConstraint,
} from './constraints.js';
import { ApiError } from '../../../api/errors.js';

export const NAME = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

export interface FilterState {
  constraints: SpreadConstraint[];
  /** per constraint: domain value → matching pods */
  matchNum: Map<string, number>[];
  /** per constraint: the smallest count over its domains (Infinity when none) */
  minMatch: number[];
}

/** PreFilter (calPreFilterState): matching pods per eligible domain for each DoNotSchedule constraint. */
export function computeFilterState(pod: PodInfo, constraints: SpreadConstraint[], nodes: readonly NodeInfo[]): FilterState {
  const matchNum = constraints.map(() => new Map<string, number>());
  const required = new RequiredNodeAffinity(pod.pod);
  for (const ni of nodes) {
    if (!nodeHasAllKeys(ni.labels, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!nodeIncluded(c, pod.pod, ni, required)) return;
      const v = ni.labels[c.topologyKey];
      matchNum[i].set(v, (matchNum[i].get(v) ?? 0) + countMatching(ni.pods.values(), c.selector, pod.namespace));
    });
  }
  const minMatch = matchNum.map((m) => {
    let min = Infinity;
    for (const n of m.values()) if (n < min) min = n;
    return min;
  });
  return { constraints, matchNum, minMatch };
}

/** Filter: `existing + self − global minimum ≤ maxSkew` in the node's domain, for every constraint. */
export function fits(s: FilterState, pod: PodInfo, labels: Readonly<Record<string, string>>): 'ok' | 'skew' | 'missing-label' {
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    const v = labels[c.topologyKey];
    if (v === undefined) return 'missing-label';
    const min = s.matchNum[i].size < c.minDomains ? 0 : s.minMatch[i];
    const self = c.selector.matches(pod.labels) ? 1 : 0;
    const skew = (s.matchNum[i].get(v) ?? 0) + self - min;
    if (skew > c.maxSkew) return 'skew';
  }
  return 'ok';
}

export interface ScoreState {
  constraints: SpreadConstraint[];
  ignoredNodes: Set<string>;
  /** (key, value) → matching pods, for non-hostname constraints */
  pairCounts: Map<string, number>;
  weights: number[];
}

const pair = (k: string, v: string): string => `${k}\u0000${v}`;

/** PreScore (initPreScoreState + counting over all nodes). */
export function computeScoreState(pod: PodInfo, constraints: SpreadConstraint[], filtered: readonly NodeInfo[], all: readonly NodeInfo[], requireAll: boolean): ScoreState {
  const ignoredNodes = new Set<string>();
  const pairCounts = new Map<string, number>();
  const topoSize = constraints.map(() => 0);
  for (const ni of filtered) {
    if (requireAll && !nodeHasAllKeys(ni.labels, constraints)) {
      ignoredNodes.add(ni.name);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey === LABEL_HOSTNAME) return;
      const k = pair(c.topologyKey, ni.labels[c.topologyKey] ?? '');
      if (!pairCounts.has(k)) {
        pairCounts.set(k, 0);
        topoSize[i]++;
      }
    });
  }
  const weights = constraints.map((c, i) => Math.log((c.topologyKey === LABEL_HOSTNAME ? filtered.length - ignoredNodes.size : topoSize[i]) + 2));
  const required = new RequiredNodeAffinity(pod.pod);
  for (const ni of all) {
    if (requireAll && !nodeHasAllKeys(ni.labels, constraints)) continue;
    for (const c of constraints) {
      if (!nodeIncluded(c, pod.pod, ni, required)) continue;
      const k = pair(c.topologyKey, ni.labels[c.topologyKey] ?? '');
      const cur = pairCounts.get(k);
      if (cur === undefined) continue;
      pairCounts.set(k, cur + countMatching(ni.pods.values(), c.selector, pod.namespace));
    }
  }
  return { constraints, ignoredNodes, pairCounts, weights };
}

/** Score: Σ over constraints of matching·weight + (maxSkew − 1), rounded. */
export function scoreNode(s: ScoreState, pod: PodInfo, node: NodeInfo): number {
  if (s.ignoredNodes.has(node.name)) return 0;
  let score = 0;
  s.constraints.forEach((c, i) => {
    const v = node.labels[c.topologyKey];
    if (v === undefined) return;
    const cnt = c.topologyKey === LABEL_HOSTNAME ? countMatching(node.pods.values(), c.selector, pod.namespace) : (s.pairCounts.get(pair(c.topologyKey, v)) ?? 0);
    score += cnt * s.weights[i] + (c.maxSkew - 1);
  });
  return Math.round(score);
}

/** NormalizeScore: fewer matching pods → higher; ignored nodes get 0. */
export function normalize(s: ScoreState, scores: NodeScore[]): void {
  let min = Infinity;
  let max = 0;
  for (const sc of scores) {
    if (s.ignoredNodes.has(sc.node.name)) continue;
    if (sc.score < min) min = sc.score;
    if (sc.score > max) max = sc.score;
  }
  for (const sc of scores) {
    if (s.ignoredNodes.has(sc.node.name)) sc.score = 0;
    else if (max === 0) sc.score = MAX_NODE_SCORE;
    else sc.score = Math.trunc((MAX_NODE_SCORE * (max + min - sc.score)) / max);
  }
}

const FILTER_KEY = new StateKey<FilterState>(`PreFilter${NAME}`);
const SCORE_KEY = new StateKey<ScoreState>(`PreScore${NAME}`);

function constraints(pod: PodInfo, action: 'DoNotSchedule' | 'ScheduleAnyway', cluster: ClusterView): SpreadConstraint[] {
  return constraintsFor(pod, action, () => cluster.defaultSelector(pod.pod));
}

export function podTopologySpreadPlugin(handle: Handle): AnyPlugin {
  const cluster = handle.cluster;
  return {
    name: NAME,
    preFilter: (state, pod) => {
      let cs: SpreadConstraint[];
      try {
        cs = constraints(pod, 'DoNotSchedule', cluster);
      } catch (e) {
        if (e instanceof ApiError) return errorStatus(`obtaining pod's hard topology spread constraints: ${e.message}`);
        throw e;
      }
      if (cs.length === 0) return SKIP;
      state.write(FILTER_KEY, computeFilterState(pod, cs, cluster.nodeInfos()));
      return undefined;
    },
    filter: (state, pod, node) => {
      const s = state.read(FILTER_KEY);
      if (!s) return undefined;
      const r = fits(s, pod, node.labels);
      if (r === 'missing-label') return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
      return r === 'skew' ? unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH) : undefined;
    },
    preScore: (state, pod, nodes) => {
      let cs: SpreadConstraint[];
      try {
        cs = constraints(pod, 'ScheduleAnyway', cluster);
      } catch (e) {
        if (e instanceof ApiError) return errorStatus(`obtaining pod's soft topology spread constraints: ${e.message}`);
        throw e;
      }
      if (cs.length === 0 || nodes.length === 0) return SKIP;
      const requireAll = (pod.pod.spec?.topologySpreadConstraints ?? []).length > 0;
      state.write(SCORE_KEY, computeScoreState(pod, cs, nodes, cluster.nodeInfos(), requireAll));
      return undefined;
    },
    score: (state, pod, node) => {
      const s = state.read(SCORE_KEY);
      return s ? scoreNode(s, pod, node) : 0;
    },
    normalizeScore: (state, _pod, scores) => {
      const s = state.read(SCORE_KEY);
      if (s) normalize(s, scores);
    },
    eventsToRegister: () => [
      {
        resource: 'AssignedPod',
        actions: Action.Add | Action.UpdatePodLabel | Action.Delete,
        hint: (pod, oldPod, newPod) => {
          const own = pod.pod.spec?.topologySpreadConstraints ?? [];
          if (newPod && !podMatchesConstraints(newPod, pod.namespace, own)) return 'QueueSkip';
          if (oldPod && !podMatchesConstraints(oldPod, pod.namespace, own)) return 'QueueSkip';
          return 'Queue';
        },
      },
      {
        resource: 'Node',
        actions: Action.Add | Action.Delete | Action.UpdateNodeLabel | Action.UpdateNodeTaint,
        hint: (pod, oldNode, newNode) => {
          const n = newNode ?? oldNode;
          if (!n) return 'QueueSkip';
          let cs: SpreadConstraint[];
          try {
            cs = constraints(pod, 'DoNotSchedule', cluster);
          } catch (e) {
            if (e instanceof ApiError) return 'QueueSkip';
            throw e;
          }
          return nodeHasAllKeys(nodeLabels(n), cs) ? 'Queue' : 'QueueSkip';
        },
      },
    ],
  };
}
