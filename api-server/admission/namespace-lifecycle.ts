import type { Namespace } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../api/errors.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { GenericStore } from '../registry/store.js';

/**
 * Upstream's NamespaceLifecycle admission: objects may only be created in a namespace that exists and
 * is not terminating. The cache answers first; a miss is confirmed against etcd (the namespace may have
 * been created a moment ago).
 */
export function namespaceLifecycle(namespaces: () => GenericStore) {
  return async (ns: string | undefined, info: ResourceInfo, op: 'create' | 'update'): Promise<void> => {
    if (op !== 'create' || !info.namespaced || !ns) return;
    const store = namespaces();
    let obj = store.cache.get(store.key(undefined, ns));
    if (!obj) {
      try {
        obj = await store.get(undefined, ns);
      } catch (e) {
        if (e instanceof ApiError && e.reason === 'NotFound') throw ApiError.notFound({ group: '', resource: 'namespaces' }, ns);
        throw e;
      }
    }
    const phase = (obj as unknown as Namespace).status?.phase;
    if (phase === 'Terminating' || obj.metadata.deletionTimestamp) {
      throw new ApiError(403, 'Forbidden', `${info.resource} "" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
        kind: info.resource,
        group: info.group || undefined,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  };
}
