/**
 * The ownership graph the garbage collector works on, kept in the shared informers' caches (upstream keeps its own
 * graph built from the same events): every monitored resource's cache is indexed by uid and by owner uid, so
 * "the object with uid X" and "the dependents of X" are index lookups across all monitored resources.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { findByKind, RESOURCES, type ResourceInfo } from '../../../api/resources.js';
import type { Informer } from '../../../client/informer.js';
import type { SharedInformers } from '../../informers.js';

export const UID_INDEX = 'uid';
export const OWNER_UID_INDEX = 'ownerUid';

/** Resources not watched: Events (both groups share one storage) never own anything and churn a lot. */
const UNMONITORED = new Set(['/events', 'events.k8s.io/events']);

export function monitoredResources(): ResourceInfo[] {
  return RESOURCES.filter((r) => !UNMONITORED.has(`${r.group}/${r.resource}`) && r.verbs.includes('delete') && r.verbs.includes('watch'));
}

/** The queue key of an object: group|resource|namespace|name. */
export function itemKey(r: ResourceInfo, obj: KubeObject): string {
  return `${r.group}|${r.resource}|${obj.metadata?.namespace ?? ''}|${obj.metadata?.name ?? ''}`;
}

export interface Item {
  resource: ResourceInfo;
  namespace: string | undefined;
  name: string;
}

export class OwnerGraph {
  readonly resources: ResourceInfo[];
  private readonly informers = new Map<ResourceInfo, Informer>();

  constructor(informers: SharedInformers) {
    this.resources = monitoredResources();
    for (const r of this.resources) {
      informers.ensureIndex(r, UID_INDEX, (o) => (o.metadata?.uid ? [o.metadata.uid] : []));
      informers.ensureIndex(r, OWNER_UID_INDEX, (o) => (o.metadata?.ownerReferences ?? []).map((ref) => ref.uid));
      this.informers.set(r, informers.informer(r));
    }
  }

  informer(r: ResourceInfo): Informer {
    return this.informers.get(r)!;
  }

  parseKey(key: string): Item | undefined {
    const [group, resource, ns, ...rest] = key.split('|');
    const r = this.resources.find((x) => x.group === group && x.resource === resource);
    if (!r) return undefined;
    return { resource: r, namespace: ns || undefined, name: rest.join('|') };
  }

  get(item: Item): KubeObject | undefined {
    const key = item.resource.namespaced ? `${item.namespace ?? ''}/${item.name}` : item.name;
    return this.informer(item.resource).store.get(key);
  }

  /** The monitored resource of an owner reference (undefined: a kind kubemu does not serve or watch). */
  resourceOf(ref: OwnerReference): ResourceInfo | undefined {
    const r = findByKind(ref.apiVersion, ref.kind);
    return r && this.informers.has(r) ? r : undefined;
  }

  /** The cached object with this uid in resource `r`. */
  byUid(r: ResourceInfo, uid: string): KubeObject | undefined {
    return this.informer(r).store.byIndex(UID_INDEX, uid)[0];
  }

  /** Every cached object (of any monitored resource) with an owner reference to `uid`. */
  dependents(uid: string): { resource: ResourceInfo; obj: KubeObject }[] {
    const out: { resource: ResourceInfo; obj: KubeObject }[] = [];
    for (const [r, inf] of this.informers) for (const obj of inf.store.byIndex(OWNER_UID_INDEX, uid)) out.push({ resource: r, obj });
    return out;
  }

  synced(): boolean {
    for (const inf of this.informers.values()) if (!inf.hasSynced()) return false;
    return true;
  }
}
