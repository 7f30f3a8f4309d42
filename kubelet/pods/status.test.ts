import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { RuntimeContainer } from '../runtime/types.js';
import { computePodStatus, podPhase, rejectedStatus, type StatusInput, type WaitingReason } from './status.js';

const T0 = Date.UTC(2025, 0, 1, 0, 0, 0);
const ref = { name: 'web', namespace: 'default', uid: 'u-1' };

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}, status: Pod['status'] = { phase: 'Pending', qosClass: 'BestEffort' }): Pod {
  return { metadata: { ...ref }, spec: { containers: [{ name: 'app', image: 'img:1' }], ...spec }, status };
}

function inst(name: string, o: Partial<RuntimeContainer> = {}): RuntimeContainer {
  return { id: `${name}-${o.restartCount ?? 0}`, name, kind: 'regular', pod: ref, restartCount: 0, state: 'running', createdAt: T0, startedAt: T0 + 1000, image: 'img:1', imageId: 'sha256:abc', sandboxId: 'sb', ...o };
}

const sandbox = inst('POD', { id: 'sb', kind: 'sandbox', ip: '172.18.0.9' });
const allGood = { started: () => true, ready: () => true };

function input(p: Pod, containers: RuntimeContainer[], reasons: Record<string, WaitingReason> = {}, probes = allGood): StatusInput {
  return { pod: p, containers, probes, reasons: new Map(Object.entries(reasons)), hostIP: '127.0.0.1', now: T0 + 5000 };
}

