/**
 * Runs a profile's plugins (upstream framework/runtime/framework.go): PreFilter (Skip → that plugin's Filter is
 * not run), Filter (stops at the first plugin rejecting a node), PreScore, Score → NormalizeScore → × weight.
 * It also answers the queue's question "could this cluster event help a pod these plugins rejected?".
 */
import type { NodeInfo } from '../cache/node-info.js';
import type { PodInfo } from '../cache/pod-info.js';
import { eventHelps, type ClusterEvent, type ClusterEventWithHint } from './cluster-event.js';
import type { Profile } from './profile.js';
import type { Registry } from './registry.js';
import { errorStatus, isRejected, withPlugin, type Status } from './status.js';
import {
  MAX_NODE_SCORE,
  type AnyPlugin,
  type CycleState,
  type FilterPlugin,
  type Handle,
  type NodeScore,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
} from './types.js';

interface WeightedScorePlugin {
  plugin: ScorePlugin;
  weight: number;
}

export interface NodeTotalScore {
  node: NodeInfo;
  total: number;
}

export class Framework {
  readonly profile: Profile;
  private readonly preFilterPlugins: PreFilterPlugin[] = [];
  private readonly filterPlugins: FilterPlugin[] = [];
  private readonly preScorePlugins: PreScorePlugin[] = [];
  private readonly scorePlugins: WeightedScorePlugin[] = [];
  private readonly events = new Map<string, ClusterEventWithHint[]>();

  constructor(profile: Profile, registry: Registry, handle: Handle) {
    this.profile = profile;
    for (const cfg of profile.plugins) {
      const factory = registry[cfg.name];
      if (!factory) throw new Error(`scheduler profile ${profile.schedulerName}: plugin "${cfg.name}" does not exist`);
      const p: AnyPlugin = factory(handle);
      const pf = p.preFilter;
      if (pf) this.preFilterPlugins.push({ name: p.name, preFilter: pf.bind(p) });
      const f = p.filter;
      if (f) this.filterPlugins.push({ name: p.name, filter: f.bind(p) });
      const ps = p.preScore;
      if (ps) this.preScorePlugins.push({ name: p.name, preScore: ps.bind(p) });
      const s = p.score;
      if (s) this.scorePlugins.push({ plugin: { name: p.name, score: s.bind(p), normalizeScore: p.normalizeScore?.bind(p) }, weight: cfg.weight ?? 1 });
      if (p.eventsToRegister) this.events.set(p.name, p.eventsToRegister());
    }
  }

  get schedulerName(): string {
    return this.profile.schedulerName;
  }

  hasFilterPlugins(): boolean {
    return this.filterPlugins.length > 0;
  }

  /** undefined on success; a rejection or error carries the plugin's name. */
  runPreFilter(state: CycleState, pod: PodInfo): Status | undefined {
    for (const p of this.preFilterPlugins) {
      const s = p.preFilter(state, pod);
      if (!s) continue;
      if (s.code === 'Skip') {
        state.skipFilter.add(p.name);
        continue;
      }
      if (isRejected(s)) return withPlugin(s, p.name);
      return withPlugin(errorStatus(`running PreFilter plugin "${p.name}": ${s.reasons.join(', ')}`), p.name);
    }
    return undefined;
  }

  /** The first plugin's rejection of `node`, or undefined when the pod fits. */
  runFilter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
    for (const p of this.filterPlugins) {
      if (state.skipFilter.size > 0 && state.skipFilter.has(p.name)) continue;
      const s = p.filter(state, pod, node);
      if (!s) continue;
      if (isRejected(s)) return withPlugin(s, p.name);
      return withPlugin(errorStatus(`running "${p.name}" filter plugin: ${s.reasons.join(', ')}`), p.name);
    }
    return undefined;
  }

  /** PreScore, Score, NormalizeScore and weights over the feasible nodes. Throws the message of an error status. */
  runScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): NodeTotalScore[] {
    const totals: NodeTotalScore[] = nodes.map((node) => ({ node, total: 0 }));
    if (this.scorePlugins.length === 0) {
      for (const t of totals) t.total = 1;
      return totals;
    }
    for (const p of this.preScorePlugins) {
      const s = p.preScore(state, pod, nodes);
      if (!s) continue;
      if (s.code === 'Skip') state.skipScore.add(p.name);
      else throw new Error(`running PreScore plugin "${p.name}": ${s.reasons.join(', ')}`);
    }
    for (const { plugin, weight } of this.scorePlugins) {
      if (state.skipScore.has(plugin.name)) continue;
      const scores: NodeScore[] = nodes.map((node) => ({ node, score: plugin.score(state, pod, node) }));
      plugin.normalizeScore?.(state, pod, scores);
      for (let i = 0; i < scores.length; i++) {
        const v = scores[i].score;
        if (v > MAX_NODE_SCORE || v < 0 || !Number.isFinite(v)) {
          throw new Error(`plugin "${plugin.name}" returns an invalid score ${v}, it should in the range of [0, ${MAX_NODE_SCORE}] after normalizing`);
        }
        totals[i].total += v * weight;
      }
    }
    return totals;
  }

  /** Whether `event` might make schedulable a pod rejected by `rejectors` (any rejector's hint says Queue). */
  eventMayHelp(rejectors: ReadonlySet<string>, pod: PodInfo, event: ClusterEvent): boolean {
    if (event.resource === 'WildCard') return true;
    for (const name of rejectors) {
      for (const reg of this.events.get(name) ?? []) if (eventHelps(reg, event, pod)) return true;
    }
    return false;
  }
}
