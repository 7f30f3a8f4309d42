/**
 * Answers for names in the cluster domain, as CoreDNS's kubernetes plugin gives them (plugin/kubernetes
 * findServices/findPods and plugin/backend_lookup.go A/AAAA/SRV), computed from what the caches hold now (pure).
 *
 * - ClusterIP Service → its ClusterIPs; headless Service (clusterIP None) → its ready endpoint addresses;
 *   ExternalName → a CNAME to spec.externalName.
 * - `<endpoint>.<svc>…` → the addresses of the endpoints whose hostname (or dashed IP) is `<endpoint>`.
 * - SRV `_<port>._<proto>.<svc>…` → one record per matching (address, port), priority 0, weights splitting 100,
 *   targets `<svc>.<ns>.svc.<zone>` (ClusterIP) or `<endpoint>.<svc>.<ns>.svc.<zone>` (headless), with their
 *   addresses in the additional section.
 * - A name that exists without records of the asked type is NODATA (NOERROR, SOA in authority); a name that does
 *   not exist is NXDOMAIN (SOA in authority). Answers are authoritative.
 */
import type { Answer, RecordType } from 'dns-packet';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { parseName, type ParsedName } from './request.js';

/** What the zone is computed from (the informer caches in production). */
export interface ZoneData {
  service(namespace: string, name: string): Service | undefined;
  /** The EndpointSlices labelled kubernetes.io/service-name=<name> in the namespace. */
  slices(namespace: string, service: string): readonly EndpointSlice[];
  namespaceExists(namespace: string): boolean;
}

export interface ZoneConfig {
  /** The cluster domain, canonical (lower case, no trailing dot), e.g. `cluster.local`. */
  zone: string;
  /** TTL of records (CoreDNS's kubernetes plugin: 5 s). */
  ttl: number;
  /** Addresses `ns.dns.<zone>` resolves to (the kube-dns ClusterIP). */
  nameserverIPs: readonly string[];
  /** SOA serial: when the data last changed (epoch seconds, CoreDNS uses the same). */
  serial(): number;
}

export interface ZoneReply {
  rcode: 'NOERROR' | 'NXDOMAIN';
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

/** SOA TTL and negative-caching TTL (CoreDNS MinTTL). */
export const SOA_TTL = 30;

/** One thing a name stands for (CoreDNS msg.Service): an address or a CNAME target, with a port (-1: none). */
interface Target {
  host: string;
  port: number;
  /** The name an SRV record points at for this target. */
  domain: string;
  cname: boolean;
}

type ServiceRequest = Extract<ParsedName, { kind: 'service' }>;

function isIPv4(ip: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);
}

function isIPv6(ip: string): boolean {
  return ip.includes(':');
}

/** CoreDNS endpointHostname: the endpoint's hostname, else its address with dashes. */
export function endpointName(hostname: string | undefined, address: string): string {
  if (hostname) return hostname.toLowerCase();
  return isIPv6(address) ? address.replace(/:/g, '-') : address.replace(/\./g, '-');
}

function portMatches(r: ServiceRequest, name: string | undefined, protocol: string | undefined): boolean {
  if (r.port === undefined) return true;
  return (name ?? '').toLowerCase() === r.port && (protocol ?? 'TCP').toLowerCase() === r.protocol;
}

export function clusterIPsOf(svc: Service): string[] {
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ip !== 'None' && ip !== '');
}

/** findServices: the targets of a Service name, or undefined when the name does not exist. */
function findServices(r: ServiceRequest, data: ZoneData, zone: string): Target[] | undefined {
  if (!data.namespaceExists(r.namespace)) return undefined;
  const svc = data.service(r.namespace, r.service);
  if (!svc) return undefined;
  const base = `${r.service}.${r.namespace}.svc.${zone}`;
  const out: Target[] = [];
  let found = false;
  if (svc.spec?.clusterIP === 'None' || r.endpoint !== undefined) {
    for (const slice of data.slices(r.namespace, r.service)) {
      // a slice without ports still yields its addresses (CoreDNS adds a sentinel port -1)
      const ports = slice.ports?.length ? slice.ports : [{ name: undefined, protocol: undefined, port: -1 }];
      for (const ep of slice.endpoints ?? []) {
        if (ep.conditions?.ready === false) continue;
        for (const address of ep.addresses) {
          const epName = endpointName(ep.hostname, address);
          if (r.endpoint !== undefined && epName !== r.endpoint) continue;
          for (const p of ports) {
            if (!portMatches(r, p.name, p.protocol)) continue;
            found = true;
            out.push({ host: address, port: p.port ?? -1, domain: `${epName}.${base}`, cname: false });
          }
        }
      }
    }
    return found ? out : undefined;
  }
  if (svc.spec?.type === 'ExternalName') {
    const target = (svc.spec.externalName ?? '').replace(/\.$/, '');
    if (!target) return undefined;
    return [{ host: target, port: -1, domain: target, cname: true }];
  }
  for (const p of svc.spec?.ports ?? []) {
    if (!portMatches(r, p.name, p.protocol)) continue;
    for (const ip of clusterIPsOf(svc)) {
      found = true;
      out.push({ host: ip, port: p.port, domain: base, cname: false });
    }
  }
  return found ? out : undefined;
}

