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
import { PortListener, type ListenerStats } from './listener.js';
import { rulesForService, SERVICE_NAME_LABEL, type PortRule } from './rules.js';

export interface KubeProxyOptions {
  server: string;
  /** where NodePort and LoadBalancer ports listen (upstream --nodeport-addresses); default all interfaces */
  bindAddress: string;
  log: Logger;
  registry: Registry;
  signal: AbortSignal;
  nodeName?: string;
}

export interface KubeProxy {
  /** resolves once the first sync of every Service is done */
  synced: Promise<void>;
  isSynced(): boolean;
  /** host ports currently accepting connections, with their rule (tests, status) */
  listening(): PortRule[];
  close(): Promise<void>;
}

const SERVICES = requireResource('', 'v1', 'services');
const SLICES = requireResource('discovery.k8s.io', 'v1', 'endpointslices');

/**
 * kube-proxy: watches Services and EndpointSlices and keeps one TCP listener per NodePort (and per
 * LoadBalancer port) forwarding to ready endpoints. Level-triggered: any change enqueues the Service's
 * key; sync(key) recomputes that Service's rules from the listers and reconciles its listeners.
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

  const metrics = {
    connections: new Counter({ name: 'kubeproxy_connections_total', help: 'TCP connections by outcome', labelNames: ['service', 'outcome'], registers: [opts.registry] }),
    bytes: new Counter({ name: 'kubeproxy_bytes_total', help: 'bytes proxied', labelNames: ['service', 'direction'], registers: [opts.registry] }),
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

  // listeners by listenKey, and which keys each Service owns
  const listeners = new Map<string, PortListener>();
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
    const rules = svc ? rulesForService(svc, slices.byIndex('service', key), opts.bindAddress) : [];
    const want = new Set(rules.map((r) => r.listenKey));
    for (const rule of rules) {
      const holder = listeners.get(rule.listenKey);
      if (holder && holder.currentRule.service !== key) {
        reportConflict(svc!, rule, `port ${rule.hostPort} is already used by Service ${holder.currentRule.service}`);
        want.delete(rule.listenKey);
        continue;
      }
      const l = holder ?? new PortListener(rule, opts.bindAddress, log.child({ service: key, port: rule.hostPort }), stats);
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

  function reportConflict(svc: Service, rule: PortRule, message: string): void {
    const k = `${rule.service}:${rule.listenKey}:${message}`;
    if (reported.has(k)) return;
    reported.add(k);
    log.warn({ service: rule.service, port: rule.hostPort, err: message }, 'cannot serve port');
    events.event(svc, 'Warning', rule.kind === 'LoadBalancer' ? 'LoadBalancerPortUnavailable' : 'NodePortUnavailable', `kube-proxy cannot listen on ${rule.listenKey}: ${message}`);
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
