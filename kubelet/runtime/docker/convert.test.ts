import assert from 'node:assert/strict';
import { test } from 'node:test';
import type Dockerode from 'dockerode';
import { containerCreateOptions, fromInspect, sandboxCreateOptions } from './convert.js';
import { demux, FrameDecoder } from './demux.js';
import { parseEventLine } from './events.js';
import { defaultPullPolicy, isLoopbackRegistry, registryOf, withDefaultTag } from './image-ref.js';
import { Readable } from 'node:stream';

const owner = { cluster: 'c1', node: 'node-1' };
const pod = { name: 'web', namespace: 'default', uid: 'u-1' };

function inspect(state: Partial<Dockerode.ContainerInspectInfo['State']>, labels: Record<string, string>): Dockerode.ContainerInspectInfo {
  return {
    Id: 'abc',
    Created: '2025-01-01T00:00:00.5Z',
    Image: 'sha256:img',
    State: { Status: 'running', StartedAt: '2025-01-01T00:00:01Z', FinishedAt: '0001-01-01T00:00:00Z', ExitCode: 0, OOMKilled: false, Error: '', ...state },
    Config: { Image: 'kubemu/testapp:local', Labels: labels },
    NetworkSettings: { Networks: { pods: { IPAddress: '172.18.0.4' } } },
  } as unknown as Dockerode.ContainerInspectInfo;
}

void test('create options carry the labels contract and never privileged/host settings', () => {
  const sb = sandboxCreateOptions(owner, { pod, attempt: 1, hostname: 'web', gracePeriodSeconds: 30, shareProcessNamespace: false }, 'kubemu/pause:local', 'pods');
  assert.equal(sb.name, 'k8s_POD_web_default_u-1_1');
  assert.deepEqual(sb.Labels, {
    'io.kubemu.cluster': 'c1',
    'io.kubemu.node': 'node-1',
    'io.kubernetes.pod.name': 'web',
    'io.kubernetes.pod.namespace': 'default',
    'io.kubernetes.pod.uid': 'u-1',
    'io.kubernetes.container.name': 'POD',
    'io.kubemu.container.kind': 'sandbox',
    'io.kubernetes.docker.type': 'podsandbox',
    'io.kubernetes.container.restartCount': '1',
    'io.kubernetes.pod.terminationGracePeriod': '30',
  });
  assert.equal(sb.HostConfig?.NetworkMode, 'pods');
  assert.equal(sb.HostConfig?.Privileged, false);
  const c = containerCreateOptions(owner, {
    pod, name: 'app', kind: 'regular', restartCount: 3, sandboxId: 'sb1', image: 'i', env: ['A=1'], mounts: [{ type: 'volume', source: 'v', target: '/data', readOnly: false }],
    nanoCpus: 5e8, cpuShares: 512, memoryBytes: 1024, readOnlyRootfs: false, capAdd: [], capDrop: [], tty: false, stdin: false, stdinOnce: false,
    specHash: 'h', gracePeriodSeconds: 30, shareProcessNamespace: true,
  });
  assert.equal(c.name, 'k8s_app_web_default_u-1_3');
  assert.equal(c.HostConfig?.NetworkMode, 'container:sb1');
  assert.equal(c.HostConfig?.PidMode, 'container:sb1');
  assert.equal(c.HostConfig?.NanoCpus, 5e8);
  assert.equal(c.HostConfig?.Memory, 1024);
  assert.equal(c.HostConfig?.Privileged, false);
  assert.equal(c.Labels?.['io.kubernetes.sandbox.id'], 'sb1');
  assert.equal(c.Entrypoint, undefined);
});

void test('inspect → RuntimeContainer: states, exit codes, start errors, pod IP', () => {
  const labels = { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'u-1', 'io.kubernetes.container.name': 'app', 'io.kubemu.container.kind': 'regular', 'io.kubernetes.container.restartCount': '4' };
  const running = fromInspect(inspect({}, labels), 'pods');
  assert.equal(running?.state, 'running');
  assert.equal(running?.restartCount, 4);
  assert.equal(running?.startedAt, Date.parse('2025-01-01T00:00:01Z'));
  assert.equal(running?.ip, '172.18.0.4');
  const exited = fromInspect(inspect({ Status: 'exited', ExitCode: 3, FinishedAt: '2025-01-01T00:00:09Z' }, labels), 'pods');
  assert.equal(exited?.exitCode, 3);
  assert.equal(exited?.finishedAt, Date.parse('2025-01-01T00:00:09Z'));
  const failed = fromInspect(inspect({ Status: 'created', StartedAt: '0001-01-01T00:00:00Z', Error: 'exec: "nope": executable file not found in $PATH' }, labels), 'pods');
  assert.equal(failed?.state, 'exited');
  assert.equal(failed?.exitCode, 128);
  assert.match(failed?.startError ?? '', /executable file not found/);
  assert.equal(fromInspect(inspect({}, {}), 'pods'), undefined);
});

void test('multiplexed streams: frames split across chunks, stdout and stderr apart', async () => {
  const frame = (s: number, text: string): Buffer => {
    const p = Buffer.from(text);
    const h = Buffer.alloc(8);
    h[0] = s;
    h.writeUInt32BE(p.length, 4);
    return Buffer.concat([h, p]);
  };
  const all = Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(1, 'out2')]);
  const got: string[] = [];
  const d = new FrameDecoder();
  for (let i = 0; i < all.length; i += 3) d.push(all.subarray(i, i + 3), (s, p) => got.push(`${s}:${p.toString()}`));
  assert.deepEqual(got, ['1:out1 ', '2:err', '1:out2']);
  const { stdout, stderr } = demux(Readable.from([all]));
  const read = async (r: Readable): Promise<string> => {
    let s = '';
    for await (const c of r) s += String(c);
    return s;
  };
  assert.deepEqual(await Promise.all([read(stdout), read(stderr)]), ['out1 out2', 'err']);
});

void test('Docker events: container actions with the pod uid', () => {
  const line = JSON.stringify({ Type: 'container', Action: 'die', Actor: { ID: 'abc', Attributes: { 'io.kubernetes.pod.uid': 'u-1', exitCode: '1' } } });
  assert.deepEqual(parseEventLine(line), { type: 'die', containerId: 'abc', podUid: 'u-1' });
  assert.equal(parseEventLine(JSON.stringify({ Action: 'exec_start: sh', Actor: { ID: 'abc' } })), undefined);
  assert.equal(parseEventLine('not json'), undefined);
});

void test('image references: registry, loopback, default tag and pull policy', () => {
  assert.equal(registryOf('busybox'), 'docker.io');
  assert.equal(registryOf('library/busybox:1'), 'docker.io');
  assert.equal(registryOf('localhost:5000/app:1'), 'localhost:5000');
  assert.equal(registryOf('registry.k8s.io/pause:3.9'), 'registry.k8s.io');
  assert.equal(isLoopbackRegistry('localhost:5000'), true);
  assert.equal(isLoopbackRegistry('127.0.0.1:5000'), true);
  assert.equal(isLoopbackRegistry('docker.io'), false);
  assert.equal(withDefaultTag('busybox'), 'busybox:latest');
  assert.equal(withDefaultTag('localhost:5000/app'), 'localhost:5000/app:latest');
  assert.equal(defaultPullPolicy('busybox'), 'Always');
  assert.equal(defaultPullPolicy('kubemu/testapp:local'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('app@sha256:0123'), 'IfNotPresent');
});
