import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import type { StoredObject } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import { defaultPod } from '../../../api/defaults/index.js';
import { validatePod, validatePodUpdate } from '../../../api/validation/pod.js';
import { baseStrategy, type Strategy } from '../strategy.js';
import { podQOSClass } from './qos.js';

const asPod = (o: StoredObject) => o as unknown as Pod;

export const podStrategy: Strategy = baseStrategy(requireResource('', 'v1', 'pods'), {
  defaults: (obj) => defaultPod(asPod(obj)),
  prepareForCreate: (obj) => {
    const status: PodStatus = { phase: 'Pending', qosClass: podQOSClass(asPod(obj)) };
    obj.status = status;
  },
  validate: (obj) => validatePod(asPod(obj)),
  validateUpdate: (obj, old) => validatePodUpdate(asPod(obj), asPod(old)),
  /** upstream CheckGracefulDelete: unscheduled or terminal pods go at once */
  gracePeriodSeconds: (obj, options) => {
    const pod = asPod(obj);
    const phase = pod.status?.phase;
    if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    const requested = options.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, requested);
  },
});
