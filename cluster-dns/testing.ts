/** An in-memory ZoneData + ReverseData for the DNS unit tests, and object builders. */
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { ReverseData } from './reverse.js';
import { SERVICE_NAME_LABEL } from './reverse.js';
import { clusterIPsOf, type ZoneConfig, type ZoneData } from './zone.js';

export class FakeZoneData implements ZoneData, ReverseData {
  readonly svcs: Service[] = [];
  readonly endpointSlices: EndpointSlice[] = [];
  readonly namespaces = new Set<string>(['default', 'kube-system']);

  service(namespace: string, name: string): Service | undefined {
    return this.svcs.find((s) => s.metadata?.namespace === namespace && s.metadata.name === name);
  }

  slices(namespace: string, service: string): readonly EndpointSlice[] {
    return this.endpointSlices.filter((s) => s.metadata?.namespace === namespace && s.metadata.labels?.[SERVICE_NAME_LABEL] === service);
  }

  namespaceExists(namespace: string): boolean {
    return this.namespaces.has(namespace);
  }

  servicesWithIP(ip: string): readonly Service[] {
    return this.svcs.filter((s) => clusterIPsOf(s).includes(ip));
  }

  slicesWithAddress(ip: string): readonly EndpointSlice[] {
    return this.endpointSlices.filter((s) => (s.endpoints ?? []).some((e) => e.addresses.includes(ip)));
  }
}

export const ZONE: ZoneConfig = { zone: 'cluster.local', ttl: 5, nameserverIPs: ['10.96.0.10'], serial: () => 1700000000 };

export function svc(ns: string, name: string, clusterIP: string, ports: ServicePort[] = [{ name: 'http', port: 80, protocol: 'TCP' }], extra: Partial<Service['spec']> = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec: { clusterIP, ports, ...extra } };
}

export function slice(ns: string, service: string, endpoints: Endpoint[], ports: EndpointPort[] = [{ name: 'http', port: 8080, protocol: 'TCP' }], name = `${service}-abc`): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: ns, name, labels: { [SERVICE_NAME_LABEL]: service } },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

export function ep(ip: string, ready = true, hostname?: string): Endpoint {
  const e: Endpoint = { addresses: [ip], conditions: { ready } };
  return hostname ? { ...e, hostname } : e;
}
