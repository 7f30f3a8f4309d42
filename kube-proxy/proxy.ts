import os from 'node:os';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { Counter, Histogram } from 'prom-client';
import { requireResource } from '../api/resources.js';
import { Informer, restListWatcher } from '../client/informer.js';
import { Lister } from '../client/lister.js';
import { RestClient } from '../client/rest.js';
import { WorkQueue } from '../client/workqueue.js';
import { runController } from '../client/controller-runner.js';
import { EventRecorder } from '../client/events.js';
import type { Logger } from '../common/logger.js';
import type { Registry } from '../common/metrics.js';
import { parseIpv4Cidr, type Ipv4Cidr } from './cidr.js';
import type { Forwarder } from './forwarder.js';
import { PortListener, type ListenerStats } from './listener.js';
import { ensureLocalRoute } from './local-route.js';
import { rulesForService, SERVICE_NAME_LABEL, type PortRule } from './rules.js';
import { UdpForwarder, type UdpStats } from './udp-forwarder.js';

export interface KubeProxyOptions {
  server: string;
  /** where NodePort and LoadBalancer ports listen (upstream --nodeport-addresses); default all interfaces */
  bindAddress: string;
  log: Logger;
  registry: Registry;
  signal: AbortSignal;
  nodeName?: string;
  /**
   * Serve the ClusterIPs of this range (e.g. 10.96.0.0/12) on this host: one AnyIP route makes the range
   * local (local-route.ts) and each Service port gets a socket on `<clusterIP>:<port>`. Unset: ClusterIPs
   * are not served (the default; main.ts turns it on). As these are real sockets, a port some other
   * process holds on 0.0.0.0 of the host (NodePorts too, when bindAddress is 0.0.0.0) cannot be a
   * ClusterIP port as well: that is reported as a ClusterIPPortUnavailable event.
   */
  serviceCIDR?: string;
  /** the command that installs the route (default `ip`, iproute2 or busybox) */
  ipCommand?: string;
}

export interface KubeProxy {
  /** resolves once the first sync of every Service is done */
  synced: Promise<void>;
  isSynced(): boolean;
  /** addresses and ports currently accepting connections or datagrams, with their rule (tests, status) */
  listening(): PortRule[];
  close(): Promise<void>;
}

const SERVICES = requireResource('', 'v1', 'services');
const SLICES = requireResource('discovery.k8s.io', 'v1', 'endpointslices');
const CONFLICT_REASON: Record<PortRule['kind'], string> = {
  NodePort: 'NodePortUnavailable',
  LoadBalancer: 'LoadBalancerPortUnavailable',
  ClusterIP: 'ClusterIPPortUnavailable',
};

/**
 * kube-proxy: watches Services and EndpointSlices and keeps one forwarder (TCP listener or UDP relay)
 * per NodePort, LoadBalancer port and — with a service CIDR — ClusterIP port, forwarding to ready
 * endpoints. Level-triggered: any change enqueues the Service's key; sync(key) recomputes that Service's
 * rules from the listers and reconciles its forwarders.
 */
