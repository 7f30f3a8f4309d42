/**
 * InterPodAffinity: required pod affinity (some pod matching all terms must be in the node's topology domain),
 * required anti-affinity (no pod matching a term may be there) — both the incoming pod's and existing pods'
 * terms against the incoming pod — and the preferred terms as a score, normalised min–max to 0–100.
 * Topology domains are node label values (e.g. kubernetes.io/hostname, topology.kubernetes.io/zone).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { NodeInfo } from '../../cache/node-info.js';
import type { PodInfo } from '../../cache/pod-info.js';
import { podMatchesAllTerms, termMatches, type AffinityTerm, type NamespaceLabels, type WeightedAffinityTerm } from '../../framework/affinity-terms.js';
import { Action } from '../../framework/cluster-event.js';
import { SKIP, unresolvable, unschedulable, type Status } from '../../framework/status.js';
import { MAX_NODE_SCORE, StateKey, type AnyPlugin, type ClusterView, type Handle } from '../../framework/types.js';

export const NAME = 'InterPodAffinity';
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
/** args.hardPodAffinityWeight default. */
export const HARD_POD_AFFINITY_WEIGHT = 1;

/** topology pair (key, value) → number of matching terms/pods. */
export type TopologyCounts = Map<string, number>;

function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function bump(m: TopologyCounts, labels: Readonly<Record<string, string>>, key: string, by: number): void {
  const v = labels[key];
  if (v === undefined) return;
  const k = pairKey(key, v);
  const n = (m.get(k) ?? 0) + by;
  if (n === 0) m.delete(k);
  else m.set(k, n);
}

export interface AffinityState {
  pod: PodInfo;
  /** Domains where an existing pod's required anti-affinity term matches the incoming pod. */
  existingAntiAffinityCounts: TopologyCounts;
  /** Domains holding a pod that matches all the incoming pod's required affinity terms. */
  affinityCounts: TopologyCounts;
  /** Domains holding a pod matching one of the incoming pod's required anti-affinity terms. */
  antiAffinityCounts: TopologyCounts;
}

/** PreFilter: counts over the cluster (upstream getExistingAntiAffinityCounts / getIncomingAffinityAntiAffinityCounts). */
export function computeAffinityState(pod: PodInfo, cluster: ClusterView): AffinityState {
  const ns = cluster.namespaceLabels;
  const existingAntiAffinityCounts: TopologyCounts = new Map();
  for (const ni of cluster.nodesWithAffinityPods()) {
    for (const existing of ni.podsWithRequiredAntiAffinity) {
      for (const t of existing.terms.requiredAntiAffinity) {
        if (termMatches(t, pod.pod, ns)) bump(existingAntiAffinityCounts, ni.labels, t.topologyKey, 1);
      }
    }
  }
  const affinityCounts: TopologyCounts = new Map();
  const antiAffinityCounts: TopologyCounts = new Map();
  const { requiredAffinity, requiredAntiAffinity } = pod.terms;
  if (requiredAffinity.length > 0 || requiredAntiAffinity.length > 0) {
    for (const ni of cluster.nodeInfos()) {
      for (const existing of ni.pods.values()) {
        if (podMatchesAllTerms(requiredAffinity, existing.pod, ns)) {
          for (const t of requiredAffinity) bump(affinityCounts, ni.labels, t.topologyKey, 1);
        }
        for (const t of requiredAntiAffinity) {
          if (termMatches(t, existing.pod, ns)) bump(antiAffinityCounts, ni.labels, t.topologyKey, 1);
        }
      }
    }
  }
  return { pod, existingAntiAffinityCounts, affinityCounts, antiAffinityCounts };
}

