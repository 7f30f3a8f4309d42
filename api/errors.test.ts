import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, FieldError } from './errors.js';

test('NotFound uses the qualified resource and plural kind in details', () => {
  const s = ApiError.notFound({ group: 'apps', resource: 'deployments' }, 'web').toStatus();
  assert.equal(s.message, 'deployments.apps "web" not found');
  assert.deepEqual(s.details, { name: 'web', group: 'apps', kind: 'deployments' });
  assert.equal(s.code, 404);
  assert.equal(s.kind, 'Status');
});

test('Conflict message matches upstream', () => {
  const e = ApiError.modified({ group: '', resource: 'pods' }, 'x');
  assert.equal(e.message, 'Operation cannot be fulfilled on pods "x": the object has been modified; please apply your changes to the latest version and try again');
});

test('Invalid renders one cause inline and several as a list', () => {
  const one = ApiError.invalid('Deployment', 'apps', 'web', [FieldError.invalid('spec.replicas', -1, 'must be greater than or equal to 0')]);
  assert.equal(one.message, 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  assert.deepEqual(one.details?.causes, [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }]);
  const two = ApiError.invalid('Pod', '', 'p', [FieldError.required('spec.containers'), FieldError.invalid('metadata.name', 'A', 'bad')]);
  assert.equal(two.message, 'Pod "p" is invalid: [spec.containers: Required value, metadata.name: Invalid value: "A": bad]');
});

test('fromStatus round-trips', () => {
  const e = ApiError.fromStatus(ApiError.alreadyExists({ group: '', resource: 'pods' }, 'a').toStatus(), 409);
  assert.equal(e.reason, 'AlreadyExists');
  assert.equal(e.code, 409);
});
