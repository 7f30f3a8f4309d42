/**
 * A small shared-informer factory: one Informer (list+watch) per resource for the whole controller-manager, as
 * client-go's SharedInformerFactory. Controllers ask for the informers they need before `start()`; every informer
 * asked for is started by `start()` and waited for by `waitForSync()`.
 */
import type { KubeObject } from '../api/object.js';
import type { ResourceInfo } from '../api/resources.js';
import { Informer, restListWatcher } from '../client/informer.js';
import { Lister } from '../client/lister.js';
import type { IndexFunc } from '../client/store.js';
import type { RestClient } from '../client/rest.js';
import type { ObjectLike } from '../client/types.js';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';

export interface SharedInformersOptions {
  rest: RestClient;
  log: Logger;
  clock: Clock;
  /** onUpdate(obj, obj) for every cached object this often; 0 = off. */
  resyncPeriodMs?: number;
}

export class SharedInformers {
  private readonly informers = new Map<ResourceInfo, Informer>();
  private readonly started = new Set<ResourceInfo>();
  private signal: AbortSignal | undefined;

  constructor(private readonly opts: SharedInformersOptions) {}

  /** The one informer of `resource` (created on first use; started by start()). */
  informer<T extends ObjectLike = KubeObject>(resource: ResourceInfo): Informer<T> {
    let inf = this.informers.get(resource);
    if (!inf) {
      inf = new Informer<KubeObject>(restListWatcher(this.opts.rest, resource), {
        name: resource.group ? `${resource.resource}.${resource.group}` : resource.resource,
        log: this.opts.log,
        clock: this.opts.clock,
        resyncPeriodMs: this.opts.resyncPeriodMs ?? 0,
      });
      this.informers.set(resource, inf);
      // an informer asked for after start() is started at once
      if (this.signal) this.startOne(resource, inf, this.signal);
    }
    return inf as unknown as Informer<T>;
  }

  lister<T extends ObjectLike = KubeObject>(resource: ResourceInfo): Lister<T> {
    return new Lister<T>(this.informer<T>(resource));
  }

  /** Adds a secondary index to a resource's cache unless one of that name exists. */
  ensureIndex<T extends ObjectLike = KubeObject>(resource: ResourceInfo, name: string, fn: IndexFunc<T>): void {
    const store = this.informer<T>(resource).store;
    if (!store.hasIndex(name)) store.addIndex(name, fn);
  }

  /** Starts every informer created so far (and any created later) until `signal` aborts. */
  start(signal: AbortSignal): void {
    this.signal = signal;
    for (const [r, inf] of this.informers) this.startOne(r, inf, signal);
  }

  /** Resolves true once every informer has synced, false if `signal` aborts first. */
  async waitForSync(signal: AbortSignal): Promise<boolean> {
    const all = [...this.informers.values()];
    const results = await Promise.all(all.map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  hasSynced(): boolean {
    for (const inf of this.informers.values()) if (!inf.hasSynced()) return false;
    return true;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }

  private startOne(r: ResourceInfo, inf: Informer, signal: AbortSignal): void {
    if (this.started.has(r)) return;
    this.started.add(r);
    inf.start(signal);
  }
}
