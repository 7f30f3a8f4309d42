import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { DeepMutable } from '../../../api/object.js';
import {
  lastRevision,
  maxRevision,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  setDeploymentAnnotationsTo,
  setNewReplicaSetAnnotations,
} from './annotations.js';

const d: Deployment = {
  metadata: { name: 'web', annotations: { team: 'a', 'kubernetes.io/change-cause': 'v2', 'kubectl.kubernetes.io/last-applied-configuration': '{}', [REVISION_ANNOTATION]: '3' } },
  spec: { replicas: 4, selector: {}, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } },
};

const rsWith = (rev?: string): ReplicaSet => ({ metadata: { annotations: rev ? { [REVISION_ANNOTATION]: rev } : {} }, spec: { selector: {} } });

void test('a new ReplicaSet gets the deployment annotations (but the skipped ones), the revision and replica annotations', () => {
  const rs: DeepMutable<ReplicaSet> = { metadata: {}, spec: { selector: {} } };
  assert.equal(setNewReplicaSetAnnotations(d, rs, '4', false), true);
  assert.deepEqual(rs.metadata!.annotations, {
    team: 'a',
    'kubernetes.io/change-cause': 'v2',
    [REVISION_ANNOTATION]: '4',
    'deployment.kubernetes.io/desired-replicas': '4',
    'deployment.kubernetes.io/max-replicas': '5',
  });
  // nothing left to change
  assert.equal(setNewReplicaSetAnnotations(d, rs, '4', true), false);
});

void test('an old ReplicaSet becoming new again keeps its old revisions in revision-history', () => {
  const rs: DeepMutable<ReplicaSet> = { metadata: { annotations: { [REVISION_ANNOTATION]: '1' } }, spec: { selector: {} } };
  setNewReplicaSetAnnotations(d, rs, '3', true);
  assert.equal(rs.metadata!.annotations![REVISION_ANNOTATION], '3');
  assert.equal(rs.metadata!.annotations![REVISION_HISTORY_ANNOTATION], '1');
  setNewReplicaSetAnnotations(d, rs, '5', true);
  assert.equal(rs.metadata!.annotations![REVISION_HISTORY_ANNOTATION], '1,3');
  // a lower revision never replaces a higher one
  assert.equal(setNewReplicaSetAnnotations(d, rs, '2', true), false);
});

void test('max and last (previous) revision', () => {
  const rss = [rsWith('1'), rsWith('4'), rsWith('2'), rsWith(), rsWith('x')];
  assert.equal(maxRevision(rss), 4);
  assert.equal(lastRevision(rss), 2);
  assert.equal(lastRevision([rsWith('7')]), 0);
});

void test('rollback copies the ReplicaSet annotations but keeps the controller ones of the deployment', () => {
  const dep: DeepMutable<Deployment> = { metadata: { annotations: { [REVISION_ANNOTATION]: '5', team: 'b' } } };
  setDeploymentAnnotationsTo(dep, { metadata: { annotations: { [REVISION_ANNOTATION]: '2', team: 'a', note: 'x' } }, spec: { selector: {} } });
  assert.deepEqual(dep.metadata!.annotations, { [REVISION_ANNOTATION]: '5', team: 'a', note: 'x' });
});
