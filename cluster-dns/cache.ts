/**
 * The DNS server's view of the cluster: informer caches of Services, EndpointSlices and Namespaces (CoreDNS's
 * kubernetes plugin watches the same three), indexed for the lookups the zone makes. Answers are computed from the
 * caches at query time, so they follow a change as soon as its watch event arrives.
 */
import type { Namespace, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { requireResource } from '../api/resources.js';
import { Informer, restListWatcher } from '../client/informer.js';
import { Lister } from '../client/lister.js';
import type { RestClient } from '../client/rest.js';
import type { Logger } from '../common/logger.js';
import { SERVICE_NAME_LABEL, type ReverseData } from './reverse.js';
import { clusterIPsOf, type ZoneData } from './zone.js';

const SERVICES = requireResource('', 'v1', 'services');
const SLICES = requireResource('discovery.k8s.io', 'v1', 'endpointslices');
const NAMESPACES = requireResource('', 'v1', 'namespaces');
const BY_SERVICE = 'service';
const BY_IP = 'ip';

export class ClusterCache implements ZoneData, ReverseData {
  readonly serviceInformer: Informer<Service>;
  readonly sliceInformer: Informer<EndpointSlice>;
  private readonly namespaceInformer: Informer<Namespace>;
  readonly services: Lister<Service>;
  readonly endpointSlices: Lister<EndpointSlice>;
  private readonly namespaces: Lister<Namespace>;
  /** Epoch seconds of the last change seen (the SOA serial). */
  private modified = Math.floor(Date.now() / 1000);

  constructor(client: RestClient, log: Logger) {
    this.serviceInformer = new Informer<Service>(restListWatcher(client, SERVICES), { name: 'services', log });
    this.sliceInformer = new Informer<EndpointSlice>(restListWatcher(client, SLICES), { name: 'endpointslices', log });
    this.namespaceInformer = new Informer<Namespace>(restListWatcher(client, NAMESPACES), { name: 'namespaces', log });
    this.services = new Lister(this.serviceInformer);
    this.endpointSlices = new Lister(this.sliceInformer);
    this.namespaces = new Lister(this.namespaceInformer);
    this.services.addIndex(BY_IP, (s) => clusterIPsOf(s));
    this.endpointSlices.addIndex(BY_SERVICE, (s) => {
      const name = s.metadata?.labels?.[SERVICE_NAME_LABEL];
      return name ? [`${s.metadata?.namespace ?? ''}/${name}`] : [];
    });
    this.endpointSlices.addIndex(BY_IP, (s) => [...new Set((s.endpoints ?? []).flatMap((e) => e.addresses))]);
    const touch = (): void => {
      this.modified = Math.floor(Date.now() / 1000);
    };
    const onChange = { onAdd: touch, onUpdate: touch, onDelete: touch };
    this.serviceInformer.addEventHandler(onChange);
    this.sliceInformer.addEventHandler(onChange);
    this.namespaceInformer.addEventHandler(onChange);
  }

  start(signal: AbortSignal): void {
    this.serviceInformer.start(signal);
    this.sliceInformer.start(signal);
    this.namespaceInformer.start(signal);
  }

  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const r = await Promise.all([this.serviceInformer, this.sliceInformer, this.namespaceInformer].map((i) => i.waitForSync(signal)));
    return r.every(Boolean);
  }

  hasSynced(): boolean {
    return this.serviceInformer.hasSynced() && this.sliceInformer.hasSynced() && this.namespaceInformer.hasSynced();
  }

  async stop(): Promise<void> {
    await Promise.all([this.serviceInformer.stop(), this.sliceInformer.stop(), this.namespaceInformer.stop()]);
  }

  serial(): number {
    return this.modified;
  }

  service(namespace: string, name: string): Service | undefined {
    return this.services.get(namespace, name);
  }

  slices(namespace: string, service: string): readonly EndpointSlice[] {
    return this.endpointSlices.byIndex(BY_SERVICE, `${namespace}/${service}`);
  }

  namespaceExists(namespace: string): boolean {
    return this.namespaces.get(undefined, namespace) !== undefined;
  }

  servicesWithIP(ip: string): readonly Service[] {
    return this.services.byIndex(BY_IP, ip);
  }

  slicesWithAddress(ip: string): readonly EndpointSlice[] {
    return this.endpointSlices.byIndex(BY_IP, ip);
  }
}
