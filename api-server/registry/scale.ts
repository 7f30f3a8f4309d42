import { ApiError, FieldError } from '../../api/errors.js';
import { isRecord, type KubeObject, type StoredObject } from '../../api/object.js';
import { formatLabelSelector } from '../../api/labels.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { GenericStore, WriteOptions } from './store.js';

interface Scale extends KubeObject {
  spec: { replicas: number };
  status: { replicas: number; selector?: string };
}

/** The autoscaling/v1 Scale view of a Deployment or ReplicaSet. */
export function toScale(obj: StoredObject): Scale {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: LabelSelector };
  const status = (obj.status ?? {}) as { replicas?: number };
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: spec.selector ? formatLabelSelector(spec.selector) : undefined },
  };
}

export async function getScale(store: GenericStore, ns: string | undefined, name: string): Promise<Scale> {
  return toScale(await store.get(ns, name));
}

export async function updateScale(store: GenericStore, ns: string | undefined, name: string, body: unknown, opts: WriteOptions): Promise<Scale> {
  const scale = checkScale(body, name);
  const precondition = scale.metadata?.resourceVersion || undefined;
  const updated = await store.guaranteedUpdate(ns, name, '', opts, precondition, (cur) => withReplicas(cur, scale.spec.replicas));
  return toScale(updated);
}

/** PATCH on /scale: the patch applies to the Scale view; its replicas go to the parent's spec. */
export async function patchScale(
  store: GenericStore,
  ns: string | undefined,
  name: string,
  patch: (scale: Scale) => unknown,
  opts: WriteOptions,
): Promise<Scale> {
  const updated = await store.guaranteedUpdate(ns, name, '', opts, undefined, (cur) => {
    const patched = checkScale(patch(toScale(cur)), name);
    if (patched.metadata?.resourceVersion && patched.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw ApiError.modified(store.gr, name);
    }
    return withReplicas(cur, patched.spec.replicas);
  });
  return toScale(updated);
}

function withReplicas(cur: StoredObject, replicas: number): StoredObject {
  return { ...cur, spec: { ...(cur.spec as object), replicas } };
}

function checkScale(body: unknown, name: string): Scale {
  if (!isRecord(body) || !isRecord(body.spec)) throw ApiError.badRequest('the body of the request must be a Scale object');
  const replicas = body.spec.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw ApiError.invalid('Scale', 'autoscaling', name, [FieldError.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')]);
  }
  if (isRecord(body.metadata) && body.metadata.name !== undefined && body.metadata.name !== name) {
    throw ApiError.badRequest(`the name of the object (${JSON.stringify(body.metadata.name)}) does not match the name on the URL (${name})`);
  }
  return body as unknown as Scale;
}
