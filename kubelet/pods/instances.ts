/** Helpers over a pod's runtime container instances (pure). */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerKind } from '../runtime/labels.js';
import type { RuntimeContainer } from '../runtime/types.js';

function newer(a: RuntimeContainer, b: RuntimeContainer): number {
  return b.restartCount - a.restartCount || b.createdAt - a.createdAt;
}

/** Instances of one container (or of the sandbox), newest first. */
export function instancesOf(all: readonly RuntimeContainer[], name: string, kind: ContainerKind): RuntimeContainer[] {
  return all.filter((c) => c.kind === kind && c.name === name).sort(newer);
}

export function sandboxesOf(all: readonly RuntimeContainer[]): RuntimeContainer[] {
  return all.filter((c) => c.kind === 'sandbox').sort(newer);
}

/** The running sandbox (newest first), if any. */
export function runningSandbox(all: readonly RuntimeContainer[]): RuntimeContainer | undefined {
  return sandboxesOf(all).find((s) => s.state === 'running');
}

/** upstream ShouldContainerBeRestarted: whether the container's latest instance calls for a (re)start. */
export function shouldRestart(pod: Pod, latest: RuntimeContainer | undefined): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  if (!latest) return true;
  if (latest.state === 'running') return false;
  if (latest.state === 'unknown' || latest.state === 'created') return true;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' && latest.exitCode === 0) return false;
  return true;
}

/** A stable key for one container of one pod (back-off, reason cache). */
export function containerKey(podUid: string, name: string): string {
  return `${podUid}/${name}`;
}

/** upstream format.Pod: `name_namespace(uid)`. */
export function formatPod(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}