void test('a new pod: ContainerCreating, Pending, not ready, startTime and hostIP set', () => {
  const s = computePodStatus(input(pod(), []));
  assert.equal(s.phase, 'Pending');
  assert.deepEqual(s.containerStatuses?.[0].state, { waiting: { reason: 'ContainerCreating' } });
  assert.equal(s.startTime, '2025-01-01T00:00:05Z');
  assert.equal(s.hostIP, '127.0.0.1');
  assert.equal(s.podIP, undefined);
  assert.equal(s.qosClass, 'BestEffort');
  const ready = s.conditions?.find((c) => c.type === 'Ready');
  assert.deepEqual({ ...ready }, { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]', lastTransitionTime: '2025-01-01T00:00:05Z' });
  assert.deepEqual(s.conditions?.map((c) => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
});

void test('running and ready: containerStatus fields as upstream, pod IP from the sandbox', () => {
  const s = computePodStatus(input(pod(), [sandbox, inst('app')]));
  assert.equal(s.phase, 'Running');
  assert.equal(s.podIP, '172.18.0.9');
  assert.deepEqual(s.podIPs, [{ ip: '172.18.0.9' }]);
  assert.deepEqual(s.containerStatuses?.[0], {
    name: 'app',
    state: { running: { startedAt: '2025-01-01T00:00:01Z' } },
    lastState: {},
    ready: true,
    restartCount: 0,
    image: 'img:1',
    imageID: 'docker://sha256:abc',
    containerID: 'docker://app-0',
    started: true,
  });
  assert.ok(s.conditions?.every((c) => c.status === 'True'));
});

void test('readiness and startup probes gate ready and started', () => {
  const probes = { started: () => true, ready: () => false };
  const s = computePodStatus(input(pod(), [sandbox, inst('app')], {}, probes));
  assert.equal(s.containerStatuses?.[0].ready, false);
  assert.equal(s.containerStatuses?.[0].started, true);
  assert.equal(s.conditions?.find((c) => c.type === 'ContainersReady')?.status, 'False');
  const notStarted = computePodStatus(input(pod(), [sandbox, inst('app')], {}, { started: () => false, ready: () => true }));
  assert.equal(notStarted.containerStatuses?.[0].started, false);
  assert.equal(notStarted.containerStatuses?.[0].ready, false);
});

void test('CrashLoopBackOff: waiting with the reason, lastState terminated, restartCount from the instance', () => {
  const dead = inst('app', { restartCount: 3, state: 'exited', exitCode: 2, finishedAt: T0 + 4000 });
  const older = inst('app', { restartCount: 2, state: 'exited', exitCode: 2, finishedAt: T0 + 2000 });
  const reason = { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app pod=web_default(u-1)' };
  const s = computePodStatus(input(pod(), [sandbox, older, dead], { app: reason }));
  const cs = s.containerStatuses?.[0];
  assert.deepEqual(cs?.state, { waiting: reason });
  assert.equal(cs?.lastState?.terminated?.exitCode, 2);
  assert.equal(cs?.lastState?.terminated?.reason, 'Error');
  assert.equal(cs?.lastState?.terminated?.containerID, 'docker://app-3');
  assert.equal(cs?.restartCount, 3);
  assert.equal(s.phase, 'Running');
});

void test('running after restarts: lastState is the previous instance', () => {
  const s = computePodStatus(input(pod(), [sandbox, inst('app', { restartCount: 0, state: 'exited', exitCode: 137, finishedAt: T0 + 2000 }), inst('app', { restartCount: 1 })]));
  const cs = s.containerStatuses?.[0];
  assert.equal(cs?.restartCount, 1);
  assert.equal(cs?.lastState?.terminated?.exitCode, 137);
  assert.ok(cs?.state?.running);
});

void test('restartPolicy decides the phase once containers stop', () => {
  const ok = inst('app', { state: 'exited', exitCode: 0, finishedAt: T0 + 3000 });
  const bad = inst('app', { state: 'exited', exitCode: 1, finishedAt: T0 + 3000 });
  assert.equal(computePodStatus(input(pod({ restartPolicy: 'Never' }), [sandbox, ok])).phase, 'Succeeded');
  assert.equal(computePodStatus(input(pod({ restartPolicy: 'Never' }), [sandbox, bad])).phase, 'Failed');
  assert.equal(computePodStatus(input(pod({ restartPolicy: 'OnFailure' }), [sandbox, ok])).phase, 'Succeeded');
  assert.equal(computePodStatus(input(pod({ restartPolicy: 'OnFailure' }), [sandbox, bad])).phase, 'Running');
  const done = computePodStatus(input(pod({ restartPolicy: 'Never' }), [sandbox, ok]));
  assert.equal(done.containerStatuses?.[0].state?.terminated?.reason, 'Completed');
  assert.equal(done.conditions?.find((c) => c.type === 'Ready')?.reason, 'PodCompleted');
  // a terminal phase never goes back
  assert.equal(computePodStatus(input(pod({}, { phase: 'Succeeded' }), [sandbox, inst('app')])).phase, 'Succeeded');
});

void test('init containers: PodInitializing until they all succeed; a failed one with Never fails the pod', () => {
  const spec = { initContainers: [{ name: 'a', image: 'i' }, { name: 'b', image: 'i' }] };
  const initA = inst('a', { kind: 'init', state: 'exited', exitCode: 0, finishedAt: T0 + 2000 });
  const initB = inst('b', { kind: 'init' });
  const s = computePodStatus(input(pod(spec), [sandbox, initA, initB]));
  assert.equal(s.phase, 'Pending');
  assert.deepEqual(s.containerStatuses?.[0].state, { waiting: { reason: 'PodInitializing' } });
  assert.equal(s.initContainerStatuses?.[0].ready, true);
  assert.equal(s.initContainerStatuses?.[1].state?.running !== undefined, true);
  const init = s.conditions?.find((c) => c.type === 'Initialized');
  assert.equal(init?.status, 'False');
  assert.equal(init?.message, 'containers with incomplete status: [b]');
  const failedB = inst('b', { kind: 'init', state: 'exited', exitCode: 1, finishedAt: T0 + 3000 });
  assert.equal(computePodStatus(input(pod({ ...spec, restartPolicy: 'Never' }), [sandbox, initA, failedB])).phase, 'Failed');
  assert.equal(computePodStatus(input(pod({ ...spec, restartPolicy: 'Always' }), [sandbox, initA, failedB])).phase, 'Pending');
});

void test('ErrImagePull before any instance exists shows as the waiting reason', () => {
  const s = computePodStatus(input(pod(), [sandbox], { app: { reason: 'ErrImagePull', message: 'pull failed' } }));
  assert.deepEqual(s.containerStatuses?.[0].state, { waiting: { reason: 'ErrImagePull', message: 'pull failed' } });
  assert.equal(s.phase, 'Pending');
});

void test('lastTransitionTime survives while a condition keeps its status; other conditions are kept', () => {
  const first = computePodStatus(input(pod(), [sandbox, inst('app')]));
  const p = pod({}, { ...first, conditions: [...(first.conditions ?? []), { type: 'example.com/gate', status: 'True' }] });
  const again = computePodStatus({ ...input(p, [sandbox, inst('app')]), now: T0 + 60_000 });
  assert.deepEqual(again.conditions?.map((c) => c.lastTransitionTime), [...(first.conditions ?? []).map((c) => c.lastTransitionTime), undefined]);
  assert.equal(again.startTime, first.startTime);
  // the sandbox is gone (restarting): the old pod IP is kept
  const noSandbox = computePodStatus(input(pod({}, first), [inst('app', { state: 'exited', exitCode: 0, finishedAt: T0 })]));
  assert.equal(noSandbox.podIP, '172.18.0.9');
});

void test('a deleted pod whose containers all stopped is terminal; rejection has upstream shape', () => {
  const p = pod();
  p.metadata = { ...p.metadata, deletionTimestamp: '2025-01-01T00:01:00Z' };
  assert.equal(computePodStatus(input(p, [inst('app', { state: 'exited', exitCode: 137, finishedAt: T0 })])).phase, 'Failed');
  assert.equal(computePodStatus(input(p, [inst('app', { state: 'exited', exitCode: 0, finishedAt: T0 })])).phase, 'Succeeded');
  const r = rejectedStatus(pod(), 'OutOfpods', 'Node didn\'t have enough resource: pods', T0);
  assert.equal(r.phase, 'Failed');
  assert.equal(r.reason, 'OutOfpods');
  assert.equal(r.message, "Pod was rejected: Node didn't have enough resource: pods");
});

void test('podPhase: waiting containers keep the pod Pending', () => {
  assert.equal(podPhase(pod(), [], [{ name: 'a', ready: false, restartCount: 0, image: '', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }]), 'Pending');
});
