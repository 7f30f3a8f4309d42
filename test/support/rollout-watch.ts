/**
 * Watches a Deployment's pods during a rollout and checks the RollingUpdate bounds at every event, counted as
 * upstream's deployment controller counts them: only non-terminating pods (no deletionTimestamp, not Succeeded
 * or Failed) exist; a pod is available when it has been Ready for at least minReadySeconds.
 *   total pods      ≤ replicas + maxSurge
 *   available pods  ≥ replicas − maxUnavailable
 * Availability only falls at an event (a pod deleted or turning unready) and only rises with time otherwise, so
 * checking at every event checks every moment.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { RestClient } from '../../client/rest.js';
import { PODS } from './kubelet.js';

export interface RolloutBounds {
  replicas: number;
  maxSurge: number;
  maxUnavailable: number;
  minReadySeconds: number;
}

export interface RolloutWatch {
  /** Every violation seen ("event N (TYPE pod): …"); empty when the bounds held. */
  violations: string[];
  /** How many events were checked. */
  events(): number;
  /** The extremes seen: most pods at once, fewest available at once. */
  maxTotal(): number;
  minAvailable(): number;
  stop(): Promise<void>;
}

function terminating(p: Pod): boolean {
  return p.metadata?.deletionTimestamp != null || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

function availableAt(p: Pod, nowMs: number, minReadySeconds: number): boolean {
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds === 0) return true;
  const since = Date.parse(ready.lastTransitionTime ?? '');
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= nowMs;
}

/** Lists the pods matching `labelSelector`, then watches them from that list and checks `bounds` at every event. */
export async function watchRollout(rest: RestClient, namespace: string, labelSelector: string, bounds: RolloutBounds): Promise<RolloutWatch> {
  const list = await rest.list<Pod>(PODS, namespace, { labelSelector });
  const pods = new Map<string, Pod>();
  for (const p of list.items) pods.set(p.metadata?.uid ?? '', p);
  const violations: string[] = [];
  let count = 0;
  let maxTotal = 0;
  let minAvailable = Number.POSITIVE_INFINITY;
  const check = (what: string): void => {
    const now = Date.now();
    const live = [...pods.values()].filter((p) => !terminating(p));
    const available = live.filter((p) => availableAt(p, now, bounds.minReadySeconds)).length;
    maxTotal = Math.max(maxTotal, live.length);
    minAvailable = Math.min(minAvailable, available);
    const names = live.map((p) => `${p.metadata?.name ?? ''}${availableAt(p, now, bounds.minReadySeconds) ? '*' : ''}`).join(' ');
    if (live.length > bounds.replicas + bounds.maxSurge) violations.push(`${what}: ${live.length} pods > ${bounds.replicas}+${bounds.maxSurge} [${names}]`);
    if (available < bounds.replicas - bounds.maxUnavailable) violations.push(`${what}: ${available} available < ${bounds.replicas}-${bounds.maxUnavailable} [${names}]`);
  };
  check('initial list');
  const abort = new AbortController();
  const done = (async () => {
    for await (const ev of rest.watch<Pod>(PODS, namespace, { labelSelector, resourceVersion: list.metadata?.resourceVersion }, abort.signal)) {
      const uid = ev.object.metadata?.uid ?? '';
      if (ev.type === 'DELETED') pods.delete(uid);
      else if (ev.type === 'ADDED' || ev.type === 'MODIFIED') pods.set(uid, ev.object);
      else continue;
      count++;
      check(`event ${count} (${ev.type} ${ev.object.metadata?.name ?? ''})`);
    }
    if (!abort.signal.aborted) violations.push(`the watch ended after ${count} events: the bounds were not checked to the end`);
  })();
  return {
    violations,
    events: () => count,
    maxTotal: () => maxTotal,
    minAvailable: () => minAvailable,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}
