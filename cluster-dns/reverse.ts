/**
 * PTR records for cluster addresses (CoreDNS kubernetes plugin, reverse.go serviceRecordForIP): a ClusterIP names
 * its Service, an endpoint address names `<hostname or dashed IP>.<svc>.<ns>.svc.<zone>`. Other addresses are not
 * ours: the caller forwards the query (CoreDNS's `fallthrough in-addr.arpa ip6.arpa`).
 */
import type { Answer } from 'dns-packet';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { canonicalName, dashedIPv4 } from './request.js';
import { endpointName } from './zone.js';

export interface ReverseData {
  servicesWithIP(ip: string): readonly Service[];
  slicesWithAddress(ip: string): readonly EndpointSlice[];
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** `4.3.2.1.in-addr.arpa` → `1.2.3.4`; undefined for other names. */
export function reverseIPv4(qname: string): string | undefined {
  const name = canonicalName(qname);
  const suffix = '.in-addr.arpa';
  if (!name.endsWith(suffix)) return undefined;
  const labels = name.slice(0, -suffix.length).split('.');
  if (labels.length !== 4) return undefined;
  return dashedIPv4(labels.reverse().join('-'));
}

/** The PTR answers for a reverse name, or undefined when the address is not a cluster address. */
export function reverseLookup(qname: string, data: ReverseData, zone: string, ttl: number): Answer[] | undefined {
  const ip = reverseIPv4(qname);
  if (!ip) return undefined;
  const targets = new Set<string>();
  for (const svc of data.servicesWithIP(ip)) targets.add(`${svc.metadata?.name ?? ''}.${svc.metadata?.namespace ?? ''}.svc.${zone}`);
  if (targets.size === 0) {
    for (const slice of data.slicesWithAddress(ip)) {
      const svcName = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
      if (!svcName) continue;
      for (const ep of slice.endpoints ?? []) {
        if (ep.conditions?.ready === false || !ep.addresses.includes(ip)) continue;
        targets.add(`${endpointName(ep.hostname, ip)}.${svcName}.${slice.metadata?.namespace ?? ''}.svc.${zone}`);
      }
    }
  }
  if (targets.size === 0) return undefined;
  return [...targets].sort().map((t) => ({ name: qname, type: 'PTR', class: 'IN', ttl, data: t }));
}
