/**
 * The scheduling framework's plugin interfaces (upstream pkg/scheduler/framework/interface.go), reduced to the
 * extension points kubemu's plugins use: PreFilter → Filter → (PostFilter) → PreScore → Score → NormalizeScore.
 * A plugin implements any subset; the profile decides which run and with which score weight.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Selector } from '../../api/labels.js';
import type { NodeInfo } from '../cache/node-info.js';
import type { PodInfo } from '../cache/pod-info.js';
import type { NamespaceLabels } from './affinity-terms.js';
import type { ClusterEventWithHint } from './cluster-event.js';
import type { Status } from './status.js';

/** Highest score a plugin may give a node after normalisation (framework.MaxNodeScore). */
export const MAX_NODE_SCORE = 100;

/** A typed key into the cycle state, so each plugin reads back exactly what it wrote. */
export class StateKey<T> {
  declare private readonly brand: T;
  constructor(readonly name: string) {}
}

/** Per-attempt scratch space shared by a plugin's extension points (framework.CycleState). */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Plugins whose PreFilter returned Skip: their Filter is not run. */
  readonly skipFilter = new Set<string>();
  /** Plugins whose PreScore returned Skip: their Score is not run. */
  readonly skipScore = new Set<string>();

  write<T>(key: StateKey<T>, value: T): void {
    this.data.set(key.name, value);
  }

  read<T>(key: StateKey<T>): T | undefined {
    return this.data.get(key.name) as T | undefined;
  }
}

/** What plugins can see of the cluster: the scheduler cache plus a few listers. */
export interface ClusterView {
  /** Every node with a Node object (bound and assumed pods counted). */
  nodeInfos(): readonly NodeInfo[];
  nodeInfo(name: string): NodeInfo | undefined;
  nodesWithAffinityPods(): readonly NodeInfo[];
  namespaceLabels: NamespaceLabels;
  /** Labels of the Services / ReplicaSets / StatefulSets that select or own the pod (helper.DefaultSelector). */
  defaultSelector(pod: Pod): Selector;
}

export interface Handle {
  cluster: ClusterView;
}

export interface Plugin {
  readonly name: string;
}

export interface PreFilterPlugin extends Plugin {
  /** May return Skip (its Filter is then not run for this pod), a rejection, or undefined for success. */
  preFilter(state: CycleState, pod: PodInfo): Status | undefined;
}

export interface FilterPlugin extends Plugin {
  /** undefined when the pod fits the node. */
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | undefined;
}

export interface NodeScore {
  readonly node: NodeInfo;
  score: number;
}

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Rescales raw scores into [0, MAX_NODE_SCORE]; absent when scores already are. */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: NodeScore[]): void;
}

export interface EnqueueExtensions extends Plugin {
  /** The events that could make a pod this plugin rejected schedulable. */
  eventsToRegister(): ClusterEventWithHint[];
}

export type AnyPlugin = Plugin &
  Partial<PreFilterPlugin> &
  Partial<FilterPlugin> &
  Partial<PreScorePlugin> &
  Partial<ScorePlugin> &
  Partial<EnqueueExtensions>;

export type PluginFactory = (handle: Handle) => AnyPlugin;
