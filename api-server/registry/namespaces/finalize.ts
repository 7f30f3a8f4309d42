import type { Namespace } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../../api/errors.js';
import { isRecord, type StoredObject } from '../../../api/object.js';
import type { GenericStore, WriteOptions } from '../store.js';

/** PUT namespaces/{name}/finalize: only spec.finalizers change (the namespace controller's last step). */
export async function finalizeNamespace(store: GenericStore, name: string, body: unknown, opts: WriteOptions): Promise<StoredObject> {
  if (!isRecord(body)) throw ApiError.badRequest('the body of the request must be a Namespace object');
  const ns = body as unknown as Namespace;
  const finalizers = ns.spec?.finalizers ?? [];
  return store.guaranteedUpdate(undefined, name, 'internal', opts, ns.metadata?.resourceVersion || undefined, (cur) => {
    const spec = { ...(cur.spec as object), finalizers };
    if (finalizers.length === 0) (spec as { finalizers?: string[] }).finalizers = undefined;
    return { ...cur, spec: JSON.parse(JSON.stringify(spec)) as object };
  });
}
