/**
 * Writes the PodScheduled condition of pods that could not be scheduled (upstream updatePod +
 * podutil.UpdatePodCondition): nothing is written when status, reason and message are unchanged, and
 * lastTransitionTime only moves when the status does.
 */
import type { Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../api/errors.js';
import type { RestClient } from '../client/rest.js';
import { formatTime } from '../client/events.js';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { PODS } from './binder.js';

export interface PodConditionWriter {
  /** Best effort: failures are logged. */
  setPodScheduled(pod: Pod, status: 'True' | 'False', reason: string, message: string): Promise<void>;
}

/** The pod's conditions with PodScheduled replaced, or undefined when nothing would change. */
export function withPodScheduled(pod: Pod, status: string, reason: string, message: string, now: string): PodCondition[] | undefined {
  const conds = pod.status?.conditions ?? [];
  const cur = conds.find((c) => c.type === 'PodScheduled');
  if (cur && cur.status === status && (cur.reason ?? '') === reason && (cur.message ?? '') === message) return undefined;
  const next: PodCondition = {
    type: 'PodScheduled',
    status,
    lastProbeTime: null as unknown as string,
    lastTransitionTime: cur && cur.status === status && cur.lastTransitionTime ? cur.lastTransitionTime : now,
    reason,
    message,
  };
  return cur ? conds.map((c) => (c.type === 'PodScheduled' ? next : c)) : [...conds, next];
}

export function restPodConditionWriter(rest: RestClient, clock: Clock, log: Logger): PodConditionWriter {
  const patch = async (pod: Pod, conditions: PodCondition[]): Promise<void> => {
    const body = { metadata: { resourceVersion: pod.metadata?.resourceVersion }, status: { conditions } };
    await rest.patch(PODS, pod.metadata?.namespace, pod.metadata?.name ?? '', 'merge', body, { subresource: 'status' });
  };
  return {
    setPodScheduled: async (pod, status, reason, message) => {
      const ns = pod.metadata?.namespace;
      const name = pod.metadata?.name ?? '';
      let current = pod;
      for (let attempt = 0; attempt < 3; attempt++) {
        if (current.spec?.nodeName || current.metadata?.uid !== pod.metadata?.uid) return;
        const conditions = withPodScheduled(current, status, reason, message, formatTime(clock.now()));
        if (!conditions) return;
        try {
          await patch(current, conditions);
          return;
        } catch (e) {
          if (isApiError(e, 'NotFound')) return;
          if (!isApiError(e, 'Conflict')) {
            log.warn({ pod: `${ns}/${name}`, err: e instanceof Error ? e.message : String(e) }, 'failed to update pod condition');
            return;
          }
        }
        try {
          current = await rest.get<Pod>(PODS, ns, name);
        } catch (e) {
          if (!isApiError(e, 'NotFound')) log.warn({ pod: `${ns}/${name}`, err: e instanceof Error ? e.message : String(e) }, 'failed to re-read pod');
          return;
        }
      }
    },
  };
}
