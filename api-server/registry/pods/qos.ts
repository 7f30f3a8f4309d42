import type { Container, Pod } from 'kubernetes-types/core/v1.js';

/** The pod's QoS class as upstream's qos.GetPodQOS computes it (cpu and memory only). */
export function podQOSClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let anySet = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      const rq = req[r];
      const lm = lim[r];
      if (rq !== undefined || lm !== undefined) anySet = true;
      if (lm === undefined) guaranteed = false;
      else if (rq !== undefined && String(rq) !== String(lm)) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