/** satisfyPodAffinity, including the "first pod of a self-affine series" exception. */
export function satisfiesPodAffinity(s: AffinityState, labels: Readonly<Record<string, string>>, ns: NamespaceLabels): boolean {
  let podsExist = true;
  for (const t of s.pod.terms.requiredAffinity) {
    const v = labels[t.topologyKey];
    if (v === undefined) return false;
    if ((s.affinityCounts.get(pairKey(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  return s.affinityCounts.size === 0 && podMatchesAllTerms(s.pod.terms.requiredAffinity, s.pod.pod, ns);
}

export function satisfiesPodAntiAffinity(s: AffinityState, labels: Readonly<Record<string, string>>): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  for (const t of s.pod.terms.requiredAntiAffinity) {
    const v = labels[t.topologyKey];
    if (v !== undefined && (s.antiAffinityCounts.get(pairKey(t.topologyKey, v)) ?? 0) > 0) return false;
  }
  return true;
}

export function satisfiesExistingPodsAntiAffinity(s: AffinityState, labels: Readonly<Record<string, string>>): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const [k, v] of Object.entries(labels)) if ((s.existingAntiAffinityCounts.get(pairKey(k, v)) ?? 0) > 0) return false;
  return true;
}

/** Filter: undefined when the node's labels satisfy every rule, else the first failing rule's status. */
export function fits(s: AffinityState, labels: Readonly<Record<string, string>>, ns: NamespaceLabels): Status | undefined {
  if (!satisfiesPodAffinity(s, labels, ns)) return unresolvable(ERR_REASON_AFFINITY);
  if (!satisfiesPodAntiAffinity(s, labels)) return unschedulable(ERR_REASON_ANTI_AFFINITY);
  if (!satisfiesExistingPodsAntiAffinity(s, labels)) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
  return undefined;
}

/** topology key → value → score contribution (upstream scoreMap). */
export type TopologyScore = Map<string, Map<string, number>>;

function addTermScore(m: TopologyScore, t: AffinityTerm, weight: number, pod: Pod, ns: NamespaceLabels, node: NodeInfo, sign: number): void {
  if (!termMatches(t, pod, ns)) return;
  const v = node.labels[t.topologyKey];
  if (v === undefined) return;
  let byValue = m.get(t.topologyKey);
  if (!byValue) m.set(t.topologyKey, (byValue = new Map<string, number>()));
  byValue.set(v, (byValue.get(v) ?? 0) + weight * sign);
}

function addTermsScore(m: TopologyScore, terms: readonly WeightedAffinityTerm[], pod: Pod, ns: NamespaceLabels, node: NodeInfo, sign: number): void {
  for (const t of terms) addTermScore(m, t, t.weight, pod, ns, node, sign);
}

/** PreScore: upstream processExistingPod over every relevant pod. Empty result = nothing to score. */
export function computeTopologyScore(pod: PodInfo, cluster: ClusterView): TopologyScore {
  const ns = cluster.namespaceLabels;
  const { preferredAffinity, preferredAntiAffinity } = pod.terms;
  const hasConstraints = preferredAffinity.length > 0 || preferredAntiAffinity.length > 0;
  const nodes = hasConstraints ? cluster.nodeInfos() : cluster.nodesWithAffinityPods();
  const m: TopologyScore = new Map();
  for (const ni of nodes) {
    if (Object.keys(ni.labels).length === 0) continue;
    const pods = hasConstraints ? ni.pods.values() : ni.podsWithAffinity.values();
    for (const existing of pods) {
      addTermsScore(m, preferredAffinity, existing.pod, ns, ni, 1);
      addTermsScore(m, preferredAntiAffinity, existing.pod, ns, ni, -1);
      for (const t of existing.terms.requiredAffinity) addTermScore(m, t, HARD_POD_AFFINITY_WEIGHT, pod.pod, ns, ni, 1);
      addTermsScore(m, existing.terms.preferredAffinity, pod.pod, ns, ni, 1);
      addTermsScore(m, existing.terms.preferredAntiAffinity, pod.pod, ns, ni, -1);
    }
  }
  return m;
}

export function scoreNode(m: TopologyScore, labels: Readonly<Record<string, string>>): number {
  let s = 0;
  for (const [key, values] of m) {
    const v = labels[key];
    if (v !== undefined) s += values.get(v) ?? 0;
  }
  return s;
}

const FILTER_KEY = new StateKey<AffinityState>(`PreFilter${NAME}`);
const SCORE_KEY = new StateKey<TopologyScore>(`PreScore${NAME}`);

function assigned(p: Pod | undefined): boolean {
  return !!p?.spec?.nodeName;
}

export function interPodAffinityPlugin(handle: Handle): AnyPlugin {
  const cluster = handle.cluster;
  return {
    name: NAME,
    preFilter: (state, pod) => {
      if (pod.terms.parseError) return unresolvable(`parsing pod: ${pod.terms.parseError}`);
      const s = computeAffinityState(pod, cluster);
      if (s.existingAntiAffinityCounts.size === 0 && pod.terms.requiredAffinity.length === 0 && pod.terms.requiredAntiAffinity.length === 0) {
        return SKIP;
      }
      state.write(FILTER_KEY, s);
      return undefined;
    },
    filter: (state, pod, node) => {
      return fits(state.read(FILTER_KEY) ?? computeAffinityState(pod, cluster), node.labels, cluster.namespaceLabels);
    },
    preScore: (state, pod) => {
      const m = computeTopologyScore(pod, cluster);
      if (m.size === 0) return SKIP;
      state.write(SCORE_KEY, m);
      return undefined;
    },
    score: (state, _pod, node) => scoreNode(state.read(SCORE_KEY) ?? new Map<string, Map<string, number>>(), node.labels),
    normalizeScore: (_state, _pod, scores) => {
      let min = Infinity;
      let max = -Infinity;
      for (const s of scores) {
        if (s.score > max) max = s.score;
        if (s.score < min) min = s.score;
      }
      const diff = max - min;
      for (const s of scores) s.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((s.score - min) / diff)) : 0;
    },
    eventsToRegister: () => [
      {
        resource: 'AssignedPod',
        actions: Action.Add | Action.UpdatePodLabel | Action.Delete,
        hint: (pod, oldPod, newPod) => {
          if ((newPod && !assigned(newPod)) || (oldPod && !assigned(oldPod))) return 'QueueSkip';
          const ns = cluster.namespaceLabels;
          const { requiredAffinity: aff, requiredAntiAffinity: anti } = pod.terms;
          if (oldPod && newPod) {
            if (!podMatchesAllTerms(aff, oldPod, ns) && podMatchesAllTerms(aff, newPod, ns)) return 'Queue';
            if (podMatchesAllTerms(anti, oldPod, ns) && !podMatchesAllTerms(anti, newPod, ns)) return 'Queue';
            return 'QueueSkip';
          }
          if (newPod) return podMatchesAllTerms(aff, newPod, ns) ? 'Queue' : 'QueueSkip';
          // Deleted: it may have been the pod blocking us, either by our anti-affinity or by its own.
          if (!oldPod) return 'QueueSkip';
          if (anti.some((t) => termMatches(t, oldPod, ns))) return 'Queue';
          return (oldPod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).length > 0 ? 'Queue' : 'QueueSkip';
        },
      },
      { resource: 'Node', actions: Action.Add | Action.UpdateNodeLabel },
    ],
  };
}
