/**
 * Splits a query name into what CoreDNS's kubernetes plugin looks up (plugin/kubernetes/parse.go parseRequest):
 *
 *   <zone>                                        apex (SOA, NS)
 *   ns.dns.<zone>                                 the DNS server itself
 *   svc.<zone> / pod.<zone>                       empty non-terminals (NODATA)
 *   <ns>.svc.<zone> / <ns>.pod.<zone>             a namespace (NODATA when it exists)
 *   <svc>.<ns>.svc.<zone>                         a Service
 *   <endpoint>.<svc>.<ns>.svc.<zone>              one endpoint of a Service (hostname or dashed IP)
 *   _<port>._<proto>.<svc>.<ns>.svc.<zone>        the Service's named port (SRV)
 *   <a-b-c-d>.<ns>.pod.<zone>                     a pod by IP ("pods insecure")
 *
 * Anything else under the zone does not exist (NXDOMAIN). Matching is case-insensitive.
 */

export type ParsedName =
  | { kind: 'outside' }
  | { kind: 'apex' }
  | { kind: 'nameserver' }
  | { kind: 'empty' }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'service'; namespace: string; service: string; endpoint?: string; port?: string; protocol?: string }
  | { kind: 'pod'; namespace: string; ip: string }
  | { kind: 'nonexistent' };

/** Lower case without the trailing dot: the form names are compared in. */
export function canonicalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Whether `name` is `zone` or below it (both canonical). */
export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

function underscored(label: string): string | undefined {
  return label.length > 1 && label.startsWith('_') ? label.slice(1) : undefined;
}

/** `1-2-3-4` → `1.2.3.4` when it is a dotted-quad IPv4 address. */
export function dashedIPv4(label: string): string | undefined {
  const parts = label.split('-');
  if (parts.length !== 4) return undefined;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255 || (p.length > 1 && p.startsWith('0'))) return undefined;
  }
  return parts.join('.');
}

export function parseName(qname: string, zone: string): ParsedName {
  const name = canonicalName(qname);
  if (!inZone(name, zone)) return { kind: 'outside' };
  if (name === zone) return { kind: 'apex' };
  const labels = name.slice(0, name.length - zone.length - 1).split('.');
  if (labels.length === 2 && labels[0] === 'ns' && labels[1] === 'dns') return { kind: 'nameserver' };
  const type = labels.pop();
  if (type !== 'svc' && type !== 'pod') return { kind: 'nonexistent' };
  if (labels.length === 0) return { kind: 'empty' };
  const namespace = labels.pop()!;
  if (labels.length === 0) return { kind: 'namespace', namespace };
  if (type === 'pod') {
    if (labels.length !== 1) return { kind: 'nonexistent' };
    const ip = dashedIPv4(labels[0]);
    return ip ? { kind: 'pod', namespace, ip } : { kind: 'nonexistent' };
  }
  const service = labels.pop()!;
  switch (labels.length) {
    case 0:
      return { kind: 'service', namespace, service };
    case 1:
      return { kind: 'service', namespace, service, endpoint: labels[0] };
    case 2: {
      const port = underscored(labels[0]);
      const protocol = underscored(labels[1]);
      if (port === undefined || protocol === undefined) return { kind: 'nonexistent' };
      return { kind: 'service', namespace, service, port, protocol };
    }
    default:
      return { kind: 'nonexistent' };
  }
}
