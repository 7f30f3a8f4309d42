/** DefaultBinder: POST pods/{name}/binding with the pod's UID as precondition (201, or 409 if already bound). */
import type { Binding, Pod } from 'kubernetes-types/core/v1.js';
import { requireResource } from '../api/resources.js';
import type { RestClient } from '../client/rest.js';

export const PODS = requireResource('', 'v1', 'pods');

export interface Binder {
  /** Resolves once bound; rejects with the ApiError of the answer (Conflict when already bound or deleting). */
  bind(pod: Pod, nodeName: string): Promise<void>;
}

export function bindingFor(pod: Pod, nodeName: string): Binding {
  return {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace, uid: pod.metadata?.uid },
    target: { kind: 'Node', name: nodeName },
  };
}

export function restBinder(rest: RestClient): Binder {
  return {
    bind: async (pod, nodeName) => {
      await rest.createSubresource(PODS, pod.metadata?.namespace, pod.metadata?.name ?? '', 'binding', bindingFor(pod, nodeName));
    },
  };
}
