import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { KubeObject } from '../../api/object.js';
import { cronJobPrinter } from './cronjob.js';
import { jobPrinter } from './job.js';

const now = new Date('2026-01-01T00:10:00Z');
const row = (job: Job) => jobPrinter.print(job as KubeObject, now).cells;
const cond = (type: string, status = 'True') => ({ type, status });

function job(spec: Partial<NonNullable<Job['spec']>>, status: Job['status'] = {}, meta: Job['metadata'] = {}): Job {
  return {
    metadata: { name: 'pi', creationTimestamp: '2026-01-01T00:00:00Z', ...meta },
    spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl:5' }] } }, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } }, ...spec },
    status,
  };
}

describe('job rows (printJob)', () => {
  test('NAME STATUS COMPLETIONS DURATION AGE, and wide containers, images, selector', () => {
    assert.deepEqual(jobPrinter.columns.map((c) => `${c.name}:${c.priority}`), ['Name:0', 'Status:0', 'Completions:0', 'Duration:0', 'Age:0', 'Containers:1', 'Images:1', 'Selector:1']);
    const done = job({ completions: 3 }, { succeeded: 3, startTime: '2026-01-01T00:00:05Z', completionTime: '2026-01-01T00:00:47Z', conditions: [cond('SuccessCriteriaMet'), cond('Complete')] });
    assert.deepEqual(row(done), ['pi', 'Complete', '3/3', '42s', '10m', 'pi', 'perl:5', 'batch.kubernetes.io/controller-uid=u1']);
  });

  test('status: Complete, Failed, Terminating, Suspended, FailureTarget, else Running', () => {
    assert.equal(row(job({}, { conditions: [cond('FailureTarget'), cond('Failed')] }))[1], 'Failed');
    assert.equal(row(job({}, { conditions: [cond('FailureTarget')] }))[1], 'FailureTarget');
    assert.equal(row(job({}, { conditions: [cond('Suspended')] }))[1], 'Suspended');
    assert.equal(row(job({}, { conditions: [cond('Suspended', 'False')] }))[1], 'Running');
    assert.equal(row(job({}, { conditions: [cond('Suspended')] }, { deletionTimestamp: '2026-01-01T00:09:00Z' }))[1], 'Terminating');
    assert.equal(row(job({}, { conditions: [cond('SuccessCriteriaMet')] }))[1], 'Running');
  });

  test('completions of work-queue Jobs and a running duration', () => {
    assert.equal(row(job({ parallelism: 4 }, { succeeded: 1 }))[2], '1/1 of 4');
    assert.equal(row(job({ parallelism: 1 }))[2], '0/1');
    assert.equal(row(job({ completions: 5, parallelism: 2 }, { succeeded: 2 }))[2], '2/5');
    assert.equal(row(job({}, { startTime: '2026-01-01T00:08:00Z' }))[3], '2m');
    assert.equal(row(job({}))[3], '');
  });
});

describe('cronjob rows (printCronJob)', () => {
  test('NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE, and wide containers, images, selector', () => {
    assert.deepEqual(cronJobPrinter.columns.map((c) => c.name), ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers', 'Images', 'Selector']);
    const cj = {
      metadata: { name: 'tick', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } } },
      status: { active: [{ name: 'tick-1' }], lastScheduleTime: '2026-01-01T00:05:00Z' },
    };
    assert.deepEqual(cronJobPrinter.print(cj as KubeObject, now).cells, ['tick', '*/5 * * * *', '<none>', 'False', 1, '5m', '10m', 'c', 'busybox', '']);
    const fresh = { metadata: { name: 'tz', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { schedule: '@daily', timeZone: 'Europe/Berlin', jobTemplate: {} } };
    assert.deepEqual(cronJobPrinter.print(fresh as KubeObject, now).cells.slice(2, 6), ['Europe/Berlin', '<unset>', 0, '<none>']);
  });
});
