/**
 * NodeAffinity: `spec.nodeSelector` and required node affinity (In, NotIn, Exists, DoesNotExist, Gt, Lt and
 * matchFields on metadata.name) filter nodes; preferred node affinity adds the weights of matching terms.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { Action } from '../../framework/cluster-event.js';
import { PreferredSchedulingTerms, RequiredNodeAffinity, type NodeLike } from '../../framework/node-affinity.js';
import { defaultNormalizeScore } from '../../framework/normalize.js';
import { SKIP, unresolvable } from '../../framework/status.js';
import { StateKey, type AnyPlugin } from '../../framework/types.js';

export const NAME = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";

/** Whether the pod's nodeSelector and required node affinity allow the node. */
export function fits(pod: Pod, node: NodeLike): boolean {
  return new RequiredNodeAffinity(pod).matches(node);
}

/** Raw score: the summed weights of the preferred terms the node matches. */
export function score(pod: Pod, node: NodeLike): number {
  return new PreferredSchedulingTerms(pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).score(node);
}

function hasRequired(pod: Pod): boolean {
  return !!pod.spec?.nodeSelector || !!pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
}

function nodeLike(n: Node): NodeLike {
  return { name: n.metadata?.name ?? '', labels: n.metadata?.labels ?? {} };
}

const FILTER_KEY = new StateKey<RequiredNodeAffinity>(`PreFilter${NAME}`);
const SCORE_KEY = new StateKey<PreferredSchedulingTerms>(`PreScore${NAME}`);

export function nodeAffinityPlugin(): AnyPlugin {
  return {
    name: NAME,
    preFilter: (state, pod) => {
      if (!hasRequired(pod.pod)) return SKIP;
      state.write(FILTER_KEY, new RequiredNodeAffinity(pod.pod));
      return undefined;
    },
    filter: (state, pod, node) => {
      const req = state.read(FILTER_KEY) ?? new RequiredNodeAffinity(pod.pod);
      return req.matches(node) ? undefined : unresolvable(ERR_REASON_POD);
    },
    preScore: (state, pod) => {
      const terms = new PreferredSchedulingTerms(pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []);
      if (terms.size === 0) return SKIP;
      state.write(SCORE_KEY, terms);
      return undefined;
    },
    score: (state, _pod, node) => state.read(SCORE_KEY)?.score(node) ?? 0,
    normalizeScore: (_state, _pod, scores) => defaultNormalizeScore(scores, false),
    eventsToRegister: () => [
      {
        resource: 'Node',
        actions: Action.Add | Action.UpdateNodeLabel,
        // Queue when the node now matches and did not before (or is new).
        hint: (pod, oldNode, newNode) => {
          if (!newNode) return 'QueueSkip';
          const req = new RequiredNodeAffinity(pod.pod);
          if (!req.matches(nodeLike(newNode))) return 'QueueSkip';
          return !oldNode || !req.matches(nodeLike(oldNode)) ? 'Queue' : 'QueueSkip';
        },
      },
    ],
  };
}
