/**
 * RealPodControl (controller_utils.go): creates pods from a template with a controller reference and deletes pods,
 * recording upstream's events on the owner (SuccessfulCreate / FailedCreate / SuccessfulDelete / FailedDelete).
 */
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { ApiError, isApiError } from '../../../api/errors.js';
import { deepCopy, type DeepMutable } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import type { EventRecorder } from '../../../client/events.js';
import type { RestClient } from '../../../client/rest.js';
import type { ObjectLike } from '../../../client/types.js';
import { errorMessage, hasStatusCause, NAMESPACE_TERMINATING_CAUSE } from './errors.js';
import { mutableCopy } from './kinds.js';

export const PODS = requireResource('', 'v1', 'pods');

/** GetPodFromTemplate: labels, annotations and finalizers of the template, generateName `<owner>-`, the spec. */
export function podFromTemplate(template: PodTemplateSpec, ownerName: string, ref: OwnerReference): Pod {
  const meta = template.metadata ?? {};
  const pod: DeepMutable<Pod> = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: `${ownerName}-`, ownerReferences: [deepCopy(ref)] },
  };
  const m = pod.metadata!;
  if (meta.labels) m.labels = { ...meta.labels };
  if (meta.annotations) m.annotations = { ...meta.annotations };
  if (meta.finalizers) m.finalizers = [...meta.finalizers];
  pod.spec = mutableCopy(template.spec);
  return pod;
}

export class PodControl {
  constructor(
    private readonly rest: RestClient,
    private readonly recorder: EventRecorder,
  ) {}

  /** `namePrefix` replaces the owner's name in generateName (an Indexed Job names pods `<job>-<index>-`). */
  async createPod(namespace: string, template: PodTemplateSpec, owner: ObjectLike, ref: OwnerReference, namePrefix?: string): Promise<Pod> {
    const pod = podFromTemplate(template, namePrefix ?? owner.metadata?.name ?? '', ref);
    if (Object.keys(pod.metadata?.labels ?? {}).length === 0) throw ApiError.badRequest('unable to create pods, no labels');
    try {
      const created = await this.rest.create<Pod>(PODS, namespace, pod);
      this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name ?? ''}`);
      return created;
    } catch (e) {
      if (!hasStatusCause(e, NAMESPACE_TERMINATING_CAUSE)) this.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(e)}`);
      throw e;
    }
  }

  async deletePod(namespace: string, name: string, owner: ObjectLike): Promise<void> {
    try {
      await this.rest.delete(PODS, namespace, name);
      this.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (e) {
      if (!isApiError(e, 'NotFound')) this.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(e)}`);
      throw e;
    }
  }
}
