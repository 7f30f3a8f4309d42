/**
 * The pod status the kubelet reports, computed (purely) from the pod, its runtime containers, probe results and
 * the reasons of failed start attempts — as upstream's generateAPIPodStatus / convertToAPIContainerStatuses /
 * getPhase and the condition generators in pkg/kubelet/status.
 */
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { formatTime } from '../../client/events.js';
import type { RuntimeContainer } from '../runtime/types.js';
import { instancesOf, runningSandbox, shouldRestart } from './instances.js';

/** A failed start attempt's reason (ErrImagePull, CrashLoopBackOff, CreateContainerConfigError, …). */
export interface WaitingReason {
  reason: string;
  message?: string;
}

export interface ProbeView {
  /** Startup probe passed (true when the container has none). */
  started(name: string, containerId: string): boolean;
  /** Readiness probe passes (true when the container has none). */
  ready(name: string, containerId: string): boolean;
}

export interface StatusInput {
  pod: Pod;
  containers: readonly RuntimeContainer[];
  probes: ProbeView;
  /** Reasons of failed start attempts by container name. */
  reasons: ReadonlyMap<string, WaitingReason>;
  hostIP: string;
  now: number;
}

/** Conditions the kubelet owns, in upstream's order. PodScheduled is kept from the scheduler when present. */
const KUBELET_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'];

