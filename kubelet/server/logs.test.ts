import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { RuntimeContainer } from '../runtime/types.js';
import { logInstance, logOptions } from './logs.js';
import { parseRoute } from './server.js';
import { exitStatus } from './remotecommand.js';
import type { Target } from './target.js';

const ref = { name: 'p', namespace: 'default', uid: 'u' };
const inst = (id: string, state: RuntimeContainer['state'], restartCount: number): RuntimeContainer => ({
  id, name: 'app', kind: 'regular', pod: ref, restartCount, state, createdAt: restartCount, image: 'i', imageId: 'x',
});

function target(instances: RuntimeContainer[], status?: Pod['status']): Target {
  return { pod: { metadata: { name: 'p' }, spec: { containers: [{ name: 'app' }] }, status }, spec: { name: 'app' }, kind: 'regular', instances, podIP: undefined };
}

void test('log options: follow/previous/timestamps, tailLines, sinceSeconds, limitBytes', () => {
  const q = new URLSearchParams('follow=true&timestamps=true&tailLines=5&sinceSeconds=10&limitBytes=100');
  assert.deepEqual(logOptions(q, 1_000_000), { follow: true, timestamps: true, previous: false, tailLines: 5, limitBytes: 100, since: 990 });
  assert.throws(() => logOptions(new URLSearchParams('tailLines=-1'), 0), { reason: 'BadRequest' });
  assert.throws(() => logOptions(new URLSearchParams('sinceSeconds=1&sinceTime=2025-01-01T00:00:00Z'), 0), { reason: 'BadRequest' });
});

void test('which instance: the latest, or --previous from lastState (else the one before a running one)', () => {
  const running = inst('b', 'running', 1);
  const old = inst('a', 'exited', 0);
  assert.equal(logInstance(target([running, old]), false).id, 'b');
  assert.equal(logInstance(target([running, old]), true).id, 'a');
  const crash = target([inst('c', 'exited', 2), inst('b', 'exited', 1)], {
    containerStatuses: [{ name: 'app', ready: false, restartCount: 2, image: 'i', imageID: '', lastState: { terminated: { exitCode: 1, containerID: 'docker://c' } } }],
  });
  assert.equal(logInstance(crash, true).id, 'c');
  assert.throws(() => logInstance(target([running]), true), { message: 'previous terminated container "app" in pod "p" not found' });
  assert.throws(() => logInstance(target([]), false), { message: 'container "app" in pod "p" is waiting to start: ContainerCreating' });
});

void test('kubelet server routes', () => {
  assert.deepEqual(parseRoute('/containerLogs/ns/p/c'), { kind: 'logs', namespace: 'ns', pod: 'p', container: 'c' });
  assert.deepEqual(parseRoute('/exec/ns/p/c'), { kind: 'exec', namespace: 'ns', pod: 'p', container: 'c' });
  assert.deepEqual(parseRoute('/portForward/ns/p'), { kind: 'portforward', namespace: 'ns', pod: 'p' });
  assert.equal(parseRoute('/portForward/ns/p/x'), undefined);
  assert.equal(parseRoute('/pods'), undefined);
});

void test('exit status on channel 3, as apimachinery writes it', () => {
  assert.deepEqual(exitStatus(0, ['true']), { metadata: {}, status: 'Success' });
  const s = exitStatus(3, ['sh', '-c', 'exit 3']);
  assert.equal(s.reason, 'NonZeroExitCode');
  assert.deepEqual(s.details, { causes: [{ reason: 'ExitCode', message: '3' }] });
});
