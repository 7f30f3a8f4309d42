/**
 * The kubelet with real Docker: node registration and heartbeats, pods as containers (sandbox + containers
 * sharing localhost and volumes), env and volumes from ConfigMaps/Secrets/downward API, init containers, image
 * pull failures, graceful deletion timing, refusal of host access, and two kubelets side by side.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../api/errors.js';
import { requireResource } from '../../api/resources.js';
import { docker } from '../support/docker.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';
import { PODS, TESTAPP_IMAGE, dockerContainers, getPod, isReady, startKubeletEnv, testPod, waitFor, waitForPod, type KubeletEnv } from '../support/kubelet.js';

const NODES = requireResource('', 'v1', 'nodes');
const LEASES = requireResource('coordination.k8s.io', 'v1', 'leases');
const CONFIGMAPS = requireResource('', 'v1', 'configmaps');
const SECRETS = requireResource('', 'v1', 'secrets');
const EVENTS = requireResource('', 'v1', 'events');

async function podEvents(env: KubeletEnv, name: string): Promise<Event[]> {
  const list = await env.rest.list<Event>(EVENTS, 'default', { fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

/** Deletes a pod and waits until the kubelet removed it (and its containers). */
async function deleteAndWait(env: KubeletEnv, name: string, timeoutMs = 30_000): Promise<number> {
  const t0 = Date.now();
  await env.rest.delete(PODS, 'default', name);
  await waitFor(`pod ${name} to be gone`, async () => {
    try {
      await getPod(env.rest, name);
      return false;
    } catch (e) {
      if (e instanceof ApiError && e.reason === 'NotFound') return true;
      throw e;
    }
  }, timeoutMs, 50);
  return Date.now() - t0;
}

