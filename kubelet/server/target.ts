/**
 * Finding what a streaming request is about: the pod (from the kubelet's own cache) and the container instance,
 * with upstream's error texts (Status errors, sent as JSON before any upgrade).
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../api/errors.js';
import { instancesOf } from '../pods/instances.js';
import type { ContainerRuntime, RuntimeContainer } from '../runtime/types.js';

export interface StreamingBackend {
  runtime: ContainerRuntime;
  /** A pod bound to this node, by namespace and name. */
  pod(namespace: string, name: string): Pod | undefined;
}

export interface Target {
  pod: Pod;
  spec: Container;
  kind: 'init' | 'regular';
  /** Newest first. */
  instances: RuntimeContainer[];
  /** The pod's IP (its running sandbox), if any. */
  podIP: string | undefined;
}

export async function findPod(backend: StreamingBackend, namespace: string, name: string): Promise<{ pod: Pod; all: RuntimeContainer[] }> {
  const pod = backend.pod(namespace, name);
  if (!pod) throw ApiError.notFound({ group: '', resource: 'pods' }, name);
  const all = await backend.runtime.podContainers(pod.metadata?.uid ?? '');
  return { pod, all };
}

export async function findTarget(backend: StreamingBackend, namespace: string, podName: string, container: string | null): Promise<Target> {
  const { pod, all } = await findPod(backend, namespace, podName);
  const regular = pod.spec?.containers ?? [];
  const init = pod.spec?.initContainers ?? [];
  let name = container;
  if (!name) {
    if (regular.length !== 1) {
      throw ApiError.badRequest(`a container name must be specified for pod ${podName}, choose one of: [${regular.map((c) => c.name).join(' ')}]`);
    }
    name = regular[0].name;
  }
  const spec = regular.find((c) => c.name === name) ?? init.find((c) => c.name === name);
  if (!spec) throw ApiError.badRequest(`container ${name} is not valid for pod ${podName}`);
  const kind = regular.includes(spec) ? 'regular' : 'init';
  const sandbox = all.find((c) => c.kind === 'sandbox' && c.state === 'running');
  return { pod, spec, kind, instances: instancesOf(all, spec.name, kind), podIP: sandbox?.ip };
}

/** The running instance for exec/attach, else upstream's BadRequest. */
export function runningInstance(t: Target): RuntimeContainer {
  const latest = t.instances[0];
  if (!latest || latest.state !== 'running') {
    throw ApiError.badRequest(`container ${t.spec.name} is not running in pod ${t.pod.metadata?.name ?? ''}`);
  }
  return latest;
}
