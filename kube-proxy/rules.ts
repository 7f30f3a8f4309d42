import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Ipv4Cidr } from './cidr.js';

/** One backend a connection can go to. */
export interface Backend {
  ip: string;
  port: number;
  /** pod name from targetRef, for logs and tests */
  pod?: string;
}

export type Protocol = 'TCP' | 'UDP';

/** What kube-proxy must serve for one Service port on one local address and port. */
export interface PortRule {
  /** `<host>:<hostPort>` for TCP, `<host>:<hostPort>/UDP` for UDP — what the forwarder is keyed by */
  listenKey: string;
  /** the address the socket binds: the NodePort bind address, or the Service's ClusterIP */
  host: string;
  /** the port the socket binds on `host` (node port, LoadBalancer port or Service port) */
  hostPort: number;
  protocol: Protocol;
  service: string; // namespace/name
  portName: string;
  kind: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  backends: Backend[];
  /** ClientIP session affinity timeout in seconds, when enabled */
  affinitySeconds: number | undefined;
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const DEFAULT_AFFINITY_SECONDS = 10800;

/**
 * The rules for one Service from its EndpointSlices (pure; the level-triggered sync calls it with what
 * the listers hold now). Only ready endpoints receive new connections. TCP and UDP ports (SCTP is not
 * served). NodePort and LoadBalancer ports bind on `bindHost`; with `serviceCIDR` set, every Service
 * with a ClusterIP inside it also gets one rule per port on `<clusterIP>:<port>` (headless and
 * ExternalName Services get none).
 */
export function rulesForService(svc: Service, slices: EndpointSlice[], bindHost: string, serviceCIDR?: Ipv4Cidr): PortRule[] {
  const spec = svc.spec;
  const type = spec?.type ?? 'ClusterIP';
  if (type === 'ExternalName') return [];
  const clusterIP = spec?.clusterIP && serviceCIDR?.contains(spec.clusterIP) ? spec.clusterIP : undefined;
  const external = type === 'NodePort' || type === 'LoadBalancer';
  if (!clusterIP && !external) return [];
  const key = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
  const affinitySeconds =
    spec?.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : undefined;
  const rules: PortRule[] = [];
  for (const port of spec?.ports ?? []) {
    const protocol = port.protocol ?? 'TCP';
    if (protocol !== 'TCP' && protocol !== 'UDP') continue;
    const backends = backendsFor(port, slices);
    const base = { protocol, service: key, portName: port.name ?? '', backends, affinitySeconds } as const;
    const at = (host: string, hostPort: number) => ({ listenKey: listenKeyOf(host, hostPort, protocol), host, hostPort });
    if (clusterIP) rules.push({ ...at(clusterIP, port.port), ...base, kind: 'ClusterIP' });
    if (external && port.nodePort) rules.push({ ...at(bindHost, port.nodePort), ...base, kind: 'NodePort' });
    if (type === 'LoadBalancer' && hasLoadBalancerIngress(svc)) rules.push({ ...at(bindHost, port.port), ...base, kind: 'LoadBalancer' });
  }
  return rules;
}

export function listenKeyOf(host: string, port: number, protocol: Protocol): string {
  return protocol === 'TCP' ? `${host}:${port}` : `${host}:${port}/${protocol}`;
}

function hasLoadBalancerIngress(svc: Service): boolean {
  return (svc.status?.loadBalancer?.ingress ?? []).length > 0;
}

/** Ready endpoints of the slices whose port name and protocol match the Service port's. */
export function backendsFor(port: ServicePort, slices: EndpointSlice[]): Backend[] {
  const name = port.name ?? '';
  const protocol = port.protocol ?? 'TCP';
  const out: Backend[] = [];
  const seen = new Set<string>();
  for (const slice of slices) {
    if (slice.addressType && slice.addressType !== 'IPv4') continue;
    const sp = (slice.ports ?? []).find((p) => (p.name ?? '') === name && (p.protocol ?? 'TCP') === protocol);
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
