import type { Pod, Toleration } from 'kubernetes-types/core/v1.js';
import type { DeepMutable, StoredObject } from '../../api/object.js';
import type { Strategy } from '../registry/strategy.js';

/** Upstream's default for --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds. */
export const DEFAULT_TOLERATION_SECONDS = 300;

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

/** Whether a toleration covers NoExecute taints with `key` (an empty key or effect matches every one). */
function covers(t: Toleration, key: string): boolean {
  return (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute');
}

/**
 * Upstream's DefaultTolerationSeconds admission (plugin/pkg/admission/defaulttolerationseconds): a pod that does
 * not tolerate the node.kubernetes.io/not-ready or /unreachable NoExecute taints gets a toleration of `seconds`
 * for each, so the taint-eviction controller evicts it that long after its node failed.
 */
export function addDefaultTolerations(pod: DeepMutable<Pod>, seconds: number): void {
  const spec = pod.spec;
  if (!spec) return;
  const tolerations = spec.tolerations ?? [];
  const next = [...tolerations];
  if (!tolerations.some((t) => covers(t, NOT_READY))) {
    next.push({ key: NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  }
  if (!tolerations.some((t) => covers(t, UNREACHABLE))) {
    next.push({ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  }
  if (next.length !== tolerations.length) spec.tolerations = next;
}

/** The pod strategy with the admission step on create (after defaulting, before validation). */
export function withDefaultTolerations(strategy: Strategy, seconds: number): Strategy {
  return {
    ...strategy,
    prepareForCreate: (obj: StoredObject) => {
      strategy.prepareForCreate(obj);
      addDefaultTolerations(obj as unknown as DeepMutable<Pod>, seconds);
    },
  };
}
