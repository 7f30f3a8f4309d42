import type { LoadBalancerIngress, Service } from 'kubernetes-types/core/v1.js';

/**
 * The ingress a Service should report, or undefined when its status is already right (pure).
 * LoadBalancer Services get the host address; other types must not keep an ingress.
 */
export function desiredIngress(svc: Service, address: string): LoadBalancerIngress[] | undefined {
  const current = svc.status?.loadBalancer?.ingress ?? [];
  if (svc.spec?.type === 'LoadBalancer') {
    const ok = current.length === 1 && current[0].ip === address && current[0].hostname === undefined;
    return ok ? undefined : [{ ip: address, ipMode: 'VIP' }];
  }
  return current.length ? [] : undefined;
}
