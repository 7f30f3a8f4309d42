/**
 * A pod's resolv.conf and managed hosts file, as the kubelet makes them (pure):
 * pkg/kubelet/network/dns/dns.go GetPodDNS and pkg/kubelet/kubelet_pods.go managedHostsFileContent /
 * GeneratePodHostNameAndDomain.
 *
 * - ClusterFirst (default): the cluster DNS servers only, search `<ns>.svc.<domain> svc.<domain> <domain>` plus the
 *   node's search domains, `options ndots:5`. Without a cluster DNS server configured it falls back to Default
 *   (warning MissingClusterDNS). A hostNetwork pod with ClusterFirst also gets Default; ClusterFirstWithHostNet
 *   keeps the cluster DNS.
 * - Default: the node's resolv.conf. None: nothing but spec.dnsConfig.
 * - spec.dnsConfig is appended (duplicates dropped; options by name, the pod's value winning), then the limits are
 *   applied: 3 nameservers, 32 search domains / 2048 characters, search domains longer than 253 dropped
 *   (warning DNSConfigForming).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ResolvConf } from '../../common/resolv-conf.js';
import { formatPod } from './instances.js';

export interface DnsSettings {
  /** kubelet --cluster-dns; empty: no cluster DNS. */
  clusterDNS: readonly string[];
  /** kubelet --cluster-domain; empty: no cluster search domains. */
  clusterDomain: string;
  /** The node's resolver configuration (kubelet --resolv-conf), undefined when that flag is empty. */
  host: ResolvConf | undefined;
}

export interface PodWarning {
  reason: string;
  message: string;
}

export interface PodDns {
  config: ResolvConf;
  warnings: PodWarning[];
}

/** The kube-dns ClusterIP of a default cluster (upstream kubeadm: the 10th address of 10.96.0.0/12). */
export const DEFAULT_CLUSTER_DNS = '10.96.0.10';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
const MAX_DOMAIN_LENGTH = 253;
const DEFAULT_OPTIONS = ['ndots:5'];

type DnsType = 'cluster' | 'host' | 'none';

function dnsTypeOf(pod: Pod): DnsType {
  switch (pod.spec?.dnsPolicy ?? 'ClusterFirst') {
    case 'None':
      return 'none';
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    case 'Default':
      return 'host';
    default:
      return pod.spec?.hostNetwork ? 'host' : 'cluster';
  }
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/** mergeDNSOptions: `name[:value]` entries by name; later entries (the pod's) replace earlier ones. */
function mergeOptions(existing: readonly string[], pod: readonly { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(':');
    if (i >= 0) byName.set(op.slice(0, i), op.slice(i + 1));
    else byName.set(op, '');
  }
  for (const op of pod) byName.set(op.name ?? '', op.value ?? '');
  return [...byName].map(([name, value]) => (value ? `${name}:${value}` : name));
}

function fitSearches(searches: string[], warnings: PodWarning[]): string[] {
  let exceeded = false;
  let out = searches;
  if (out.length > MAX_DNS_SEARCH_PATHS) {
    out = out.slice(0, MAX_DNS_SEARCH_PATHS);
    exceeded = true;
  }
  const short = out.filter((s) => s.length <= MAX_DOMAIN_LENGTH);
  if (short.length !== out.length) exceeded = true;
  out = short;
  let len = out.join(' ').length;
  while (len > MAX_DNS_SEARCH_LIST_CHARS && out.length > 0) {
    out = out.slice(0, -1);
    len = out.join(' ').length;
    exceeded = true;
  }
  if (exceeded) {
    warnings.push({ reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${out.join(' ')}` });
  }
  return out;
}

function fitNameservers(servers: string[], warnings: PodWarning[]): string[] {
  if (servers.length <= MAX_DNS_NAMESERVERS) return servers;
  const out = servers.slice(0, MAX_DNS_NAMESERVERS);
  warnings.push({ reason: 'DNSConfigForming', message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${out.join(' ')}` });
  return out;
}

/** GetPodDNS: the resolver configuration of a pod's containers. */
export function podDnsConfig(pod: Pod, s: DnsSettings): PodDns {
  const warnings: PodWarning[] = [];
  const host = s.host ?? { nameservers: [], searches: [], options: [] };
  let cfg: ResolvConf = { nameservers: [...host.nameservers], searches: [...host.searches], options: [...host.options] };
  let type = dnsTypeOf(pod);
  if (type === 'cluster' && s.clusterDNS.length === 0) {
    warnings.push({
      reason: 'MissingClusterDNS',
      message: `pod: "${formatPod(pod)}". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`,
    });
    type = 'host';
  }
  if (type === 'none') cfg = { nameservers: [], searches: [], options: [] };
  else if (type === 'cluster') {
    const d = s.clusterDomain;
    const clusterSearch = d ? [`${pod.metadata?.namespace ?? 'default'}.svc.${d}`, `svc.${d}`, d] : [];
    cfg = { nameservers: [...s.clusterDNS], searches: unique([...clusterSearch, ...host.searches]), options: [...DEFAULT_OPTIONS] };
  } else if (!s.host) {
    // no node resolv.conf: "use the nameserver on the local machine"
    cfg = { nameservers: ['127.0.0.1'], searches: ['.'], options: [] };
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    cfg = {
      nameservers: unique([...cfg.nameservers, ...(extra.nameservers ?? [])]),
      searches: unique([...cfg.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(cfg.options, extra.options ?? []),
    };
  }
  return { config: { nameservers: fitNameservers(cfg.nameservers, warnings), searches: fitSearches(cfg.searches, warnings), options: cfg.options }, warnings };
}

/** GeneratePodHostNameAndDomain: spec.hostname or the pod name (≤ 63), and `<subdomain>.<ns>.svc.<domain>`. */
export function podHostnameAndDomain(pod: Pod, clusterDomain: string): { hostname: string; domain: string } {
  const raw = pod.spec?.hostname || pod.metadata?.name || 'pod';
  const hostname = raw.length > 63 ? raw.slice(0, 63).replace(/[-.]+$/, '') : raw;
  const sub = pod.spec?.subdomain;
  return { hostname, domain: sub ? `${sub}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}` : '' };
}

/** managedHostsFileContent for a pod on the pod network. */
export function hostsFileContent(pod: Pod, podIPs: readonly string[], clusterDomain: string): string {
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  let out = '# Kubernetes-managed hosts file.\n';
  out += '127.0.0.1\tlocalhost\n';
  out += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  out += 'fe00::0\tip6-localnet\n';
  out += 'fe00::0\tip6-mcastprefix\n';
  out += 'fe00::1\tip6-allnodes\n';
  out += 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length > 0) {
    out += '\n# Entries added by HostAliases.\n';
    for (const a of aliases) out += `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`;
  }
  return out;
}
