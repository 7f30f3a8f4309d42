import type { Binding, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { DeepMutable } from '../../../api/object.js';
import { ApiError, FieldError, type Status } from '../../../api/errors.js';
import { isRecord, type StoredObject } from '../../../api/object.js';
import { rfc3339, type GenericStore } from '../store.js';

/**
 * POST pods/{name}/binding: assigns a node once (upstream pkg/registry/core/pod/storage BindingREST).
 * A pod that is already bound or being deleted gives 409 Conflict.
 */
export async function bindPod(pods: GenericStore, ns: string, name: string, body: unknown, dryRun: boolean, now: () => Date): Promise<Status> {
  if (!isRecord(body)) throw ApiError.badRequest('the body of the request must be a Binding object');
  const binding = body as unknown as Partial<Binding>;
  const target = binding.target;
  const errs: FieldError[] = [];
  if (!target?.name) errs.push(FieldError.required('target.name'));
  if (target?.kind && target.kind !== 'Node') errs.push(FieldError.notSupported('target.kind', target.kind, ['Node']));
  if (binding.metadata?.name && binding.metadata.name !== name) {
    throw ApiError.badRequest(`the name of the object (${binding.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (errs.length) throw ApiError.invalid('Binding', '', name, errs);
  const nodeName = target!.name;
  await pods.guaranteedUpdate(ns, name, 'internal', { dryRun }, binding.metadata?.resourceVersion || undefined, (cur: StoredObject) => {
    const pod = cur as unknown as DeepMutable<Pod>;
    if (cur.metadata.deletionTimestamp) {
      throw ApiError.conflict(pods.gr, name, `pod ${name} is being deleted, cannot be assigned to a host`);
    }
    if (binding.metadata?.uid && binding.metadata.uid !== cur.metadata.uid) {
      throw ApiError.conflict(pods.gr, name, `Precondition failed: UID in precondition: ${binding.metadata.uid}, UID in object meta: ${cur.metadata.uid ?? ''}`);
    }
    if (pod.spec?.nodeName) {
      throw ApiError.conflict(pods.gr, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
    }
    pod.spec = { ...pod.spec!, nodeName };
    const conds: PodCondition[] = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: rfc3339(now()) });
    pod.status = { ...pod.status, conditions: conds };
    return cur;
  });
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}
