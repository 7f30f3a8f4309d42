/**
 * The pods this kubelet runs: an informer on pods with `fieldSelector=spec.nodeName=<node>` (upstream's API pod
 * source), indexed by uid; the last state of deleted pods is kept briefly for their grace period. ConfigMaps and
 * Secrets referenced by pods are read on demand.
 */
import type { ConfigMap, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../api/errors.js';
import { requireResource } from '../../api/resources.js';
import { Informer, restListWatcher } from '../../client/informer.js';
import type { RestClient } from '../../client/rest.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { ObjectSource } from './env.js';
import { PODS } from './status-writer.js';

const CONFIGMAPS = requireResource('', 'v1', 'configmaps');
const SECRETS = requireResource('', 'v1', 'secrets');
const UID_INDEX = 'uid';
const LAST_KNOWN_MAX = 1000;

export class PodSource {
  readonly informer: Informer<Pod>;
  private readonly deleted = new Map<string, Pod>();

  constructor(rest: RestClient, nodeName: string, clock: Clock, log: Logger) {
    this.informer = new Informer<Pod>(restListWatcher<Pod>(rest, PODS, undefined, { fieldSelector: `spec.nodeName=${nodeName}` }), {
      name: 'pods',
      clock,
      log,
    });
    this.informer.store.addIndex(UID_INDEX, (p) => (p.metadata?.uid ? [p.metadata.uid] : []));
    this.informer.addEventHandler({
      onDelete: (p) => {
        const uid = p.metadata?.uid;
        if (!uid) return;
        this.deleted.set(uid, p);
        if (this.deleted.size > LAST_KNOWN_MAX) this.deleted.delete(this.deleted.keys().next().value as string);
      },
    });
  }

  byUid(uid: string): Pod | undefined {
    return this.informer.store.byIndex(UID_INDEX, uid)[0];
  }

  byName(namespace: string, name: string): Pod | undefined {
    return this.informer.store.get(`${namespace}/${name}`);
  }

  lastKnown(uid: string): Pod | undefined {
    return this.byUid(uid) ?? this.deleted.get(uid);
  }

  forgetDeleted(uid: string): void {
    this.deleted.delete(uid);
  }

  list(): Pod[] {
    return this.informer.store.list();
  }
}

/** ConfigMaps and Secrets by GET (NotFound → undefined). */
export function restObjectSource(rest: RestClient): ObjectSource {
  const get = async <T>(r: typeof CONFIGMAPS, ns: string, name: string): Promise<T | undefined> => {
    try {
      return await rest.get<T & { metadata?: object }>(r, ns, name);
    } catch (e) {
      if (e instanceof ApiError && e.reason === 'NotFound') return undefined;
      throw e;
    }
  };
  return {
    configMap: (ns, name) => get<ConfigMap>(CONFIGMAPS, ns, name),
    secret: (ns, name) => get<Secret>(SECRETS, ns, name),
  };
}
