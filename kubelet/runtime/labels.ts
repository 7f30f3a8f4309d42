/**
 * The Docker labels contract (DESIGN.md): every container, volume and network the kubelet creates carries
 * `io.kubemu.cluster`; pod containers also carry the pod's identity, the container name and the node, so that a
 * restarted kubelet can rebuild its state from Docker alone. Key names follow dockershim where it had one.
 */
export const LABEL_CLUSTER = 'io.kubemu.cluster';
export const LABEL_NODE = 'io.kubemu.node';
export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';
/** dockershim's sandbox marker: `podsandbox` or `container`. */
export const LABEL_DOCKER_TYPE = 'io.kubernetes.docker.type';
/** `sandbox`, `init` or `regular`. */
export const LABEL_CONTAINER_KIND = 'io.kubemu.container.kind';
/** The container instance number (restartCount for containers, attempt for sandboxes). */
export const LABEL_RESTART_COUNT = 'io.kubernetes.container.restartCount';
/** Hash of the container spec; a change restarts the container, as upstream. */
export const LABEL_CONTAINER_HASH = 'io.kubernetes.container.hash';
export const LABEL_POD_GRACE = 'io.kubernetes.pod.terminationGracePeriod';
export const LABEL_SANDBOX_ID = 'io.kubernetes.sandbox.id';
/** The volume name on pod volumes (emptyDir). */
export const LABEL_VOLUME_NAME = 'io.kubemu.volume.name';

/** The container name used for sandboxes, as dockershim. */
export const SANDBOX_CONTAINER_NAME = 'POD';

export type ContainerKind = 'sandbox' | 'init' | 'regular';

export interface PodRef {
  name: string;
  namespace: string;
  uid: string;
}

/** dockershim's container naming: `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`. */
export function dockerContainerName(pod: PodRef, container: string, attempt: number): string {
  return `k8s_${container}_${pod.name}_${pod.namespace}_${pod.uid}_${attempt}`;
}

/** Docker volume names allow `[a-zA-Z0-9][a-zA-Z0-9_.-]*`; pod volume names are DNS labels. */
export function dockerVolumeName(podUid: string, volume: string): string {
  return `k8s_${podUid}_${volume}`;
}
