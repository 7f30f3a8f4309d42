import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { msgs } from './testutil.js';

const ns = { namespaced: true, nameFn: nameIsDNSSubdomain };

describe('validateObjectMeta', () => {
  it('accepts a normal object', () => assert.deepEqual(validateObjectMeta({ name: 'web', namespace: 'default', labels: { app: 'web' } }, ns), []));
  it('name required unless generateName', () => {
    assert.deepEqual(msgs(validateObjectMeta({ namespace: 'd' }, ns)), ['metadata.name: Required value: name or generateName is required']);
    assert.deepEqual(validateObjectMeta({ generateName: 'web-', namespace: 'd' }, ns), []);
  });
  it('254-char pod name', () => {
    const name = 'a'.repeat(254);
    assert.deepEqual(msgs(validateObjectMeta({ name, namespace: 'd' }, ns)), [`metadata.name: Invalid value: "${name}": must be no more than 253 characters`]);
  });
  it('64-char namespace name (DNS label)', () => {
    const name = 'a'.repeat(64);
    assert.deepEqual(msgs(validateObjectMeta({ name }, { namespaced: false, nameFn: nameIsDNSLabel })), [
      `metadata.name: Invalid value: "${name}": must be no more than 63 characters`,
    ]);
    assert.deepEqual(msgs(validateObjectMeta({ name: 'x', namespace: name }, ns)), [`metadata.namespace: Invalid value: "${name}": must be no more than 63 characters`]);
  });
  it('namespace required / forbidden by scope', () => {
    assert.deepEqual(msgs(validateObjectMeta({ name: 'x' }, ns)), ['metadata.namespace: Required value']);
    assert.deepEqual(msgs(validateObjectMeta({ name: 'x', namespace: 'd' }, { namespaced: false, nameFn: nameIsDNSSubdomain })), [
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
  });
  it('one-argument name functions work', () => {
    assert.deepEqual(validateObjectMeta({ name: 'x', namespace: 'd' }, { namespaced: true, nameFn: (n: string) => (n === 'x' ? [] : ['bad']) }), []);
  });
  it('label value of 64 chars', () => {
    const v = 'a'.repeat(64);
    assert.deepEqual(msgs(validateObjectMeta({ name: 'x', namespace: 'd', labels: { app: v } }, ns)), [
      `metadata.labels: Invalid value: "${v}": must be no more than 63 characters`,
    ]);
  });
  it('bad label key', () => {
    assert.deepEqual(msgs(validateObjectMeta({ name: 'x', namespace: 'd', labels: { '-x': 'y' } }, ns)), [
      `metadata.labels: Invalid value: "-x": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    ]);
  });
  it('annotations: keys case-insensitive, total size', () => {
    assert.deepEqual(validateObjectMeta({ name: 'x', namespace: 'd', annotations: { 'Example.com/Key': 'v' } }, ns), []);
    const big = 'x'.repeat(262144);
    assert.deepEqual(msgs(validateObjectMeta({ name: 'x', namespace: 'd', annotations: { a: big } }, ns)), [
      'metadata.annotations: Too long: must have at most 262144 bytes',
    ]);
  });
  it('ownerReferences', () => {
    assert.deepEqual(msgs(validateObjectMeta({ name: 'x', namespace: 'd', ownerReferences: [{ apiVersion: '', kind: '', name: '', uid: '' }] }, ns)), [
      'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    ]);
    const two = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
    ];
    assert.match(msgs(validateObjectMeta({ name: 'x', namespace: 'd', ownerReferences: two }, ns))[0], /Only one reference can have Controller set to true. Found "true" in references for ReplicaSet\/a and ReplicaSet\/b/);
  });
  it('finalizers', () => {
    assert.deepEqual(validateObjectMeta({ name: 'x', namespace: 'd', finalizers: ['example.com/f', 'kubernetes'] }, ns), []);
    assert.match(msgs(validateObjectMeta({ name: 'x', namespace: 'd', finalizers: ['bad finalizer'] }, ns))[0], /^metadata.finalizers: Invalid value: "bad finalizer": name part/);
    assert.deepEqual(msgs(validateObjectMeta({ name: 'x', namespace: 'd', finalizers: ['orphan', 'foregroundDeletion'] }, ns)), [
      'metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
    ]);
  });
  it('renders as a 422 like upstream', () => {
    const err = ApiError.invalid('Pod', '', 'x', validateObjectMeta({ name: 'x', namespace: 'd', labels: { a: 'b c' } }, ns));
    assert.equal(err.code, 422);
    assert.match(err.message, /^Pod "x" is invalid: metadata.labels: Invalid value: "b c": a valid label must be an empty string/);
    assert.equal(err.details?.causes?.[0].field, 'metadata.labels');
    assert.equal(err.details?.causes?.[0].reason, 'FieldValueInvalid');
  });
});

describe('validateObjectMetaUpdate', () => {
  const old = { name: 'x', namespace: 'd', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z', resourceVersion: '5', generation: 2 };
  it('accepts label changes', () => assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { a: 'b' } }, old), []));
  it('immutable fields', () => {
    assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old, name: 'y', uid: 'u2' }, old)), [
      'metadata.name: Invalid value: "y": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
    ]);
    assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old, namespace: 'e' }, old)), ['metadata.namespace: Invalid value: "e": field is immutable']);
    assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old, creationTimestamp: '2025-01-01T00:00:00Z' }, old)), [
      'metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
    ]);
  });
  it('generation may not decrease', () => {
    assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old, generation: 1 }, old)), ['metadata.generation: Invalid value: 1: must not be decremented']);
  });
  it('no new finalizers while deleting', () => {
    const deleting = { ...old, deletionTimestamp: '2024-02-01T00:00:00Z', finalizers: ['a'] };
    assert.deepEqual(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting), []);
    assert.deepEqual(msgs(validateObjectMetaUpdate({ ...deleting, finalizers: ['a', 'x'] }, deleting)), [
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"x"}',
    ]);
  });
  it('resourceVersion only when asked', () => {
    assert.deepEqual(validateObjectMetaUpdate({ ...old, resourceVersion: '' }, old), []);
    assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old, resourceVersion: '' }, old, 'metadata', { requireResourceVersion: true })), [
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    ]);
  });
});

describe('validateLabelSelector', () => {
  it('checks operators, values, keys', () => {
    assert.deepEqual(validateLabelSelector({ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'x', operator: 'In', values: ['y'] }] }, 'spec.selector'), []);
    assert.deepEqual(
      msgs(
        validateLabelSelector(
          {
            matchExpressions: [
              { key: 'x', operator: 'In' },
              { key: 'y', operator: 'Exists', values: ['z'] },
              { key: 'z', operator: 'Bogus' },
            ],
          },
          'spec.selector',
        ),
      ),
      [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        'spec.selector.matchExpressions[2].operator: Invalid value: "Bogus": not a valid selector operator',
      ],
    );
  });
});
