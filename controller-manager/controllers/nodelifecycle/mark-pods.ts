/** MarkPodsNotReady (controller/util/node/controller_utils.go): the pods of a node that stopped reporting become not ready. */
import type { Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../../../api/errors.js';
import { deepCopy, type DeepMutable } from '../../../api/object.js';
import type { EventRecorder } from '../../../client/events.js';
import type { RestClient } from '../../../client/rest.js';
import { asError } from '../util/errors.js';
import { mutableCopy, typed } from '../util/kinds.js';
import { PODS } from '../util/pod-control.js';
import { rfc3339 } from '../util/time.js';

/** Sets Ready=False on each pod of `nodeName` that is ready; the first error (other than NotFound) is thrown after trying all. */
export async function markPodsNotReady(rest: RestClient, recorder: EventRecorder, pods: readonly Pod[], nodeName: string, nowMs: number): Promise<void> {
  let firstError: unknown;
  for (const pod of pods) {
    if (pod.spec?.nodeName !== nodeName) continue;
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (!ready || ready.status === 'False') continue;
    const copy = mutableCopy(pod);
    const cond: DeepMutable<PodCondition> = { ...deepCopy(ready), status: 'False', lastTransitionTime: rfc3339(nowMs) };
    copy.status!.conditions = copy.status!.conditions!.map((c) => (c.type === 'Ready' ? cond : c));
    try {
      await rest.updateStatus<Pod>(PODS, pod.metadata?.namespace, copy);
      recorder.event(typed(pod, 'v1', 'Pod'), 'Warning', 'NodeNotReady', 'Node is not ready');
    } catch (e) {
      if (isApiError(e, 'NotFound')) continue;
      firstError ??= e;
    }
  }
  if (firstError !== undefined) throw asError(firstError);
}
