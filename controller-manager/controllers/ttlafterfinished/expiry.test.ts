import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from 'kubernetes-types/batch/v1.js';
import { expiresAt } from './expiry.js';

const finished = (type: string, status = 'True'): Job['status'] => ({ conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type, status, lastTransitionTime: '2026-01-01T00:00:00Z' }] });

test('a finished Job expires ttlSecondsAfterFinished after its Complete or Failed condition', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(expiresAt({ spec: { template: {}, ttlSecondsAfterFinished: 30 }, status: finished('Complete') }), t0 + 30_000);
  assert.equal(expiresAt({ spec: { template: {}, ttlSecondsAfterFinished: 0 }, status: finished('Failed') }), t0);
  assert.equal(expiresAt({ spec: { template: {}, ttlSecondsAfterFinished: 30 }, status: finished('Complete', 'False') }), undefined, 'still running');
  assert.equal(expiresAt({ spec: { template: {} }, status: finished('Complete') }), undefined, 'no TTL');
});
