/**
 * Keeps the kube-dns Service and this server's EndpointSlice in place, like an addon manager in reconcile mode:
 * level-triggered (any change of either object, a readiness change, and a periodic re-check enqueue the one key;
 * sync reads the caches and creates or repairs what differs). On shutdown the endpoint is marked not ready.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { isApiError } from '../api/errors.js';
import { requireResource } from '../api/resources.js';
import { runController } from '../client/controller-runner.js';
import type { RestClient } from '../client/rest.js';
import { WorkQueue } from '../client/workqueue.js';
import type { Logger } from '../common/logger.js';
import type { ClusterCache } from './cache.js';
import { SERVICE_NAME_LABEL } from './reverse.js';
import { desiredService, desiredSlice, KUBE_DNS_NAME, KUBE_DNS_NAMESPACE, serviceUpdate, sliceName, sliceUpdate, type PublishConfig } from './publish-objects.js';

const SERVICES = requireResource('', 'v1', 'services');
const SLICES = requireResource('discovery.k8s.io', 'v1', 'endpointslices');
const KEY = `${KUBE_DNS_NAMESPACE}/${KUBE_DNS_NAME}`;
const RECHECK_MS = 60_000;

export interface PublisherOptions {
  rest: RestClient;
  cache: ClusterCache;
  /** The current configuration (readiness changes over time). */
  config(): PublishConfig;
  log: Logger;
}

export class KubeDnsPublisher {
  private readonly queue = new WorkQueue<string>({ name: 'kube-dns-publisher' });
  private readonly log: Logger;
  private warnedClusterIP = false;

  constructor(private readonly opts: PublisherOptions) {
    this.log = opts.log.child({ part: 'publisher' });
    const mine = (ns: string | undefined, name: string | undefined): boolean => ns === KUBE_DNS_NAMESPACE && name === KUBE_DNS_NAME;
    const onService = (s: Service): void => {
      if (mine(s.metadata?.namespace, s.metadata?.name)) this.poke();
    };
    const onSlice = (s: EndpointSlice): void => {
      if (mine(s.metadata?.namespace, s.metadata?.labels?.[SERVICE_NAME_LABEL])) this.poke();
    };
    opts.cache.serviceInformer.addEventHandler({ onAdd: onService, onUpdate: (_o, s) => onService(s), onDelete: onService });
    opts.cache.sliceInformer.addEventHandler({ onAdd: onSlice, onUpdate: (_o, s) => onSlice(s), onDelete: onSlice });
  }

  /** Re-checks soon (e.g. readiness changed). */
  poke(): void {
    this.queue.add(KEY);
  }

  run(signal: AbortSignal): Promise<void> {
    this.poke();
    return runController({ name: 'kube-dns-publisher', queue: this.queue, workers: 1, sync: () => this.sync(), log: this.log, signal });
  }

  async sync(): Promise<void> {
    const cfg = this.opts.config();
    const svc = await this.ensureService(cfg);
    await this.ensureSlice(cfg, svc);
    if (!this.queue.isShuttingDown()) this.queue.addAfter(KEY, RECHECK_MS);
  }

  private async ensureService(cfg: PublishConfig): Promise<Service> {
    const rest = this.opts.rest;
    let svc = this.opts.cache.service(KUBE_DNS_NAMESPACE, KUBE_DNS_NAME);
    if (!svc) {
      try {
        svc = await rest.create<Service>(SERVICES, KUBE_DNS_NAMESPACE, desiredService(cfg));
        this.log.info({ clusterIP: svc.spec?.clusterIP }, 'created Service kube-system/kube-dns');
      } catch (e) {
        if (!isApiError(e, 'AlreadyExists')) throw e;
        svc = await rest.get<Service>(SERVICES, KUBE_DNS_NAMESPACE, KUBE_DNS_NAME);
      }
    }
    if (svc.spec?.clusterIP !== cfg.clusterIP && !this.warnedClusterIP) {
      this.warnedClusterIP = true;
      this.log.warn({ clusterIP: svc.spec?.clusterIP, wanted: cfg.clusterIP }, 'Service kube-system/kube-dns has another ClusterIP (immutable); pods are told to use the configured one');
    }
    const update = serviceUpdate(svc);
    if (update) {
      svc = await rest.update<Service>(SERVICES, KUBE_DNS_NAMESPACE, update);
      this.log.info('repaired Service kube-system/kube-dns');
    }
    return svc;
  }

  private async ensureSlice(cfg: PublishConfig, svc: Service): Promise<void> {
    const rest = this.opts.rest;
    const want = desiredSlice(cfg, svc);
    const name = sliceName(cfg);
    const have = this.opts.cache.endpointSlices.get(KUBE_DNS_NAMESPACE, name);
    if (!have) {
      try {
        await rest.create<EndpointSlice>(SLICES, KUBE_DNS_NAMESPACE, want);
        this.log.info({ name, address: cfg.address, port: cfg.dnsPort, ready: cfg.ready }, 'published the DNS endpoint');
      } catch (e) {
        // the cache lags behind a slice we wrote: the informer event re-queues us
        if (!isApiError(e, 'AlreadyExists')) throw e;
      }
      return;
    }
    const update = sliceUpdate(have, want);
    if (!update) return;
    await rest.update<EndpointSlice>(SLICES, KUBE_DNS_NAMESPACE, update);
    this.log.info({ name, address: cfg.address, port: cfg.dnsPort, ready: cfg.ready }, 'updated the DNS endpoint');
  }
}
