import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

/** One backend a connection can go to. */
export interface Backend {
  ip: string;
  port: number;
  /** pod name from targetRef, for logs and tests */
  pod?: string;
}

/** What kube-proxy must serve for one Service port on one host port. */
export interface PortRule {
  /** `<bindHost>:<hostPort>` — what the listener is keyed by */
  listenKey: string;
  hostPort: number;
  service: string; // namespace/name
  portName: string;
  kind: 'NodePort' | 'LoadBalancer';
  backends: Backend[];
  /** ClientIP session affinity timeout in seconds, when enabled */
  affinitySeconds: number | undefined;
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const DEFAULT_AFFINITY_SECONDS = 10800;

/**
 * The rules for one Service from its EndpointSlices (pure; the level-triggered sync calls it with what
 * the listers hold now). Only ready endpoints receive new connections; TCP only.
 */
export function rulesForService(svc: Service, slices: EndpointSlice[], bindHost: string): PortRule[] {
  const spec = svc.spec;
  const type = spec?.type ?? 'ClusterIP';
  if (type !== 'NodePort' && type !== 'LoadBalancer') return [];
  const key = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
  const affinitySeconds =
    spec?.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : undefined;
  const rules: PortRule[] = [];
  for (const port of spec?.ports ?? []) {
    if ((port.protocol ?? 'TCP') !== 'TCP') continue;
    const backends = backendsFor(port, slices);
    const portName = port.name ?? '';
    if (port.nodePort) {
      rules.push({ listenKey: `${bindHost}:${port.nodePort}`, hostPort: port.nodePort, service: key, portName, kind: 'NodePort', backends, affinitySeconds });
    }
    if (type === 'LoadBalancer' && hasLoadBalancerIngress(svc)) {
      rules.push({ listenKey: `${bindHost}:${port.port}`, hostPort: port.port, service: key, portName, kind: 'LoadBalancer', backends, affinitySeconds });
    }
  }
  return rules;
}

function hasLoadBalancerIngress(svc: Service): boolean {
  return (svc.status?.loadBalancer?.ingress ?? []).length > 0;
}

/** Ready endpoints of the slices whose port name matches the Service port's name. */
export function backendsFor(port: ServicePort, slices: EndpointSlice[]): Backend[] {
  const name = port.name ?? '';
  const out: Backend[] = [];
  const seen = new Set<string>();
  for (const slice of slices) {
    if (slice.addressType && slice.addressType !== 'IPv4') continue;
    const sp = (slice.ports ?? []).find((p) => (p.name ?? '') === name && (p.protocol ?? 'TCP') === 'TCP');
    if (!sp?.port) continue;
    for (const ep of slice.endpoints ?? []) {
      // upstream: ready (or unset, which means ready) and not terminating
      if (ep.conditions?.ready === false || ep.conditions?.terminating === true) continue;
      for (const ip of ep.addresses) {
        const k = `${ip}:${sp.port}`;
        if (seen.has(k)) continue;
        seen.add(k);
        out.push({ ip, port: sp.port, pod: ep.targetRef?.kind === 'Pod' ? ep.targetRef.name : undefined });
      }
    }
  }
  return out.sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}
