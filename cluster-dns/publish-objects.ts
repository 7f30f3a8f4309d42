/**
 * The objects that publish the DNS server as cluster addon: Service kube-system/kube-dns (labels, ports and stable
 * ClusterIP of the upstream CoreDNS addon, but no selector: no pod backs it) and one EndpointSlice pointing at this
 * server, labelled so that kube-proxy finds it and the EndpointSlice controller leaves it alone (pure).
 */
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { SERVICE_NAME_LABEL } from './reverse.js';

export const KUBE_DNS_NAMESPACE = 'kube-system';
export const KUBE_DNS_NAME = 'kube-dns';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'cluster-dns.kubemu.io';

export const SERVICE_LABELS: Readonly<Record<string, string>> = {
  'k8s-app': 'kube-dns',
  'kubernetes.io/cluster-service': 'true',
  'kubernetes.io/name': 'CoreDNS',
};
const SERVICE_ANNOTATIONS: Readonly<Record<string, string>> = { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' };

export interface PublishConfig {
  /** spec.clusterIP of kube-dns (upstream 10.96.0.10). */
  clusterIP: string;
  /** The address kube-proxy forwards to. */
  address: string;
  dnsPort: number;
  /** Where /metrics is served. */
  metricsPort: number;
  /** Whether the server answers queries now. */
  ready: boolean;
  /** Suffix of the EndpointSlice name (kube-dns-<suffix>), e.g. the host name. */
  sliceSuffix: string;
}

const SERVICE_PORTS: ServicePort[] = [
  { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
  { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
  { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
];

export function sliceName(cfg: PublishConfig): string {
  const suffix = cfg.sliceSuffix.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `${KUBE_DNS_NAME}-${suffix || 'cluster-dns'}`;
}

export function desiredService(cfg: PublishConfig): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: KUBE_DNS_NAME, namespace: KUBE_DNS_NAMESPACE, labels: { ...SERVICE_LABELS }, annotations: { ...SERVICE_ANNOTATIONS } },
    spec: { type: 'ClusterIP', clusterIP: cfg.clusterIP, ports: SERVICE_PORTS.map((p) => ({ ...p })) },
  };
}

function samePorts(a: readonly ServicePort[] | undefined, b: readonly ServicePort[]): boolean {
  const key = (p: ServicePort): string => `${p.name ?? ''}/${p.port}/${p.protocol ?? 'TCP'}/${String(p.targetPort ?? p.port)}`;
  return (a ?? []).map(key).join(',') === b.map(key).join(',');
}

/** The existing Service changed to carry our labels, annotations and ports and no selector; undefined if it does. */
export function serviceUpdate(existing: Service): Service | undefined {
  const labels = existing.metadata?.labels ?? {};
  const annotations = existing.metadata?.annotations ?? {};
  const labelsOk = Object.entries(SERVICE_LABELS).every(([k, v]) => labels[k] === v);
  const annotationsOk = Object.entries(SERVICE_ANNOTATIONS).every(([k, v]) => annotations[k] === v);
  const portsOk = samePorts(existing.spec?.ports, SERVICE_PORTS);
  const selectorOk = !existing.spec?.selector || Object.keys(existing.spec.selector).length === 0;
  if (labelsOk && annotationsOk && portsOk && selectorOk) return undefined;
  const { selector: _selector, ...spec } = existing.spec ?? {};
  return {
    ...existing,
    metadata: { ...existing.metadata, labels: { ...labels, ...SERVICE_LABELS }, annotations: { ...annotations, ...SERVICE_ANNOTATIONS } },
    spec: { ...spec, ports: SERVICE_PORTS.map((p) => ({ ...p })) },
  };
}

function slicePorts(cfg: PublishConfig): EndpointPort[] {
  return [
    { name: 'dns', port: cfg.dnsPort, protocol: 'UDP' },
    { name: 'dns-tcp', port: cfg.dnsPort, protocol: 'TCP' },
    { name: 'metrics', port: cfg.metricsPort, protocol: 'TCP' },
  ];
}

export function desiredSlice(cfg: PublishConfig, svc: Service): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: sliceName(cfg),
      namespace: KUBE_DNS_NAMESPACE,
      labels: { ...SERVICE_LABELS, [SERVICE_NAME_LABEL]: KUBE_DNS_NAME, [MANAGED_BY_LABEL]: MANAGED_BY },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: KUBE_DNS_NAME, uid: svc.metadata?.uid ?? '' }],
    },
    addressType: cfg.address.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [cfg.address], conditions: { ready: cfg.ready, serving: cfg.ready, terminating: false } }],
    ports: slicePorts(cfg),
  };
}

/** The existing slice with the desired content; undefined when it already has it. */
export function sliceUpdate(existing: EndpointSlice, desired: EndpointSlice): EndpointSlice | undefined {
  const pick = (s: EndpointSlice): string =>
    JSON.stringify([s.addressType, s.endpoints, s.ports, s.metadata?.labels, (s.metadata?.ownerReferences ?? []).map((r) => r.uid)]);
  const norm = (s: EndpointSlice): EndpointSlice => ({
    ...s,
    metadata: { ...s.metadata, labels: Object.fromEntries(Object.entries(s.metadata?.labels ?? {}).sort()) },
  });
  if (pick(norm(existing)) === pick(norm(desired))) return undefined;
  return {
    ...existing,
    metadata: { ...existing.metadata, labels: desired.metadata?.labels, ownerReferences: desired.metadata?.ownerReferences },
    addressType: desired.addressType,
    endpoints: desired.endpoints,
    ports: desired.ports,
  };
}