export async function startKubeProxy(opts: KubeProxyOptions): Promise<KubeProxy> {
  const log = opts.log;
  const client = new RestClient({ server: opts.server, userAgent: 'kube-proxy/kubemu' });
  const events = new EventRecorder({ sink: client, component: 'kube-proxy', host: opts.nodeName });
  const svcInformer = new Informer<Service>(restListWatcher(client, SERVICES), { name: 'services', log });
  const sliceInformer = new Informer<EndpointSlice>(restListWatcher(client, SLICES), { name: 'endpointslices', log });
  const services = new Lister(svcInformer);
  const slices = new Lister(sliceInformer);
  slices.addIndex('service', (s) => {
    const name = s.metadata?.labels?.[SERVICE_NAME_LABEL];
    return name ? [`${s.metadata?.namespace ?? ''}/${name}`] : [];
  });

  const serviceCIDR = opts.serviceCIDR === undefined ? undefined : await serveClusterIPs(parseIpv4Cidr(opts.serviceCIDR));

  const metrics = {
    connections: new Counter({ name: 'kubeproxy_connections_total', help: 'TCP connections by outcome', labelNames: ['service', 'outcome'], registers: [opts.registry] }),
    bytes: new Counter({ name: 'kubeproxy_bytes_total', help: 'bytes proxied', labelNames: ['service', 'direction'], registers: [opts.registry] }),
    udpDatagrams: new Counter({ name: 'kubeproxy_udp_datagrams_total', help: 'UDP datagrams by outcome (forwarded to a backend, replied to a client, dropped)', labelNames: ['service', 'outcome'], registers: [opts.registry] }),
    udpBytes: new Counter({ name: 'kubeproxy_udp_bytes_total', help: 'UDP payload bytes relayed (in: client to backend, out: backend to client)', labelNames: ['service', 'direction'], registers: [opts.registry] }),
    syncLatency: new Histogram({
      name: 'kubeproxy_network_programming_duration_seconds',
      help: 'from a Service/EndpointSlice change being observed to its listeners being reconciled',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.3, 1, 5],
      registers: [opts.registry],
    }),
  };
  const stats: ListenerStats = {
    onConnection: (rule, outcome) => metrics.connections.inc({ service: rule.service, outcome }),
    onBytes: (rule, direction, n) => metrics.bytes.inc({ service: rule.service, direction }, n),
  };
  const udpStats: UdpStats = {
    onDatagram: (rule, outcome, n) => {
      metrics.udpDatagrams.inc({ service: rule.service, outcome });
      if (outcome !== 'dropped') metrics.udpBytes.inc({ service: rule.service, direction: outcome === 'forwarded' ? 'in' : 'out' }, n);
    },
  };

  // forwarders by listenKey, and which keys each Service owns
  const listeners = new Map<string, Forwarder>();
  const owned = new Map<string, Set<string>>();
  const changedAt = new Map<string, number>();
  const reported = new Set<string>();
  const queue = new WorkQueue<string>({ name: 'kube-proxy' });

  const enqueue = (key: string): void => {
    if (!changedAt.has(key)) changedAt.set(key, performance.now());
    queue.add(key);
  };
  const svcKey = (s: Service): string => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
  const sliceKey = (s: EndpointSlice): string | undefined => {
    const name = s.metadata?.labels?.[SERVICE_NAME_LABEL];
    return name ? `${s.metadata?.namespace ?? ''}/${name}` : undefined;
  };
  svcInformer.addEventHandler({
    onAdd: (s) => enqueue(svcKey(s)),
    onUpdate: (_o, s) => enqueue(svcKey(s)),
    onDelete: (s) => enqueue(svcKey(s)),
  });
  const onSlice = (s: EndpointSlice): void => {
    const k = sliceKey(s);
    if (k) enqueue(k);
  };
  sliceInformer.addEventHandler({ onAdd: onSlice, onUpdate: (_o, s) => onSlice(s), onDelete: onSlice });

  async function sync(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    const svc = services.get(ns, name);
    const rules = svc ? rulesForService(svc, slices.byIndex('service', key), opts.bindAddress, serviceCIDR) : [];
    const want = new Set(rules.map((r) => r.listenKey));
    for (const rule of rules) {
      const holder = listeners.get(rule.listenKey);
      if (holder && holder.currentRule.service !== key) {
        reportConflict(svc!, rule, `port ${rule.hostPort} is already used by Service ${holder.currentRule.service}`);
        want.delete(rule.listenKey);
        continue;
      }
      const l = holder ?? newForwarder(rule, key);
      listeners.set(rule.listenKey, l);
      await l.apply(rule);
      if (l.error && svc) reportConflict(svc, rule, l.error);
    }
    const mine = owned.get(key) ?? new Set<string>();
    for (const k of mine) {
      if (want.has(k)) continue;
      const l = listeners.get(k);
      if (l && l.currentRule.service === key) {
        listeners.delete(k);
        await l.retire();
      }
    }
    if (want.size) owned.set(key, want);
    else owned.delete(key);
    const t = changedAt.get(key);
    if (t !== undefined) {
      changedAt.delete(key);
      metrics.syncLatency.observe((performance.now() - t) / 1000);
    }
  }

  function newForwarder(rule: PortRule, key: string): Forwarder {
    const flog = log.child({ service: key, kind: rule.kind, listen: rule.listenKey });
    return rule.protocol === 'UDP' ? new UdpForwarder(rule, flog, udpStats) : new PortListener(rule, flog, stats);
  }

  function reportConflict(svc: Service, rule: PortRule, message: string): void {
    const k = `${rule.service}:${rule.listenKey}:${message}`;
    if (reported.has(k)) return;
    reported.add(k);
    log.warn({ service: rule.service, listen: rule.listenKey, err: message }, 'cannot serve port');
    events.event(svc, 'Warning', CONFLICT_REASON[rule.kind], `kube-proxy cannot listen on ${rule.listenKey}: ${message}`);
  }

  /** Installs the route that makes the service CIDR local; without it ClusterIPs are not served (NodePorts are). */
  async function serveClusterIPs(cidr: Ipv4Cidr): Promise<Ipv4Cidr | undefined> {
    const route = await ensureLocalRoute(cidr, opts.ipCommand);
    if (route.usable) {
      if (route.error) log.info({ serviceCIDR: cidr.text, err: route.error }, 'could not install the service CIDR route, but ClusterIPs are local already');
      log.info({ serviceCIDR: cidr.text }, 'serving ClusterIPs');
      return cidr;
    }
    const message = `kube-proxy cannot serve ClusterIPs of ${cidr.text} (it needs NET_ADMIN in the host network namespace): ${route.error ?? `addresses of ${cidr.text} are not local`}; NodePorts keep working`;
    log.warn({ serviceCIDR: cidr.text, err: route.error }, 'ClusterIPs are not served');
    const node = opts.nodeName ?? os.hostname();
    events.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: node } }, 'Warning', 'ClusterIPUnavailable', message);
    return undefined;
  }

  const ac = new AbortController();
  opts.signal.addEventListener('abort', () => ac.abort(), { once: true });
  svcInformer.start(ac.signal);
  sliceInformer.start(ac.signal);
  const runner = runController({ name: 'kube-proxy', queue, workers: 1, sync, log, signal: ac.signal });
  let synced = false;
  const syncedP = (async () => {
    await Promise.all([svcInformer.waitForSync(ac.signal), sliceInformer.waitForSync(ac.signal)]);
    // the first pass has run once the queue drained of the initial keys
    while (queue.len() > 0) await new Promise((r) => setTimeout(r, 10));
    synced = true;
  })();

  return {
    synced: syncedP,
    isSynced: () => synced,
    listening: () => [...listeners.values()].filter((l) => l.listening).map((l) => l.currentRule),
    close: async () => {
      ac.abort();
      await runner;
      await Promise.all([svcInformer.stop(), sliceInformer.stop()]);
      await Promise.all([...listeners.values()].map((l) => l.close()));
      listeners.clear();
      await events.flush();
      client.close();
    },
  };
}
