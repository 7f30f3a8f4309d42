import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { DeepMutable } from '../../api/object.js';
import { printPod } from './pod.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const MIN = 60_000;

interface Fixture {
  containers?: string[];
  initContainers?: { name: string; restartPolicy?: string }[];
  phase?: string;
  reason?: string;
  conditions?: PodCondition[];
  initStatuses?: ContainerStatus[];
  statuses?: ContainerStatus[];
  deleting?: boolean;
}

function pod(f: Fixture): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', creationTimestamp: ago(10 * MIN), ...(f.deleting ? { deletionTimestamp: ago(0) } : {}) },
    spec: {
      containers: (f.containers ?? ['app']).map((name) => ({ name, image: 'img' })),
      ...(f.initContainers ? { initContainers: f.initContainers.map((c) => ({ image: 'img', ...c })) } : {}),
    },
    status: {
      phase: f.phase ?? 'Pending',
      ...(f.reason ? { reason: f.reason } : {}),
      ...(f.conditions ? { conditions: f.conditions } : {}),
      ...(f.initStatuses ? { initContainerStatuses: f.initStatuses } : {}),
      ...(f.statuses ? { containerStatuses: f.statuses } : {}),
    },
  };
}

const running = (name: string, ready = true, extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name,
  image: 'img',
  imageID: '',
  ready,
  restartCount: 0,
  state: { running: { startedAt: ago(5 * MIN) } },
  ...extra,
});
const waiting = (name: string, reason: string, extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name,
  image: 'img',
  imageID: '',
  ready: false,
  restartCount: 0,
  state: { waiting: { reason } },
  ...extra,
});
const terminated = (name: string, exitCode: number, reason?: string, signal?: number): ContainerStatus => ({
  name,
  image: 'img',
  imageID: '',
  ready: false,
  restartCount: 0,
  state: { terminated: { exitCode, ...(reason ? { reason } : {}), ...(signal ? { signal } : {}) } },
});
const cond = (type: string, status = 'True', reason?: string): PodCondition => ({ type, status, ...(reason ? { reason } : {}) });

/** [READY, STATUS, RESTARTS] */
function summary(p: Pod): [unknown, unknown, unknown] {
  const cells = printPod(p, NOW).cells;
  return [cells[1], cells[2], cells[3]];
}

