/**
 * The Job controller against a real api-server + etcd (pods are finished by the test through the status
 * subresource, as a kubelet would): completions and parallelism, finalizer-tracked counting, backoffLimit,
 * activeDeadlineSeconds, suspend/resume, ttlSecondsAfterFinished, and batch/v1's orphaning default on delete.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../api/errors.js';
import { requireResource } from '../../api/resources.js';
import { RestClient } from '../../client/rest.js';
import type { ControllerManager } from '../../controller-manager/manager.js';
import { eventually, startTestManager } from '../../controller-manager/testing.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';

const NAMESPACES = requireResource('', 'v1', 'namespaces');
const JOBS = requireResource('batch', 'v1', 'jobs');
const PODS = requireResource('', 'v1', 'pods');
const EVENTS = requireResource('', 'v1', 'events');
const NS = 'job-it';
const FINALIZER = 'batch.kubernetes.io/job-tracking';

function job(name: string, spec: Partial<NonNullable<Job['spec']>> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: NS },
    spec: {
      template: { spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'img:1' }] } },
      ...spec,
    },
  };
}

describe('job controller against a real api-server', () => {
  let c: TestCluster;
  let rest: RestClient;
  let manager: ControllerManager;

  const getJob = (name: string): Promise<Job> => rest.get<Job>(JOBS, NS, name);
  const podsOf = async (j: Job): Promise<Pod[]> => (await rest.list<Pod>(PODS, NS, { labelSelector: `batch.kubernetes.io/controller-uid=${j.metadata?.uid ?? ''}` })).items;
  const running = async (j: Job): Promise<Pod[]> => (await podsOf(j)).filter((p) => !p.metadata?.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''));
  const finish = async (p: Pod, phase: 'Succeeded' | 'Failed'): Promise<void> => {
    const cur = await rest.get<Pod>(PODS, NS, p.metadata?.name ?? '');
    await rest.updateStatus(PODS, NS, { ...cur, status: { ...cur.status, phase } });
  };
  const events = async (name: string): Promise<Event[]> => (await rest.list<Event>(EVENTS, NS)).items.filter((e) => e.involvedObject.name === name);
  const conditions = (j: Job): string[] => (j.status?.conditions ?? []).map((x) => `${x.type}=${x.status}/${x.reason ?? ''}`);

  before(async () => {
    c = await startTestCluster();
    rest = new RestClient({ server: c.url, timeoutMs: 10_000 });
    await rest.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    manager = await startTestManager(c.url, { controllers: ['job', 'garbagecollector', 'ttl-after-finished'], settings: { jobBackoffBaseMs: 100, jobBackoffMaxMs: 400 } });
  });

  after(async () => {
    await manager?.close();
    rest?.close();
    await c?.stop();
  });

  test('the api-server generates the selector and labels, and rejects restartPolicy Always', async () => {
    const j = await rest.create<Job>(JOBS, NS, job('labels', { suspend: true }));
    const uid = j.metadata?.uid ?? '';
    assert.deepEqual(j.spec?.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    assert.deepEqual(j.spec?.template.metadata?.labels, {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'labels',
      'controller-uid': uid,
      'job-name': 'labels',
    });
    assert.deepEqual(
      { c: j.spec?.completions, p: j.spec?.parallelism, b: j.spec?.backoffLimit, m: j.spec?.completionMode, r: j.spec?.podReplacementPolicy },
      { c: 1, p: 1, b: 6, m: 'NonIndexed', r: 'TerminatingOrFailed' },
    );
    const bad = job('always');
    bad.spec!.template.spec!.restartPolicy = 'Always';
    await assert.rejects(rest.create(JOBS, NS, bad), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 422);
      assert.match(e.message, /^Job\.batch "always" is invalid: spec\.template\.spec\.restartPolicy: Required value: valid values: "OnFailure", "Never"$/);
      return true;
    });
    // what kubemu's controller does not run is refused rather than run differently
    await assert.rejects(rest.create(JOBS, NS, job('perindex', { completionMode: 'Indexed', completions: 2, backoffLimitPerIndex: 1 })), /spec\.backoffLimitPerIndex: Forbidden: not supported by kubemu yet/);
    // a name that is no DNS label is accepted with upstream's warning
    const dotted = await fetch(`${c.url}/apis/batch/v1/namespaces/${NS}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(job('dotted.name', { suspend: true })) });
    assert.equal(dotted.status, 201);
    assert.match(dotted.headers.get('warning') ?? '', /^299 - "metadata\.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: \[must not contain dots\]"$/);
    await rest.delete(JOBS, NS, 'dotted.name', { propagationPolicy: 'Background' });
    // the template of a started Job is immutable
    const started = await rest.create<Job>(JOBS, NS, job('immutable'));
    const changed = { ...started, spec: { ...started.spec!, template: { ...started.spec!.template, spec: { ...started.spec!.template.spec!, containers: [{ name: 'c', image: 'img:2' }] } } } };
    await assert.rejects(rest.update(JOBS, NS, changed), /spec\.template: Invalid value: .*field is immutable/);
    await rest.delete(JOBS, NS, 'immutable', { propagationPolicy: 'Background' });
    await rest.delete(JOBS, NS, 'labels', { propagationPolicy: 'Background' });
  });

  test('runs completions with parallelism, counts each pod once and completes', async () => {
    const j = await rest.create<Job>(JOBS, NS, job('three', { completions: 3, parallelism: 2 }));
    await eventually(async () => (await running(j)).length === 2, 'two running pods');
    const first = await running(j);
    for (const p of first) {
      assert.match(p.metadata?.name ?? '', /^three-[a-z0-9]{5}$/);
      assert.deepEqual(p.metadata?.finalizers, [FINALIZER]);
      assert.deepEqual(p.metadata?.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'three', uid: j.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
      assert.equal(p.metadata?.labels?.['job-name'], 'three');
    }
    await eventually(async () => (await getJob('three')).status?.active === 2, 'status.active 2');
    assert.ok((await getJob('three')).status?.startTime, 'startTime set');
    await finish(first[0], 'Succeeded');
    await eventually(async () => (await getJob('three')).status?.succeeded === 1, 'one succeeded');
    await eventually(async () => (await running(j)).length === 2, 'a replacement for the finished pod');
    const done = await rest.get<Pod>(PODS, NS, first[0].metadata?.name ?? '');
    assert.equal(done.metadata?.finalizers, undefined, 'the counted pod lost its tracking finalizer');
    for (const p of await running(j)) await finish(p, 'Succeeded');
    await eventually(async () => (await getJob('three')).status?.completionTime !== undefined, 'the Job to complete');
    const s = (await getJob('three')).status;
    assert.deepEqual(
      { succeeded: s?.succeeded, failed: s?.failed ?? 0, active: s?.active ?? 0, uncounted: s?.uncountedTerminatedPods },
      { succeeded: 3, failed: 0, active: 0, uncounted: undefined },
    );
    assert.deepEqual(conditions(await getJob('three')), ['SuccessCriteriaMet=True/CompletionsReached', 'Complete=True/CompletionsReached']);
    assert.equal((await podsOf(j)).length, 3, 'no fourth pod');
    await eventually(async () => {
      const evs = await events('three');
      return evs.filter((e) => e.reason === 'SuccessfulCreate').length === 3 && evs.some((e) => e.reason === 'Completed' && e.message === 'Job completed');
    }, 'SuccessfulCreate and Completed events');
  });

  test('Indexed: one succeeded pod per index, completedIndexes, a failed index retried with the same index', async () => {
    const j = await rest.create<Job>(JOBS, NS, job('idx', { completionMode: 'Indexed', completions: 3, parallelism: 2 }));
    const index = (p: Pod): string => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] ?? '';
    await eventually(async () => (await running(j)).length === 2, 'two running pods');
    const first = (await running(j)).sort((a, b) => index(a).localeCompare(index(b)));
    assert.deepEqual(first.map(index), ['0', '1']);
    for (const p of first) {
      const i = index(p);
      assert.match(p.metadata?.name ?? '', new RegExp(`^idx-${i}-[a-z0-9]{5}$`));
      assert.equal(p.metadata?.labels?.['batch.kubernetes.io/job-completion-index'], i);
      assert.equal(p.spec?.hostname, `idx-${i}`);
      assert.deepEqual(p.spec?.containers[0].env, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }]);
    }
    await finish(first[1], 'Succeeded');
    await eventually(async () => (await getJob('idx')).status?.completedIndexes === '1', 'completedIndexes 1');
    await eventually(async () => (await running(j)).map(index).sort().join() === '0,2', 'a pod for index 2');
    // a failed index is retried with the same index
    await finish(first[0], 'Failed');
    await eventually(async () => (await running(j)).filter((p) => index(p) === '0').length === 1 && (await getJob('idx')).status?.failed === 1, 'index 0 retried');
    for (const p of await running(j)) await finish(p, 'Succeeded');
    await eventually(async () => conditions(await getJob('idx')).includes('Complete=True/CompletionsReached'), 'the Job to complete');
    const s = (await getJob('idx')).status;
    assert.deepEqual({ idx: s?.completedIndexes, succeeded: s?.succeeded, failed: s?.failed }, { idx: '0-2', succeeded: 3, failed: 1 });
  });

  test('fails with BackoffLimitExceeded after backoffLimit + 1 failed pods', async () => {
    const j = await rest.create<Job>(JOBS, NS, job('flaky', { backoffLimit: 1 }));
    for (let i = 0; i < 2; i++) {
      await eventually(async () => (await running(j)).length === 1, `attempt ${i + 1} running`);
      await finish((await running(j))[0], 'Failed');
      await eventually(async () => ((await getJob('flaky')).status?.failed ?? 0) === i + 1, `${i + 1} failed`);
    }
    await eventually(async () => conditions(await getJob('flaky')).includes('Failed=True/BackoffLimitExceeded'), 'the Job to fail');
    const final = await getJob('flaky');
    assert.deepEqual(conditions(final), ['FailureTarget=True/BackoffLimitExceeded', 'Failed=True/BackoffLimitExceeded']);
    assert.equal(final.status?.conditions?.[1]?.message, 'Job has reached the specified backoff limit');
    assert.equal(final.status?.completionTime, undefined);
    assert.equal((await podsOf(j)).length, 2, 'no third attempt');
    await eventually(async () => (await events('flaky')).some((e) => e.type === 'Warning' && e.reason === 'BackoffLimitExceeded'), 'the BackoffLimitExceeded event');
  });

  test('podFailurePolicy: an Ignore rule does not count the failure; a FailJob rule fails the Job at once', async () => {
    const j = await rest.create<Job>(JOBS, NS, job('policy', {
      podFailurePolicy: {
        rules: [
          { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } },
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        ],
      },
    }));
    assert.equal(j.spec?.podReplacementPolicy, 'Failed', 'the default with a podFailurePolicy');
    const fail = async (p: Pod, extra: Partial<NonNullable<Pod['status']>>): Promise<void> => {
      const cur = await rest.get<Pod>(PODS, NS, p.metadata?.name ?? '');
      await rest.updateStatus(PODS, NS, { ...cur, status: { ...cur.status, phase: 'Failed', ...extra } });
    };
    await eventually(async () => (await running(j)).length === 1, 'a running pod');
    const [disrupted] = await running(j);
    await fail(disrupted, { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI' }] });
    await eventually(async () => (await running(j)).some((p) => p.metadata?.uid !== disrupted.metadata?.uid), 'a replacement for the ignored failure');
    assert.equal((await getJob('policy')).status?.failed ?? 0, 0, 'the ignored failure is not counted');
    const [second] = await running(j);
    await fail(second, { containerStatuses: [{ name: 'c', image: 'img:1', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 42, reason: 'Error' } } }] });
    await eventually(async () => conditions(await getJob('policy')).includes('Failed=True/PodFailurePolicy'), 'the Job to fail by its policy');
    const failed = (await getJob('policy')).status;
    assert.equal(failed?.failed, 1);
    assert.equal(failed?.conditions?.find((x) => x.type === 'Failed')?.message, `Container c for pod ${NS}/${second.metadata?.name ?? ''} failed with exit code 42 matching FailJob rule at index 0`);
    // bad policies get upstream's errors
    const bad = job('badpolicy', { podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [0, 3] }, onPodConditions: [{ type: 'X', status: 'True' }] }] } });
    await assert.rejects(rest.create(JOBS, NS, bad), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.match(e.message, /spec\.podFailurePolicy\.rules\[0\]: Invalid value: "": specifying both OnExitCodes and OnPodConditions is not supported/);
      assert.match(e.message, /spec\.podFailurePolicy\.rules\[0\]\.onExitCodes\.values\[0\]: Invalid value: 0: must not be 0 for the In operator/);
      return true;
    });
  });

  test('a pod deleted before it finishes counts as failed and is replaced', async () => {
    const j = await rest.create<Job>(JOBS, NS, job('replaced'));
    await eventually(async () => (await running(j)).length === 1, 'a running pod');
    const [p] = await running(j);
    await rest.delete(PODS, NS, p.metadata?.name ?? '');
    await eventually(async () => (await getJob('replaced')).status?.failed === 1, 'the deleted pod counted as failed');
    await eventually(async () => (await running(j)).some((x) => x.metadata?.uid !== p.metadata?.uid), 'a replacement pod');
    await eventually(async () => (await podsOf(j)).every((x) => x.metadata?.uid !== p.metadata?.uid), 'the deleted pod gone once its finalizer was removed');
  });

  test('activeDeadlineSeconds ends the Job with DeadlineExceeded and deletes its pods', async () => {
    const j = await rest.create<Job>(JOBS, NS, job('slow', { activeDeadlineSeconds: 1 }));
    await eventually(async () => (await running(j)).length === 1, 'a running pod');
    await eventually(async () => conditions(await getJob('slow')).includes('Failed=True/DeadlineExceeded'), 'the deadline to pass', 10_000);
    assert.equal((await getJob('slow')).status?.conditions?.find((x) => x.type === 'Failed')?.message, 'Job was active longer than specified deadline');
    await eventually(async () => (await podsOf(j)).length === 0, 'its pod deleted');
  });

  test('suspend keeps pods from running; resume starts them', async () => {
    const j = await rest.create<Job>(JOBS, NS, job('paused', { suspend: true }));
    await eventually(async () => conditions(await getJob('paused')).includes('Suspended=True/JobSuspended'), 'Suspended condition');
    assert.equal((await podsOf(j)).length, 0);
    assert.equal((await getJob('paused')).status?.startTime, undefined);
    await rest.patch(JOBS, NS, 'paused', 'merge', { spec: { suspend: false } });
    await eventually(async () => (await running(j)).length === 1, 'a pod after resume');
    await eventually(async () => conditions(await getJob('paused')).includes('Suspended=False/JobResumed'), 'Suspended=False JobResumed');
  });

  test('ttlSecondsAfterFinished deletes the finished Job and its pods', async () => {
    const j = await rest.create<Job>(JOBS, NS, job('shortlived', { ttlSecondsAfterFinished: 1 }));
    await eventually(async () => (await running(j)).length === 1, 'a running pod');
    await finish((await running(j))[0], 'Succeeded');
    await eventually(async () => conditions(await getJob('shortlived')).includes('Complete=True/CompletionsReached'), 'the Job to complete');
    const done = Date.now();
    await eventually(async () => {
      try {
        await getJob('shortlived');
        return false;
      } catch (e) {
        return e instanceof ApiError && e.code === 404;
      }
    }, 'the Job deleted after its TTL', 10_000);
    assert.ok(Date.now() - done >= 500, 'not deleted before the TTL');
    await eventually(async () => (await podsOf(j)).length === 0, 'its pod deleted with it');
  });

  test('DELETE without a propagation policy keeps the pods (orphaned, finalizers released) and warns', async () => {
    const j = await rest.create<Job>(JOBS, NS, job('kept'));
    await eventually(async () => (await running(j)).length === 1, 'a running pod');
    const res = await fetch(`${c.url}/apis/batch/v1/namespaces/${NS}/jobs/kept`, { method: 'DELETE' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('warning') ?? '', /child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them/);
    await eventually(async () => {
      try {
        await getJob('kept');
        return false;
      } catch (e) {
        return e instanceof ApiError && e.code === 404;
      }
    }, 'the Job gone');
    await eventually(async () => {
      const [p] = await podsOf(j);
      return !!p && !p.metadata?.ownerReferences?.length && !p.metadata?.finalizers?.length;
    }, 'the pod orphaned without the tracking finalizer');
  });
});
