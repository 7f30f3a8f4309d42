/**
 * Restarts with real Docker: CrashLoopBackOff with rising restart counts (small back-off cap), liveness-driven
 * restarts, readiness flips, restart policies, and a kubelet restart that adopts its running containers
 * (same container IDs, restartCount unchanged) and cleans up the containers of pods deleted meanwhile.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Event } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../api/errors.js';
import { requireResource } from '../../api/resources.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';
import { PODS, TESTAPP_IMAGE, dockerContainers, getPod, isReady, startKubeletEnv, testPod, waitFor, waitForPod, type KubeletEnv } from '../support/kubelet.js';

const EVENTS = requireResource('', 'v1', 'events');

async function events(env: KubeletEnv, name: string): Promise<Event[]> {
  return (await env.rest.list<Event>(EVENTS, 'default', { fieldSelector: `involvedObject.name=${name}` })).items;
}

async function gone(env: KubeletEnv, name: string): Promise<void> {
  await waitFor(`pod ${name} to be gone`, async () => {
    try {
      await getPod(env.rest, name);
      return false;
    } catch (e) {
      if (e instanceof ApiError && e.reason === 'NotFound') return true;
      throw e;
    }
  }, 30_000, 100);
}

async function remove(env: KubeletEnv, name: string): Promise<void> {
  await env.rest.delete(PODS, 'default', name, { gracePeriodSeconds: 1 });
  await gone(env, name);
}

async function get(podIP: string | undefined, path: string): Promise<string> {
  const r = await fetch(`http://${podIP ?? ''}:8080${path}`, { signal: AbortSignal.timeout(3000) });
  return r.text();
}

describe('kubelet: restarts, probes and adoption', () => {
  let env: KubeletEnv;
  let k: Kubectl;

  before(async () => {
    env = await startKubeletEnv({ nodes: ['node-1'], kubelet: { crashLoopMaxBackoffMs: 3000 } });
    k = kubectlFor(env.cluster.url);
  });
  after(async () => {
    const name = env?.clusterName;
    await env?.stop();
    if (name) assert.deepEqual(await dockerContainers(name), [], 'no container of the test cluster is left');
  });

  test('CrashLoopBackOff: restart counts rise, lastState keeps the exit, BackOff events', async () => {
    await env.rest.create(PODS, 'default', testPod('crasher', 'node-1', { containers: [{ name: 'app', image: TESTAPP_IMAGE, args: ['exit', '3'] }] }));
    const seen = new Set<string>();
    const counts: number[] = [];
    const p = await waitFor('restartCount >= 3', async () => {
      const x = await getPod(env.rest, 'crasher');
      const cs = x.status?.containerStatuses?.[0];
      if (cs?.state?.waiting?.reason) seen.add(cs.state.waiting.reason);
      if (cs && counts[counts.length - 1] !== cs.restartCount) counts.push(cs.restartCount);
      return (cs?.restartCount ?? 0) >= 3 ? x : undefined;
    }, 40_000, 100);
    assert.ok(seen.has('CrashLoopBackOff'), `waiting reasons seen: ${[...seen].join(',')}`);
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b), 'restart counts only rise');
    const cs = p.status?.containerStatuses?.[0];
    assert.equal(cs?.lastState?.terminated?.exitCode, 3);
    assert.equal(cs?.lastState?.terminated?.reason, 'Error');
    assert.equal(p.status?.phase, 'Running');
    const evs = await events(env, 'crasher');
    assert.ok(evs.some((e) => e.reason === 'BackOff' && /^Back-off restarting failed container app in pod crasher_default\(/.test(e.message ?? '')));
    // between a restart and the next exit the container briefly runs (1/1 Running), so poll kubectl's row
    let row = '';
    await waitFor('kubectl to show the crash loop', async () => {
      row = (await k.run(['get', 'pod', 'crasher'])).stdout;
      return /crasher\s+0\/1\s+(CrashLoopBackOff|Error|Completed)\s+[3-9]/.test(row);
    }, 15_000, 250).catch(() => assert.fail(`kubectl get pod crasher never showed the crash loop; last output:\n${row}`));
    // only the current and the previous instance are kept
    assert.ok((await dockerContainers(env.clusterName, [`label=io.kubernetes.pod.uid=${p.metadata?.uid ?? ''}`, 'label=io.kubernetes.container.name=app'])).length <= 2);
    await remove(env, 'crasher');
  });

  test('restartPolicy Never and OnFailure end in Succeeded or Failed', async () => {
    await env.rest.create(PODS, 'default', testPod('once-ok', 'node-1', { restartPolicy: 'Never', containers: [{ name: 'app', image: TESTAPP_IMAGE, args: ['exit', '0'] }] }));
    await env.rest.create(PODS, 'default', testPod('once-bad', 'node-1', { restartPolicy: 'Never', containers: [{ name: 'app', image: TESTAPP_IMAGE, args: ['exit', '4'] }] }));
    await env.rest.create(PODS, 'default', testPod('retry-ok', 'node-1', { restartPolicy: 'OnFailure', containers: [{ name: 'app', image: TESTAPP_IMAGE, args: ['exit', '0'] }] }));
    const ok = await waitForPod(env.rest, 'once-ok', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
    const bad = await waitForPod(env.rest, 'once-bad', 'Failed', (p) => p.status?.phase === 'Failed');
    const retry = await waitForPod(env.rest, 'retry-ok', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
    assert.equal(ok.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.equal(bad.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 4);
    assert.equal(bad.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.equal(retry.status?.containerStatuses?.[0]?.restartCount, 0);
    // the sandbox of a finished pod is stopped, its containers are kept for kubectl logs
    await waitFor('the sandbox to stop', async () => (await dockerContainers(env.clusterName, [`label=io.kubernetes.pod.uid=${ok.metadata?.uid ?? ''}`, 'status=running'])).length === 0);
    const logs = await k.run(['logs', 'once-bad']);
    assert.match(logs.stdout, /exiting with 4/);
    await Promise.all(['once-ok', 'once-bad', 'retry-ok'].map((n) => remove(env, n)));
  });

  test('a failing liveness probe restarts the container (Unhealthy and Killing events)', async () => {
    await env.rest.create(PODS, 'default', testPod('alive', 'node-1', {
      containers: [{
        name: 'app',
        image: TESTAPP_IMAGE,
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1, failureThreshold: 2, initialDelaySeconds: 1 },
      }],
    }));
    const running = await waitForPod(env.rest, 'alive', 'running', (p) => p.status?.phase === 'Running');
    const firstId = running.status?.containerStatuses?.[0]?.containerID;
    await waitFor('the app to answer', async () => (await get(running.status?.podIP, '/healthz')) === 'ok');
    assert.equal(await get(running.status?.podIP, '/fail-health?on=1'), 'fail-health=true');
    const restarted = await waitForPod(env.rest, 'alive', 'restarted', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && p.status?.containerStatuses?.[0]?.state?.running !== undefined, 20_000);
    const cs = restarted.status?.containerStatuses?.[0];
    assert.notEqual(cs?.containerID, firstId);
    assert.equal(cs?.lastState?.terminated?.containerID, firstId);
    const evs = await events(env, 'alive');
    assert.ok(evs.some((e) => e.reason === 'Unhealthy' && e.message === 'Liveness probe failed: HTTP probe failed with statuscode: 500'), JSON.stringify(evs.map((e) => e.message)));
    assert.ok(evs.some((e) => e.reason === 'Killing' && e.message === 'Container app failed liveness probe, will be restarted'));
    await remove(env, 'alive');
  });

  test('readiness flips the Ready condition both ways', async () => {
    await env.rest.create(PODS, 'default', testPod('ready', 'node-1', {
      containers: [{ name: 'app', image: TESTAPP_IMAGE, readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1, failureThreshold: 1 } }],
    }));
    const p = await waitForPod(env.rest, 'ready', 'Ready', isReady);
    assert.equal(p.status?.containerStatuses?.[0]?.ready, true);
    await get(p.status?.podIP, '/fail-ready?on=1');
    const unready = await waitForPod(env.rest, 'ready', 'not Ready', (x) => !isReady(x), 10_000);
    const cond = unready.status?.conditions?.find((c) => c.type === 'Ready');
    assert.deepEqual([cond?.reason, cond?.message], ['ContainersNotReady', 'containers with unready status: [app]']);
    assert.equal(unready.status?.containerStatuses?.[0]?.restartCount, 0, 'readiness never restarts');
    await get(p.status?.podIP, '/fail-ready?on=0');
    await waitForPod(env.rest, 'ready', 'Ready again', isReady, 10_000);
    const r = await k.run(['get', 'pod', 'ready']);
    assert.match(r.stdout, /ready\s+1\/1\s+Running\s+0\s/);
    await remove(env, 'ready');
  });

  test('a restarted kubelet adopts running containers and removes those of pods deleted meanwhile', async () => {
    await env.rest.create(PODS, 'default', testPod('keeper', 'node-1'));
    await env.rest.create(PODS, 'default', testPod('goner', 'node-1'));
    const keeper = await waitForPod(env.rest, 'keeper', 'running', (p) => p.status?.phase === 'Running' && isReady(p));
    const goner = await waitForPod(env.rest, 'goner', 'running', (p) => p.status?.phase === 'Running');
    const uid = keeper.metadata?.uid ?? '';
    const before = (await dockerContainers(env.clusterName, [`label=io.kubernetes.pod.uid=${uid}`])).sort();
    await env.stopNode('node-1');
    // while the kubelet is away: force-delete one pod (the API object goes at once)
    await env.rest.delete(PODS, 'default', 'goner', { gracePeriodSeconds: 0 });
    await gone(env, 'goner');
    assert.equal((await dockerContainers(env.clusterName, [`label=io.kubernetes.pod.uid=${goner.metadata?.uid ?? ''}`, 'status=running'])).length, 2, 'nothing stops them while the kubelet is away');
    await env.startNode('node-1');
    await waitFor('the orphaned containers to be removed', async () => (await dockerContainers(env.clusterName, [`label=io.kubernetes.pod.uid=${goner.metadata?.uid ?? ''}`])).length === 0, 20_000);
    // give the adopted pod a few syncs
    await new Promise((r) => setTimeout(r, 2000));
    const after = await getPod(env.rest, 'keeper');
    assert.equal(after.status?.containerStatuses?.[0]?.containerID, keeper.status?.containerStatuses?.[0]?.containerID);
    assert.equal(after.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.equal(after.status?.phase, 'Running');
    assert.deepEqual((await dockerContainers(env.clusterName, [`label=io.kubernetes.pod.uid=${uid}`])).sort(), before, 'no container was replaced or added');
    const answer = await get(after.status?.podIP, '/');
    assert.equal(answer, 'keeper');
    await remove(env, 'keeper');
  });

  test('a container whose image entrypoint cannot start: RunContainerError/StartError, then back-off', async () => {
    await env.rest.create(PODS, 'default', testPod('nostart', 'node-1', { containers: [{ name: 'app', image: TESTAPP_IMAGE, command: ['/no/such/binary'] }] }));
    const p = await waitForPod(env.rest, 'nostart', 'start failure', (x) => {
      const cs = x.status?.containerStatuses?.[0];
      return cs?.state?.waiting?.reason === 'CrashLoopBackOff' || cs?.lastState?.terminated?.reason === 'StartError' || cs?.state?.terminated?.reason === 'StartError';
    }, 20_000);
    const cs = p.status?.containerStatuses?.[0];
    const term = cs?.state?.terminated ?? cs?.lastState?.terminated;
    assert.equal(term?.reason, 'StartError');
    assert.match(term?.message ?? '', /no such file or directory|not found/);
    await remove(env, 'nostart');
  });
});