describe('kubelet: node and pod lifecycle on Docker', () => {
  let env: KubeletEnv;
  let k: Kubectl;

  before(async () => {
    env = await startKubeletEnv({ nodes: ['node-1', 'node-2'], kubelet: { crashLoopMaxBackoffMs: 4000, nodeLeaseDurationSeconds: 4 } });
    k = kubectlFor(env.cluster.url);
  });
  after(async () => {
    const name = env?.clusterName;
    await env?.stop();
    if (name) assert.deepEqual(await dockerContainers(name), [], 'no container of the test cluster is left');
  });

  test('nodes register Ready with capacity, runtime version, labels and endpoints; the Lease is renewed', async () => {
    const node = await waitFor('node-1 Ready', async () => {
      const n = await env.rest.get<Node>(NODES, undefined, 'node-1');
      return n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? n : undefined;
    });
    assert.equal(node.status?.capacity?.cpu, '4');
    assert.equal(node.status?.allocatable?.memory, '8Gi');
    assert.equal(node.status?.capacity?.pods, '110');
    assert.match(node.status?.nodeInfo?.containerRuntimeVersion ?? '', /^docker:\/\/\d+\./);
    assert.equal(node.status?.nodeInfo?.kubeletVersion, 'v1.32.0-kubemu');
    assert.equal(node.metadata?.labels?.['kubernetes.io/hostname'], 'node-1');
    assert.equal(node.status?.daemonEndpoints?.kubeletEndpoint?.Port, env.kubelets.get('node-1')?.serverPort);
    const r = await k.run(['get', 'nodes']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^node-1\s+Ready\s/m);
    assert.match(r.stdout, /^node-2\s+Ready\s/m);
    const lease1 = await env.rest.get<Lease>(LEASES, 'kube-node-lease', 'node-1');
    assert.equal(lease1.spec?.holderIdentity, 'node-1');
    assert.equal(lease1.metadata?.ownerReferences?.[0]?.kind, 'Node');
    await waitFor('the lease to be renewed', async () => {
      const l = await env.rest.get<Lease>(LEASES, 'kube-node-lease', 'node-1');
      return l.spec?.renewTime !== lease1.spec?.renewTime;
    }, 5000);
  });

  test('a kubelet that cannot reach Docker reports its node NotReady with the reason', async () => {
    await env.startNode('node-3', { dockerSocket: '/nonexistent/docker.sock' });
    try {
      const node = await waitFor('node-3 registered', async () => env.rest.get<Node>(NODES, undefined, 'node-3'));
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
      assert.deepEqual([ready?.status, ready?.reason, ready?.message], ['False', 'KubeletNotReady', 'container runtime is down']);
      const r = await k.run(['get', 'node', 'node-3']);
      assert.match(r.stdout, /^node-3\s+NotReady\s/m);
    } finally {
      await env.stopNode('node-3');
    }
  });

  test('a multi-container pod: containers share localhost and an emptyDir; Docker objects carry the labels', async () => {
    const pod = testPod('duo', 'node-1', {
      volumes: [{ name: 'shared', emptyDir: {} }],
      containers: [
        { name: 'web', image: TESTAPP_IMAGE, env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], volumeMounts: [{ name: 'shared', mountPath: '/data' }] },
        { name: 'side', image: TESTAPP_IMAGE, command: ['sh', '-c', 'echo from-side > /data/note; exec node /app/testapp.mjs sleep 3600'], volumeMounts: [{ name: 'shared', mountPath: '/data' }] },
      ],
    });
    await env.rest.create(PODS, 'default', pod);
    const running = await waitForPod(env.rest, 'duo', 'ready', isReady);
    assert.equal(running.status?.phase, 'Running');
    assert.deepEqual(running.status?.containerStatuses?.map((c) => [c.name, c.ready, c.restartCount]), [['web', true, 0], ['side', true, 0]]);
    const viaLocalhost = await waitFor('web to answer on localhost', async () => {
      const r = await k.run(['exec', 'duo', '-c', 'side', '--', 'wget', '-qO-', 'http://localhost:8080/']);
      return r.code === 0 ? r.stdout : undefined;
    }, 15_000);
    assert.equal(viaLocalhost, 'duo');
    const note = await k.run(['exec', 'duo', '-c', 'web', '--', 'cat', '/data/note']);
    assert.equal(note.stdout.trim(), 'from-side');
    const names = await dockerContainers(env.clusterName, [`label=io.kubernetes.pod.uid=${running.metadata?.uid ?? ''}`]);
    assert.equal(names.length, 3, names.join(','));
    assert.ok(names.some((n) => n.startsWith('k8s_POD_duo_default_')));
    const labels = JSON.parse(await docker(['inspect', '-f', '{{json .Config.Labels}}', names.find((n) => n.startsWith('k8s_web_')) ?? ''])) as Record<string, string>;
    assert.equal(labels['io.kubemu.node'], 'node-1');
    assert.equal(labels['io.kubernetes.pod.name'], 'duo');
    assert.equal(labels['io.kubernetes.container.name'], 'web');
    const volumes = await docker(['volume', 'ls', '-q', '--filter', `label=io.kubernetes.pod.uid=${running.metadata?.uid ?? ''}`]);
    assert.match(volumes, /shared/);
    await deleteAndWait(env, 'duo');
    await waitFor('the volume to be removed', async () => (await docker(['volume', 'ls', '-q', '--filter', `label=io.kubernetes.pod.uid=${running.metadata?.uid ?? ''}`])) === '');
  });

  test('env from ConfigMaps and Secrets (valueFrom, envFrom), configMap/secret/downwardAPI volumes', async () => {
    await env.rest.create(CONFIGMAPS, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { MODE: 'turbo', 'settings.conf': 'level=9\n' } });
    await env.rest.create(SECRETS, 'default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-secret' }, data: { token: Buffer.from('t0ken').toString('base64') } });
    const pod = testPod('envy', 'node-1', {
      volumes: [
        { name: 'cfg', configMap: { name: 'app-config', items: [{ key: 'settings.conf', path: 'app/settings.conf' }] } },
        { name: 'sec', secret: { secretName: 'app-secret', defaultMode: 0o400 } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'cpu', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1m' } }] } },
      ],
      containers: [
        {
          name: 'app',
          image: TESTAPP_IMAGE,
          resources: { limits: { cpu: '500m', memory: '64Mi' } },
          envFrom: [{ prefix: 'CM_', configMapRef: { name: 'app-config' } }],
          env: [
            { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'MODE' } } },
            { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'app-secret', key: 'token' } } },
            { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'MY_NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
            { name: 'COMBINED', value: '$(MODE)-$(MY_NODE)' },
          ],
          volumeMounts: [
            { name: 'cfg', mountPath: '/etc/cfg' },
            { name: 'sec', mountPath: '/etc/sec' },
            { name: 'info', mountPath: '/etc/podinfo' },
          ],
        },
      ],
    });
    await env.rest.create(PODS, 'default', pod);
    const running = await waitForPod(env.rest, 'envy', 'running', (p) => p.status?.phase === 'Running');
    const out = await k.run(['exec', 'envy', '--', 'sh', '-c', 'env; echo ---; cat /etc/cfg/app/settings.conf /etc/sec/token; echo; cat /etc/podinfo/labels; echo; cat /etc/podinfo/cpu']);
    assert.equal(out.code, 0, out.stderr);
    const [envText, files] = out.stdout.split('---\n');
    const vars = Object.fromEntries(envText.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    assert.equal(vars.MODE, 'turbo');
    assert.equal(vars.CM_MODE, 'turbo');
    assert.equal(vars.TOKEN, 't0ken');
    assert.equal(vars.MY_IP, running.status?.podIP);
    assert.equal(vars.MY_NODE, 'node-1');
    assert.equal(vars.MEM_MI, '64');
    assert.equal(vars.COMBINED, 'turbo-node-1');
    assert.equal(vars.POD_NAME, undefined, 'the spec replaced testPod defaults');
    assert.equal(files, 'level=9\nt0ken\napp="envy"\n500');
    const limits = JSON.parse(await docker(['inspect', '-f', '{{json .HostConfig}}', (await dockerContainers(env.clusterName, ['label=io.kubernetes.container.name=app', `label=io.kubernetes.pod.uid=${running.metadata?.uid ?? ''}`]))[0]])) as { NanoCpus: number; Memory: number };
    assert.equal(limits.NanoCpus, 500_000_000);
    assert.equal(limits.Memory, 64 * 1024 * 1024);
    await deleteAndWait(env, 'envy');
  });

  test('a missing ConfigMap keeps the container waiting with CreateContainerConfigError', async () => {
    await env.rest.create(PODS, 'default', testPod('nocfg', 'node-1', {
      containers: [{ name: 'app', image: TESTAPP_IMAGE, env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'absent', key: 'k' } } }] }],
    }));
    const p = await waitForPod(env.rest, 'nocfg', 'CreateContainerConfigError', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
    assert.equal(p.status?.containerStatuses?.[0]?.state?.waiting?.message, 'configmap "absent" not found');
    assert.equal(p.status?.phase, 'Pending');
    await deleteAndWait(env, 'nocfg');
  });

  test('init containers run first, in order, then the app', async () => {
    const log = { name: 'work', mountPath: '/work' };
    await env.rest.create(PODS, 'default', testPod('inits', 'node-1', {
      volumes: [{ name: 'work', emptyDir: {} }],
      initContainers: [
        { name: 'first', image: TESTAPP_IMAGE, command: ['sh', '-c', 'echo first >> /work/log'], volumeMounts: [log] },
        { name: 'second', image: TESTAPP_IMAGE, command: ['sh', '-c', 'test -f /work/log && echo second >> /work/log'], volumeMounts: [log] },
      ],
      containers: [{ name: 'app', image: TESTAPP_IMAGE, command: ['sh', '-c', 'echo app >> /work/log; exec node /app/testapp.mjs sleep 3600'], volumeMounts: [log] }],
    }));
    const p = await waitForPod(env.rest, 'inits', 'running', (x) => x.status?.phase === 'Running');
    assert.deepEqual(p.status?.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.reason, s.state?.terminated?.exitCode, s.ready]), [
      ['first', 'Completed', 0, true],
      ['second', 'Completed', 0, true],
    ]);
    assert.equal(p.status?.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
    const out = await waitFor('the app to write', async () => {
      const r = await k.run(['exec', 'inits', '--', 'cat', '/work/log']);
      return r.stdout.includes('app') ? r.stdout : undefined;
    });
    assert.equal(out, 'first\nsecond\napp\n');
    await deleteAndWait(env, 'inits');
  });

  test('a pod bound to node-2 runs there; node-1 leaves it alone', async () => {
    await env.rest.create(PODS, 'default', testPod('on-two', 'node-2'));
    const p = await waitForPod(env.rest, 'on-two', 'running', (x) => x.status?.phase === 'Running');
    const names = await dockerContainers(env.clusterName, ['label=io.kubemu.node=node-2', `label=io.kubernetes.pod.uid=${p.metadata?.uid ?? ''}`]);
    assert.equal(names.length, 2);
    assert.deepEqual(await dockerContainers(env.clusterName, ['label=io.kubemu.node=node-1', `label=io.kubernetes.pod.uid=${p.metadata?.uid ?? ''}`]), []);
    const r = await k.run(['get', 'pod', 'on-two', '-o', 'wide']);
    assert.match(r.stdout, /on-two\s+1\/1\s+Running\s+0\s+\S+\s+\d+\.\d+\.\d+\.\d+\s+node-2\s/);
    await deleteAndWait(env, 'on-two');
  });

  test('a missing image: ErrImagePull, then ImagePullBackOff, with upstream events; never a hang', async () => {
    await env.rest.create(PODS, 'default', testPod('noimage', 'node-1', { containers: [{ name: 'app', image: 'kubemu/does-not-exist:1.0' }] }));
    const t0 = Date.now();
    const backingOff = await waitForPod(env.rest, 'noimage', 'ImagePullBackOff', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff', 15_000);
    assert.ok(Date.now() - t0 < 10_000, 'the failed pull is reported quickly');
    assert.equal(backingOff.status?.containerStatuses?.[0]?.state?.waiting?.message, 'Back-off pulling image "kubemu/does-not-exist:1.0"');
    assert.equal(backingOff.status?.phase, 'Pending');
    const r = await k.run(['get', 'pod', 'noimage']);
    assert.match(r.stdout, /noimage\s+0\/1\s+(ImagePullBackOff|ErrImagePull)\s/);
    // after the back-off (4 s here) the kubelet tries again
    const evs = await waitFor('a second pull attempt', async () => {
      const e = await podEvents(env, 'noimage');
      const pulling = e.find((x) => x.reason === 'Pulling');
      return pulling && (pulling.count ?? 1) >= 2 ? e : undefined;
    }, 15_000);
    const reasons = new Set(evs.map((e) => `${e.type}/${e.reason}`));
    for (const want of ['Normal/Pulling', 'Warning/Failed', 'Normal/BackOff']) assert.ok(reasons.has(want), `${want} in ${[...reasons].join(',')}`);
    assert.ok(evs.some((e) => e.message === 'Pulling image "kubemu/does-not-exist:1.0"'));
    assert.ok(evs.some((e) => /^Failed to pull image "kubemu\/does-not-exist:1.0": .*pulling from docker\.io is disabled/.test(e.message ?? '')));
    assert.ok(evs.some((e) => e.message === 'Error: ErrImagePull'));
    assert.ok(evs.some((e) => e.message === 'Error: ImagePullBackOff'));
    assert.ok(evs.every((e) => e.source?.component === 'kubelet' && e.source.host === 'node-1'));
    await deleteAndWait(env, 'noimage');
  });

  test('graceful deletion: a container that handles TERM goes at once, one that ignores it after the grace period', async () => {
    await env.rest.create(PODS, 'default', testPod('polite', 'node-1', { terminationGracePeriodSeconds: 20 }));
    await env.rest.create(PODS, 'default', testPod('stubborn', 'node-1', {
      terminationGracePeriodSeconds: 3,
      containers: [{ name: 'app', image: TESTAPP_IMAGE, args: ['serve', '--ignore-term'] }],
    }));
    await waitForPod(env.rest, 'polite', 'running', (p) => p.status?.phase === 'Running');
    const stubborn = await waitForPod(env.rest, 'stubborn', 'running', (p) => p.status?.phase === 'Running');
    await new Promise((r) => setTimeout(r, 500)); // both processes installed their signal handlers
    const [politeMs, stubbornMs] = await Promise.all([deleteAndWait(env, 'polite'), deleteAndWait(env, 'stubborn')]);
    assert.ok(politeMs < 5000, `polite pod took ${politeMs}ms (grace 20 s)`);
    assert.ok(stubbornMs >= 3000 && stubbornMs < 10_000, `stubborn pod took ${stubbornMs}ms (grace 3 s)`);
    const evs = await podEvents(env, 'stubborn');
    assert.ok(evs.some((e) => e.reason === 'Killing' && e.message === 'Stopping container app'));
    await waitFor('the containers to be removed', async () => (await dockerContainers(env.clusterName, [`label=io.kubernetes.pod.uid=${stubborn.metadata?.uid ?? ''}`])).length === 0, 5000);
  });

  test('preStop runs before the stop signal (its time counts against the grace period)', async () => {
    await env.rest.create(PODS, 'default', testPod('hooked', 'node-1', {
      terminationGracePeriodSeconds: 20,
      containers: [{ name: 'app', image: TESTAPP_IMAGE, lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 2'] } } } }],
    }));
    await waitForPod(env.rest, 'hooked', 'running', (x) => x.status?.phase === 'Running');
    await new Promise((r) => setTimeout(r, 500));
    const ms = await deleteAndWait(env, 'hooked');
    // the app exits on TERM at once: the 2 s are the hook's
    assert.ok(ms >= 2000 && ms < 10_000, `deletion took ${ms}ms`);
  });

  test('pods asking for host access are rejected and never reach Docker', async () => {
    const pod = testPod('rooted', 'node-1', { containers: [{ name: 'app', image: TESTAPP_IMAGE, securityContext: { privileged: true } }] });
    const created = await env.rest.create<Pod>(PODS, 'default', pod);
    const p = await waitForPod(env.rest, 'rooted', 'rejected', (x) => x.status?.phase === 'Failed');
    assert.equal(p.status?.reason, 'Forbidden');
    assert.match(p.status?.message ?? '', /^Pod was rejected: .*privileged=true/);
    assert.deepEqual(await dockerContainers(env.clusterName, [`label=io.kubernetes.pod.uid=${created.metadata?.uid ?? ''}`]), []);
    await deleteAndWait(env, 'rooted');
  });
});