describe('pod STATUS, READY and RESTARTS (upstream printPod)', () => {
  test('a new pod is Pending with no containers ready', () => {
    assert.deepEqual(summary(pod({})), ['0/1', 'Pending', '0']);
  });

  test('SchedulingGated from the PodScheduled condition', () => {
    assert.deepEqual(summary(pod({ conditions: [cond('PodScheduled', 'False', 'SchedulingGated')] })), ['0/1', 'SchedulingGated', '0']);
  });

  test('ContainerCreating, ErrImagePull and ImagePullBackOff come from the waiting reason', () => {
    for (const reason of ['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff']) {
      assert.deepEqual(summary(pod({ statuses: [waiting('app', reason)] })), ['0/1', reason, '0']);
    }
  });

  test('Running counts ready running containers', () => {
    assert.deepEqual(summary(pod({ phase: 'Running', statuses: [running('app')] })), ['1/1', 'Running', '0']);
    assert.deepEqual(summary(pod({ phase: 'Running', containers: ['a', 'b'], statuses: [running('a'), running('b', false)] })), ['1/2', 'Running', '0']);
  });

  test('CrashLoopBackOff with restarts shows when the last restart happened', () => {
    const st = waiting('app', 'CrashLoopBackOff', { restartCount: 5, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(5 * MIN) } } });
    assert.deepEqual(summary(pod({ phase: 'Running', statuses: [st] })), ['0/1', 'CrashLoopBackOff', '5 (5m ago)']);
  });

  test('restarts without a last termination time have no "ago" suffix', () => {
    assert.deepEqual(summary(pod({ phase: 'Running', statuses: [running('app', true, { restartCount: 2 })] })), ['1/1', 'Running', '2']);
  });

  test('the most recent restart of all containers is shown and restarts add up', () => {
    const a = running('a', true, { restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(90 * MIN) } } });
    const b = running('b', true, { restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(150_000) } } });
    assert.deepEqual(summary(pod({ phase: 'Running', containers: ['a', 'b'], statuses: [a, b] })), ['2/2', 'Running', '3 (2m30s ago)']);
  });

  test('Completed and Error from the terminated reason, with the Completed row condition', () => {
    const ok = printPod(pod({ phase: 'Succeeded', statuses: [terminated('app', 0, 'Completed')] }), NOW);
    assert.deepEqual(ok.cells.slice(1, 4), ['0/1', 'Completed', '0']);
    assert.deepEqual(ok.conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
    const failed = printPod(pod({ phase: 'Failed', statuses: [terminated('app', 1, 'Error')] }), NOW);
    assert.deepEqual(failed.cells.slice(1, 4), ['0/1', 'Error', '0']);
    assert.deepEqual(failed.conditions, [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
    assert.equal(printPod(pod({ phase: 'Running', statuses: [running('app')] }), NOW).conditions, undefined);
  });

  test('terminated without a reason prints the signal or exit code', () => {
    assert.equal(summary(pod({ phase: 'Failed', statuses: [terminated('app', 137, undefined, 9)] }))[1], 'Signal:9');
    assert.equal(summary(pod({ phase: 'Failed', statuses: [terminated('app', 2)] }))[1], 'ExitCode:2');
  });

  test('Completed turns back into Running (or NotReady) while another container still runs', () => {
    const statuses = [terminated('a', 0, 'Completed'), running('b')];
    assert.equal(summary(pod({ phase: 'Running', containers: ['a', 'b'], statuses, conditions: [cond('Ready')] }))[1], 'Running');
    assert.equal(summary(pod({ phase: 'Running', containers: ['a', 'b'], statuses, conditions: [cond('Ready', 'False')] }))[1], 'NotReady');
  });

  test('with several containers the first one with a reason wins', () => {
    const statuses = [waiting('a', 'ImagePullBackOff'), waiting('b', 'ContainerCreating')];
    assert.equal(summary(pod({ containers: ['a', 'b'], statuses }))[1], 'ImagePullBackOff');
  });

  test('a pod reason (e.g. Evicted) replaces the phase', () => {
    assert.equal(summary(pod({ phase: 'Failed', reason: 'Evicted' }))[1], 'Evicted');
  });

  describe('init containers', () => {
    const init = [{ name: 'init' }];
    test('Init:0/1 while the init container runs or waits to start', () => {
      assert.equal(summary(pod({ initContainers: init, initStatuses: [running('init', false)], statuses: [waiting('app', 'PodInitializing')] }))[1], 'Init:0/1');
      assert.equal(summary(pod({ initContainers: init, initStatuses: [waiting('init', 'PodInitializing')] }))[1], 'Init:0/1');
      const two = [{ name: 'i1' }, { name: 'i2' }];
      assert.equal(summary(pod({ initContainers: two, initStatuses: [terminated('i1', 0, 'Completed'), running('i2', false)] }))[1], 'Init:1/2');
    });
    test('Init:<reason> for a failed or waiting init container', () => {
      assert.equal(summary(pod({ initContainers: init, initStatuses: [terminated('init', 1, 'Error')] }))[1], 'Init:Error');
      assert.equal(summary(pod({ initContainers: init, initStatuses: [waiting('init', 'CrashLoopBackOff')] }))[1], 'Init:CrashLoopBackOff');
      assert.equal(summary(pod({ initContainers: init, initStatuses: [waiting('init', 'ErrImagePull')] }))[1], 'Init:ErrImagePull');
      assert.equal(summary(pod({ initContainers: init, initStatuses: [terminated('init', 3)] }))[1], 'Init:ExitCode:3');
      assert.equal(summary(pod({ initContainers: init, initStatuses: [terminated('init', 137, undefined, 9)] }))[1], 'Init:Signal:9');
    });
    test('restarts of a failing init container count while initializing', () => {
      const st = waiting('init', 'CrashLoopBackOff', { restartCount: 3, lastState: { terminated: { exitCode: 1, finishedAt: ago(MIN) } } });
      assert.deepEqual(summary(pod({ initContainers: init, initStatuses: [st] })), ['0/1', 'Init:CrashLoopBackOff', '3 (60s ago)']);
    });
    test('PodInitializing once init containers are done and the app container waits', () => {
      const p = pod({ initContainers: init, initStatuses: [terminated('init', 0, 'Completed')], statuses: [waiting('app', 'PodInitializing')] });
      assert.equal(summary(p)[1], 'PodInitializing');
    });
    test('a started sidecar (restartPolicy Always) counts as a container', () => {
      const p = pod({
        phase: 'Running',
        initContainers: [{ name: 'side', restartPolicy: 'Always' }],
        initStatuses: [running('side', true, { started: true, restartCount: 1 })],
        statuses: [running('app')],
        conditions: [cond('Initialized')],
      });
      assert.deepEqual(summary(p), ['2/2', 'Running', '1']);
    });
  });

  describe('deletion', () => {
    test('Terminating while a non-terminal pod is being deleted', () => {
      assert.equal(summary(pod({ phase: 'Running', statuses: [running('app')], deleting: true }))[1], 'Terminating');
      assert.equal(summary(pod({ deleting: true }))[1], 'Terminating');
    });
    test('a terminal pod keeps its status while deleted', () => {
      assert.equal(summary(pod({ phase: 'Succeeded', statuses: [terminated('app', 0, 'Completed')], deleting: true }))[1], 'Completed');
    });
    test('Unknown for a deleted pod on an unreachable node (reason NodeLost)', () => {
      assert.equal(summary(pod({ phase: 'Running', reason: 'NodeLost', statuses: [running('app')], deleting: true }))[1], 'Unknown');
      assert.equal(summary(pod({ phase: 'Running', reason: 'NodeLost' }))[1], 'NodeLost');
    });
  });
});

describe('pod wide columns and age', () => {
  test('NAME, AGE and <none> placeholders', () => {
    const cells = printPod(pod({}), NOW).cells;
    assert.equal(cells[0], 'p');
    assert.equal(cells[4], '10m');
    assert.deepEqual(cells.slice(5), ['<none>', '<none>', '<none>', '<none>']);
  });
  test('IP is the first podIPs entry; node, nominated node and readiness gates', () => {
    const p = pod({ phase: 'Running', statuses: [running('app')], conditions: [cond('example.com/gate'), cond('other.io/gate', 'False')] }) as DeepMutable<Pod>;
    p.spec!.nodeName = 'node-1';
    p.spec!.readinessGates = [{ conditionType: 'example.com/gate' }, { conditionType: 'other.io/gate' }];
    p.status!.podIPs = [{ ip: '10.244.1.5' }, { ip: 'fd00::5' }];
    p.status!.nominatedNodeName = 'node-2';
    assert.deepEqual(printPod(p as Pod, NOW).cells.slice(5), ['10.244.1.5', 'node-1', 'node-2', '1/2']);
  });
});
