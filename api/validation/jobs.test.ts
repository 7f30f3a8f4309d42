import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from 'kubernetes-types/batch/v1.js';
import { defaultJob } from '../defaults/apps.js';
import { validateJob, validateJobUpdate } from './jobs.js';

const UID = '0f1c2a4e-0000-4000-8000-000000000001';

/** A defaulted Job with the labels and selector the api-server generates. */
function job(mutate: (j: Job) => void = () => undefined): Job {
  const labels = { 'batch.kubernetes.io/controller-uid': UID, 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': UID, 'job-name': 'pi' };
  const j: Job = {
    metadata: { name: 'pi', namespace: 'default', uid: UID },
    spec: {
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } },
      template: { metadata: { labels }, spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5' }] } },
    },
  };
  mutate(j);
  defaultJob(j);
  return j;
}
const msgs = (errs: { toString(): string }[]) => errs.map((e) => e.toString());

describe('validateJob', () => {
  test('a generated Job is valid; defaults match upstream', () => {
    const j = job();
    assert.deepEqual(msgs(validateJob(j)), []);
    assert.deepEqual([j.spec?.completions, j.spec?.parallelism, j.spec?.backoffLimit, j.spec?.manualSelector, j.spec?.suspend], [1, 1, 6, false, false]);
  });

  test('restartPolicy must be OnFailure or Never', () => {
    assert.deepEqual(msgs(validateJob(job((j) => (j.spec!.template.spec!.restartPolicy = 'Always')))), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
  });

  test('negative counts, a hand-written selector without manualSelector, Indexed without completions', () => {
    const errs = msgs(validateJob(job((j) => {
      j.spec!.parallelism = -1;
      j.spec!.backoffLimit = -2;
      j.spec!.selector = { matchLabels: { app: 'x' } };
      j.spec!.template.metadata!.labels!.app = 'x';
      j.spec!.completionMode = 'Indexed';
      j.spec!.completions = null as unknown as undefined;
    })));
    assert.ok(errs.includes('spec.parallelism: Invalid value: -1: must be greater than or equal to 0'), errs.join('\n'));
    assert.ok(errs.includes('spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0'), errs.join('\n'));
    assert.ok(errs.some((e) => e.startsWith('spec.selector: Invalid value: ') && e.endsWith('`selector` not auto-generated')), errs.join('\n'));
    assert.ok(errs.includes('spec.completions: Required value: when completion mode is Indexed'), errs.join('\n'));
  });

  test('updates: template, selector and completions are immutable; parallelism may change', () => {
    const old = job();
    const scaled = job();
    scaled.spec!.parallelism = 3;
    assert.deepEqual(msgs(validateJobUpdate(scaled, old)), []);
    const errs = msgs(validateJobUpdate(job((j) => {
      j.spec!.completions = 4;
      j.spec!.template.spec!.containers[0].image = 'perl:6';
    }), old));
    assert.deepEqual(errs, ['spec.completions: Invalid value: 4: field is immutable', 'spec.template: Invalid value: core.PodTemplateSpec{…}: field is immutable']);
    // a suspended Job that never started may change its template
    const suspended = job((j) => (j.spec!.suspend = true));
    assert.deepEqual(msgs(validateJobUpdate(job((j) => {
      j.spec!.suspend = true;
      j.spec!.template.spec!.nodeSelector = { disk: 'ssd' };
    }), suspended)), []);
  });
});
