import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { matchPodFailurePolicy } from './failure-policy.js';

const job = (rules: NonNullable<NonNullable<Job['spec']>['podFailurePolicy']>['rules']): Job => ({ spec: { template: {}, podFailurePolicy: { rules } } });
const pod = (codes: Record<string, number>, conditions: { type: string; status: string }[] = []): Pod => ({
  metadata: { name: 'p', namespace: 'ns' },
  status: {
    phase: 'Failed',
    conditions,
    containerStatuses: Object.entries(codes).map(([name, exitCode]) => ({ name, image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode } } })),
  },
});

test('the first matching rule wins; exit code 0 never matches; containerName narrows', () => {
  const j = job([
    { action: 'Ignore', onExitCodes: { containerName: 'side', operator: 'In', values: [1] } },
    { action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [1, 2] } },
    { action: 'Count', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
  ]);
  assert.equal(matchPodFailurePolicy(j, pod({ side: 1 }))?.action, 'Ignore');
  assert.equal(matchPodFailurePolicy(j, pod({ main: 1 })), undefined, 'in the NotIn list, not the side container');
  assert.deepEqual(matchPodFailurePolicy(j, pod({ main: 0, other: 7 })), { action: 'FailJob', message: 'Container other for pod ns/p failed with exit code 7 matching FailJob rule at index 1' });
  assert.equal(matchPodFailurePolicy(j, pod({ main: 0 })), undefined, 'exit code 0 is not a failure');
  assert.deepEqual(matchPodFailurePolicy(j, pod({}, [{ type: 'DisruptionTarget', status: 'True' }])), { action: 'Count', message: 'Pod ns/p has condition DisruptionTarget matching Count rule at index 2' });
  assert.equal(matchPodFailurePolicy({ spec: { template: {} } }, pod({ main: 3 })), undefined, 'no policy');
});
