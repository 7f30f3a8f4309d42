/**
 * Jobs with real containers and the real kubectl: `kubectl create job` (a protobuf body), `kubectl wait`,
 * the Table row of `kubectl get jobs`, `kubectl logs job/…`, a Job that runs out of retries,
 * `kubectl delete job` removing its pods, and a CronJob running on its schedule (up to a minute of waiting).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { requireResource } from '../../api/resources.js';
import { startFullCluster, type FullCluster } from '../support/full-cluster.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';
import { PODS, TESTAPP_IMAGE, dockerContainers, waitFor } from '../support/kubelet.js';

const JOBS = requireResource('batch', 'v1', 'jobs');
const CRONJOBS = requireResource('batch', 'v1', 'cronjobs');

describe('jobs with real containers and kubectl', () => {
  let c: FullCluster;
  let k: Kubectl;

  before(async () => {
    c = await startFullCluster({ nodes: ['node-1'], controllers: { jobBackoffBaseMs: 200, jobBackoffMaxMs: 1000 } });
    k = kubectlFor(c.cluster.url);
  });
  after(async () => {
    const name = c?.clusterName;
    await c?.stop();
    if (name) assert.deepEqual(await dockerContainers(name), [], 'no container of the test cluster is left');
  });

  test('kubectl create job runs to completion; get, wait and logs work', async () => {
    const created = await k.run(['create', 'job', 'hello', `--image=${TESTAPP_IMAGE}`, '--', 'sh', '-c', 'echo hello from a job']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout.trim(), 'job.batch/hello created');
    const waited = await k.run(['wait', '--for=condition=complete', 'job/hello', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(waited.code, 0, waited.stderr);
    assert.equal(waited.stdout.trim(), 'job.batch/hello condition met');
    const row = await k.run(['get', 'jobs']);
    assert.match(row.stdout, /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\n/);
    assert.match(row.stdout, /\nhello\s+Complete\s+1\/1\s+\d+s\s+\d+s\n/);
    const logs = await k.run(['logs', 'job/hello']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, 'hello from a job\n');
    const pods = await k.run(['get', 'pods', '-l', 'job-name=hello']);
    assert.match(pods.stdout, /\nhello-[a-z0-9]{5}\s+0\/1\s+Completed\s+0\s/);
    const job = await c.rest.get<Job>(JOBS, 'default', 'hello');
    assert.deepEqual((job.status?.conditions ?? []).map((x) => x.type), ['SuccessCriteriaMet', 'Complete']);
  });

  test('a Job with parallelism runs its completions on real containers', async () => {
    const manifest = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'batch3' },
      spec: {
        completions: 3,
        parallelism: 2,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: TESTAPP_IMAGE, args: ['exit', '0', '--after=300'] }] } },
      },
    };
    const applied = await k.run(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
    assert.equal(applied.code, 0, applied.stderr);
    const waited = await k.run(['wait', '--for=condition=complete', 'job/batch3', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(waited.code, 0, waited.stderr);
    const job = await c.rest.get<Job>(JOBS, 'default', 'batch3');
    assert.deepEqual({ s: job.status?.succeeded, f: job.status?.failed ?? 0, a: job.status?.active ?? 0 }, { s: 3, f: 0, a: 0 });
    const pods = (await c.rest.list<Pod>(PODS, 'default', { labelSelector: 'job-name=batch3' })).items;
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.status?.phase === 'Succeeded' && !p.metadata?.finalizers), 'three Succeeded pods, none still held');
  });

  test('an Indexed Job: each pod sees its JOB_COMPLETION_INDEX and hostname', async () => {
    const manifest = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'idx' },
      spec: {
        completionMode: 'Indexed',
        completions: 3,
        parallelism: 3,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: TESTAPP_IMAGE, command: ['sh', '-c', 'echo "index $JOB_COMPLETION_INDEX on $(hostname)"'] }] } },
      },
    };
    assert.equal((await k.run(['apply', '-f', '-'], { input: JSON.stringify(manifest) })).code, 0);
    const waited = await k.run(['wait', '--for=condition=complete', 'job/idx', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(waited.code, 0, waited.stderr);
    assert.equal((await c.rest.get<Job>(JOBS, 'default', 'idx')).status?.completedIndexes, '0-2');
    const pods = (await c.rest.list<Pod>(PODS, 'default', { labelSelector: 'job-name=idx' })).items;
    const lines = await Promise.all(pods.map(async (p) => (await k.run(['logs', p.metadata?.name ?? ''])).stdout.trim()));
    assert.deepEqual(lines.sort(), ['index 0 on idx-0', 'index 1 on idx-1', 'index 2 on idx-2']);
    assert.equal((await k.run(['delete', 'job', 'idx'])).code, 0);
  });

  test('a failing Job stops after backoffLimit and reports BackoffLimitExceeded', async () => {
    const manifest = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'doomed' },
      spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: TESTAPP_IMAGE, args: ['exit', '3'] }] } } },
    };
    assert.equal((await k.run(['apply', '-f', '-'], { input: JSON.stringify(manifest) })).code, 0);
    const waited = await k.run(['wait', '--for=condition=failed', 'job/doomed', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(waited.code, 0, waited.stderr);
    const job = await c.rest.get<Job>(JOBS, 'default', 'doomed');
    assert.equal(job.status?.failed, 2);
    assert.equal(job.status?.conditions?.find((x) => x.type === 'Failed')?.reason, 'BackoffLimitExceeded');
    const row = await k.run(['get', 'job', 'doomed']);
    assert.match(row.stdout, /\ndoomed\s+Failed\s+0\/1\s/);
    // events are recorded asynchronously
    await waitFor('kubectl describe to show the BackoffLimitExceeded event', async () =>
      /Warning\s+BackoffLimitExceeded\s+\d+s\s+job-controller\s+Job has reached the specified backoff limit/.test((await k.run(['describe', 'job', 'doomed'])).stdout));
  });

  test('podFailurePolicy: a FailJob rule on the real exit code fails the Job at the first failure', async () => {
    const manifest = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'policy' },
      spec: {
        backoffLimit: 6,
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'work', operator: 'In', values: [42] } }] },
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: TESTAPP_IMAGE, args: ['exit', '42'] }] } },
      },
    };
    assert.equal((await k.run(['apply', '-f', '-'], { input: JSON.stringify(manifest) })).code, 0);
    const waited = await k.run(['wait', '--for=condition=failed', 'job/policy', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(waited.code, 0, waited.stderr);
    const job = await c.rest.get<Job>(JOBS, 'default', 'policy');
    const failed = job.status?.conditions?.find((x) => x.type === 'Failed');
    assert.equal(failed?.reason, 'PodFailurePolicy');
    assert.match(failed?.message ?? '', /^Container work for pod default\/policy-[a-z0-9]{5} failed with exit code 42 matching FailJob rule at index 0$/);
    assert.equal(job.status?.failed, 1, 'no retry');
    assert.equal((await k.run(['delete', 'job', 'policy'])).code, 0);
  });

  test('kubectl delete job removes its pods', async () => {
    const del = await k.run(['delete', 'job', 'hello', 'batch3', 'doomed']);
    assert.equal(del.code, 0, del.stderr);
    await waitFor('the Jobs\' pods to be gone', async () => (await c.rest.list<Pod>(PODS, 'default')).items.length === 0, 60_000);
  });

  test('kubectl create cronjob runs a Job every minute; create job --from=cronjob runs one now; delete removes them', async () => {
    const created = await k.run(['create', 'cronjob', 'tick', `--image=${TESTAPP_IMAGE}`, '--schedule=*/1 * * * *', '--', 'sh', '-c', 'echo tick']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout.trim(), 'cronjob.batch/tick created');
    const row = await k.run(['get', 'cronjobs']);
    assert.match(row.stdout, /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\n/);
    assert.match(row.stdout, /\ntick\s+\*\/1 \* \* \* \*\s+<none>\s+False\s+[01]\s+(<none>|\d+s)\s+\d+s\n/);

    const manual = await k.run(['create', 'job', 'tick-now', '--from=cronjob/tick']);
    assert.equal(manual.code, 0, manual.stderr);
    assert.equal((await k.run(['wait', '--for=condition=complete', 'job/tick-now', '--timeout=60s'], { timeoutMs: 70_000 })).code, 0);
    assert.equal((await k.run(['logs', 'job/tick-now'])).stdout, 'tick\n');
    const now = await c.rest.get<Job>(JOBS, 'default', 'tick-now');
    assert.equal(now.metadata?.annotations?.['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.equal(now.metadata?.ownerReferences?.[0]?.kind, 'CronJob', 'kubectl makes the CronJob its owner, so deleting the CronJob removes it too');

    // the scheduled run: within a minute of the create
    const cj = await c.rest.get<CronJob>(CRONJOBS, 'default', 'tick');
    await waitFor('a scheduled Job to complete', async () => {
      const jobs = (await c.rest.list<Job>(JOBS, 'default')).items.filter((j) => j.metadata?.ownerReferences?.some((r) => r.controller && r.uid === cj.metadata?.uid));
      return jobs.some((j) => /^tick-\d+$/.test(j.metadata?.name ?? '') && j.status?.conditions?.some((x) => x.type === 'Complete' && x.status === 'True'));
    }, 90_000, 1000);
    await waitFor('lastScheduleTime and lastSuccessfulTime', async () => {
      const s = (await c.rest.get<CronJob>(CRONJOBS, 'default', 'tick')).status;
      return !!s?.lastScheduleTime && !!s.lastSuccessfulTime;
    });
    assert.match((await k.run(['get', 'cronjob', 'tick'])).stdout, /\ntick\s+\*\/1 \* \* \* \*\s+<none>\s+False\s+[01]\s+\d+s\s+\d+s\n/);

    assert.equal((await k.run(['delete', 'cronjob', 'tick'])).code, 0);
    await waitFor('the CronJob\'s Jobs and pods to be gone', async () =>
      (await c.rest.list<Job>(JOBS, 'default')).items.length === 0 && (await c.rest.list<Pod>(PODS, 'default')).items.length === 0, 60_000);
  });
});
