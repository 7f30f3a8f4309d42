/** Pod events from the kubelet (source component `kubelet`, host = node name), best effort via EventRecorder. */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { EventRecorder } from '../../client/events.js';

export interface PodEvents {
  normal(pod: Pod, reason: string, message: string): void;
  warning(pod: Pod, reason: string, message: string): void;
}

export function podEvents(recorder: EventRecorder): PodEvents {
  // list items carry no kind/apiVersion; the involvedObject needs them
  const ref = (pod: Pod): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata });
  return {
    normal: (pod, reason, message) => recorder.event(ref(pod), 'Normal', reason, message),
    warning: (pod, reason, message) => recorder.event(ref(pod), 'Warning', reason, message),
  };
}