function targetsOf(parsed: ParsedName, data: ZoneData, cfg: ZoneConfig): Target[] | undefined {
  switch (parsed.kind) {
    case 'service':
      return findServices(parsed, data, cfg.zone);
    case 'pod':
      return data.namespaceExists(parsed.namespace) ? [{ host: parsed.ip, port: -1, domain: '', cname: false }] : undefined;
    case 'nameserver':
      return cfg.nameserverIPs.map((ip) => ({ host: ip, port: -1, domain: '', cname: false }));
    case 'namespace':
      return data.namespaceExists(parsed.namespace) ? [] : undefined;
    case 'empty':
    case 'apex':
      return [];
    case 'nonexistent':
    case 'outside':
      return undefined;
  }
}

function addressRecord(name: string, ip: string, ttl: number): Answer {
  return { name, type: isIPv6(ip) ? 'AAAA' : 'A', class: 'IN', ttl, data: ip };
}

export function soaRecord(cfg: ZoneConfig): Answer {
  return {
    name: cfg.zone,
    type: 'SOA',
    class: 'IN',
    ttl: SOA_TTL,
    data: { mname: `ns.dns.${cfg.zone}`, rname: `hostmaster.${cfg.zone}`, serial: cfg.serial() >>> 0, refresh: 7200, retry: 1800, expire: 86400, minimum: SOA_TTL },
  };
}

function srvRecords(qname: string, targets: Target[], ttl: number): { answers: Answer[]; additionals: Answer[] } {
  const withPort = targets.filter((t) => t.port >= 0 || t.cname);
  const seen = new Set<string>();
  const unique = withPort.filter((t) => {
    const k = `${t.domain}:${t.port}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  // CoreDNS: every record weighs 100, then weights are scaled so that they sum to (about) 100
  const weight = Math.max(1, Math.floor(100 / Math.max(unique.length, 1)));
  const answers: Answer[] = [];
  const additionals: Answer[] = [];
  const glued = new Set<string>();
  for (const t of unique) {
    answers.push({ name: qname, type: 'SRV', class: 'IN', ttl, data: { priority: 0, weight, port: Math.max(t.port, 0), target: t.domain } });
    if (t.cname) continue;
    const k = `${t.domain}/${t.host}`;
    if (glued.has(k)) continue;
    glued.add(k);
    additionals.push(addressRecord(t.domain, t.host, ttl));
  }
  return { answers, additionals };
}

/** Answers one question about a name in the zone. */
export function resolveInZone(qname: string, qtype: RecordType, data: ZoneData, cfg: ZoneConfig): ZoneReply {
  const parsed = parseName(qname, cfg.zone);
  const targets = targetsOf(parsed, data, cfg);
  if (targets === undefined) return { rcode: 'NXDOMAIN', answers: [], authorities: [soaRecord(cfg)], additionals: [] };
  const reply: ZoneReply = { rcode: 'NOERROR', answers: [], authorities: [], additionals: [] };
  const ttl = cfg.ttl;
  if (parsed.kind === 'apex') {
    if (qtype === 'SOA') reply.answers.push(soaRecord(cfg));
    if (qtype === 'NS') {
      const ns = `ns.dns.${cfg.zone}`;
      reply.answers.push({ name: qname, type: 'NS', class: 'IN', ttl, data: ns });
      for (const ip of cfg.nameserverIPs) reply.additionals.push(addressRecord(ns, ip, ttl));
    }
  } else if (qtype === 'SRV') {
    const srv = srvRecords(qname, targets, ttl);
    reply.answers.push(...srv.answers);
    reply.additionals.push(...srv.additionals);
  } else if (qtype === 'A' || qtype === 'AAAA' || qtype === 'CNAME') {
    const seen = new Set<string>();
    for (const t of targets) {
      if (seen.has(t.host)) continue;
      seen.add(t.host);
      if (t.cname) reply.answers.push({ name: qname, type: 'CNAME', class: 'IN', ttl, data: t.host });
      else if ((qtype === 'A' && isIPv4(t.host)) || (qtype === 'AAAA' && isIPv6(t.host))) reply.answers.push(addressRecord(qname, t.host, ttl));
    }
  }
  if (reply.answers.length === 0) reply.authorities.push(soaRecord(cfg));
  return reply;
}