export function isTerminalPhase(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

function terminatedState(c: RuntimeContainer): ContainerState {
  const finished = formatTime(c.finishedAt ?? c.createdAt);
  const reason = c.startError ? 'StartError' : c.oomKilled ? 'OOMKilled' : c.exitCode === 0 ? 'Completed' : 'Error';
  const t: NonNullable<ContainerState['terminated']> = {
    exitCode: c.startError ? (c.exitCode || 128) : (c.exitCode ?? 0),
    reason,
    startedAt: c.startedAt !== undefined ? formatTime(c.startedAt) : finished,
    finishedAt: finished,
    containerID: `docker://${c.id}`,
  };
  if (c.startError) t.message = c.startError;
  return { terminated: t };
}

function stateOf(c: RuntimeContainer): ContainerState {
  switch (c.state) {
    case 'running':
      return { running: { startedAt: formatTime(c.startedAt ?? c.createdAt) } };
    case 'exited':
      return terminatedState(c);
    default:
      return c.startError ? terminatedState(c) : { waiting: { reason: 'ContainerCreating' } };
  }
}

function containerStatus(spec: Container, kind: 'init' | 'regular', input: StatusInput, defaultWaiting: string): ContainerStatus {
  const [latest, previous] = instancesOf(input.containers, spec.name, kind);
  const reason = input.reasons.get(spec.name);
  if (!latest) {
    const waiting: NonNullable<ContainerState['waiting']> = { reason: reason?.reason ?? defaultWaiting };
    if (reason?.message) waiting.message = reason.message;
    return { name: spec.name, state: { waiting }, lastState: {}, ready: false, restartCount: 0, image: spec.image ?? '', imageID: '', started: false };
  }
  let state = stateOf(latest);
  let lastState: ContainerState = previous && previous.state === 'exited' ? terminatedState(previous) : {};
  if (latest.state !== 'running' && reason && shouldRestart(input.pod, latest)) {
    if (state.terminated) lastState = state;
    state = { waiting: reason.message ? { reason: reason.reason, message: reason.message } : { reason: reason.reason } };
  }
  const running = latest.state === 'running';
  const started = running && input.probes.started(spec.name, latest.id);
  const ready = kind === 'init' ? latest.state === 'exited' && latest.exitCode === 0 && !latest.startError : started && input.probes.ready(spec.name, latest.id);
  return {
    name: spec.name,
    state,
    lastState,
    ready,
    restartCount: latest.restartCount,
    image: spec.image ?? latest.image,
    imageID: latest.imageId ? `docker://${latest.imageId}` : '',
    containerID: `docker://${latest.id}`,
    started,
  };
}

/** upstream getPhase. */
export function podPhase(pod: Pod, init: ContainerStatus[], regular: ContainerStatus[]): NonNullable<PodStatus['phase']> {
  let pendingInit = 0;
  let failedInit = 0;
  for (const s of init) {
    const st = s.state ?? {};
    if (st.running) pendingInit++;
    else if (st.terminated) {
      if (st.terminated.exitCode !== 0) failedInit++;
    } else if (st.waiting) {
      const last = s.lastState?.terminated;
      if (last) {
        if (last.exitCode !== 0) failedInit++;
      } else pendingInit++;
    } else pendingInit++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of regular) {
    const st = s.state ?? {};
    if (st.running) running++;
    else if (st.terminated) {
      stopped++;
      if (st.terminated.exitCode === 0) succeeded++;
    } else if (st.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  const policy = pod.spec?.restartPolicy ?? 'Always';
  // a deleted pod whose containers all stopped is terminal (upstream podIsTerminal)
  if (pod.metadata?.deletionTimestamp && running === 0 && pendingInit === 0) return stopped > 0 && stopped === succeeded ? 'Succeeded' : 'Failed';
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  const anyRegularStarted = regular.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
  if ((pendingInit > 0 && !anyRegularStarted) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function goList(names: string[]): string {
  return `[${names.join(' ')}]`;
}

function condition(type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  const c: PodCondition = { type, status: ok ? 'True' : 'False' };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

function kubeletConditions(pod: Pod, phase: string, sandboxReady: boolean, init: ContainerStatus[], regular: ContainerStatus[]): PodCondition[] {
  const incomplete = init.filter((s) => !(s.state?.terminated && s.state.terminated.exitCode === 0)).map((s) => s.name);
  const anyRegularStarted = regular.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
  const initialized = incomplete.length === 0 || anyRegularStarted;
  const unready = regular.filter((s) => !s.ready).map((s) => s.name);
  let ready: PodCondition;
  if (phase === 'Succeeded') ready = condition('', false, 'PodCompleted');
  else if (unready.length > 0) ready = condition('', false, 'ContainersNotReady', `containers with unready status: ${goList(unready)}`);
  else ready = condition('', true);
  const containersReady = { ...ready, type: 'ContainersReady' };
  let podReady: PodCondition = { ...ready, type: 'Ready' };
  if (podReady.status === 'True') {
    const missing = (pod.spec?.readinessGates ?? [])
      .map((g) => g.conditionType)
      .filter((t) => (pod.status?.conditions ?? []).find((c) => c.type === t)?.status !== 'True');
    if (missing.length > 0) {
      podReady = condition('Ready', false, 'ReadinessGatesNotReady', `corresponding condition of pod readiness gate "${missing[0]}" does not exist.`);
    }
  }
  return [
    condition('PodReadyToStartContainers', sandboxReady),
    condition('Initialized', initialized, 'ContainersNotInitialized', `containers with incomplete status: ${goList(incomplete)}`),
    podReady,
    containersReady,
  ];
}

/** Keeps lastTransitionTime of conditions whose status did not change, stamps the others with `now`. */
function withTransitionTimes(conds: PodCondition[], old: readonly PodCondition[], now: string): PodCondition[] {
  return conds.map((c) => {
    const prev = old.find((o) => o.type === c.type);
    const at = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
    return { ...c, lastTransitionTime: at };
  });
}

/** The full status to report for a running (not rejected) pod. */
export function computePodStatus(input: StatusInput): PodStatus {
  const { pod } = input;
  const old = pod.status ?? {};
  const spec = pod.spec ?? { containers: [] };
  const hasInit = (spec.initContainers ?? []).length > 0;
  const defaultWaiting = hasInit ? 'PodInitializing' : 'ContainerCreating';
  const init = (spec.initContainers ?? []).map((c) => containerStatus(c, 'init', input, defaultWaiting));
  const regular = spec.containers.map((c) => containerStatus(c, 'regular', input, defaultWaiting));
  const phase = isTerminalPhase(old.phase) ? (old.phase as string) : podPhase(pod, init, regular);
  const sandbox = runningSandbox(input.containers);
  const now = formatTime(input.now);
  const conditions = withTransitionTimes(kubeletConditions(pod, phase, Boolean(sandbox?.ip), init, regular), old.conditions ?? [], now);
  const others = (old.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.includes(c.type));
  if (!others.some((c) => c.type === 'PodScheduled')) others.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: now });
  const status: PodStatus = {
    ...old,
    phase,
    conditions: [...conditions, ...others],
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: old.startTime ?? now,
    containerStatuses: regular,
  };
  if (hasInit) status.initContainerStatuses = init;
  else delete status.initContainerStatuses;
  const ip = sandbox?.ip;
  if (ip) {
    status.podIP = ip;
    status.podIPs = [{ ip }];
  }
  return status;
}

/** upstream rejectPod: the pod never runs here. */
export function rejectedStatus(pod: Pod, reason: string, message: string, now: number): PodStatus {
  return { ...(pod.status ?? {}), phase: 'Failed', reason, message: `Pod was rejected: ${message}`, startTime: pod.status?.startTime ?? formatTime(now) };
}
