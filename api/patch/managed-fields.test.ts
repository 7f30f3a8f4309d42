import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareObjects, decodeManagedFields, encodeManagedFields, fieldSetOf, FieldSet, fromFieldsV1, pathString, recordUpdate, toFieldsV1 } from './managed-fields.js';
import type { Definitions } from './schema.js';

type Obj = Record<string, unknown>;

const DEFS: Definitions = {
  Pod: { fields: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: '#Meta' }, spec: { type: '#Spec' }, status: { type: '#Status' } } },
  Meta: {
    fields: {
      name: { type: 'string' },
      namespace: { type: 'string' },
      uid: { type: 'string' },
      labels: { type: 'map[string]' },
      finalizers: { type: '[]string', patchStrategy: 'merge' },
      managedFields: { type: '[]any' },
    },
  },
  Spec: {
    fields: {
      containers: { type: '[]#C', patchStrategy: 'merge', patchMergeKey: 'name' },
      tolerations: { type: '[]#T' },
      nodeSelector: { type: 'map[string]' },
      securityContext: { type: '#T' },
    },
  },
  C: { fields: { name: { type: 'string' }, image: { type: 'string' }, ports: { type: '[]#P', patchStrategy: 'merge', patchMergeKey: 'containerPort' } } },
  P: { fields: { containerPort: { type: 'number' }, protocol: { type: 'string' } } },
  T: { fields: { key: { type: 'string' } } },
  Status: { fields: { phase: { type: 'string' } } },
};

const pod = (spec: Obj, metadata: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u', ...metadata }, spec, status: { phase: 'Running' } });

describe('field sets', () => {
  test('an object sets its scalars, keyed items, set items, map entries, atomic lists and empty maps', () => {
    const set = fieldSetOf(
      pod({ containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }], tolerations: [{ key: 'k' }], nodeSelector: { zone: 'a' }, securityContext: {} }, { labels: { app: 'x' }, finalizers: ['f'] }),
      '#Pod',
      DEFS,
      'main',
    );
    assert.deepEqual(set.sorted().map(pathString), [
      '.metadata.finalizers[="f"]',
      '.metadata.labels.app',
      '.spec.containers[name="c"]',
      '.spec.containers[name="c"].image',
      '.spec.containers[name="c"].name',
      '.spec.containers[name="c"].ports[containerPort=80]',
      '.spec.containers[name="c"].ports[containerPort=80].containerPort',
      '.spec.nodeSelector.zone',
      '.spec.securityContext',
      '.spec.tolerations',
    ]);
  });

  test('FieldsV1 marks a member that has children with "." and round-trips', () => {
    const set = fieldSetOf(pod({ containers: [{ name: 'c', image: 'i' }] }), '#Pod', DEFS, 'main');
    const v1 = toFieldsV1(set);
    assert.deepEqual(v1, { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } });
    assert.deepEqual(fromFieldsV1(v1).sorted(), set.sorted());
  });

  test('the status scope covers only status; metadata identity fields are never owned; an empty map is owned', () => {
    assert.deepEqual(fieldSetOf(pod({}), '#Pod', DEFS, 'status').sorted().map(pathString), ['.status.phase']);
    assert.deepEqual(fieldSetOf(pod({}), '#Pod', DEFS, 'main').sorted().map(pathString), ['.spec']);
  });

  test('compare finds added, removed and modified paths', () => {
    const c = compareObjects(pod({ containers: [{ name: 'a', image: '1' }, { name: 'b' }] }), pod({ containers: [{ name: 'a', image: '2' }, { name: 'c' }] }), '#Pod', DEFS, 'main');
    assert.deepEqual(c.modified.sorted().map(pathString), ['.spec.containers[name="a"].image']);
    assert.deepEqual(c.added.sorted().map(pathString), ['.spec.containers[name="c"]', '.spec.containers[name="c"].name']);
    assert.deepEqual(c.removed.sorted().map(pathString), ['.spec.containers[name="b"]', '.spec.containers[name="b"].name']);
  });
});

describe('managedFields entries', () => {
  test('entries are sorted Apply first, then by time and manager; empty sets are dropped', () => {
    const managers = decodeManagedFields([
      { manager: 'b', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:x': {} } } },
      { manager: 'a', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:y': {} } } },
      { manager: 'z', operation: 'Apply', apiVersion: 'v1', time: '2026-02-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:z': {} } } },
      { manager: 'e', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} },
      { manager: 'bad', operation: 'Other' },
    ]);
    assert.deepEqual(encodeManagedFields(managers).map((e) => e.manager), ['z', 'a', 'b']);
  });

  test('an Update makes the writer own what it added or changed and takes it from others', () => {
    const created = pod({ containers: [{ name: 'a', image: '1' }] }, { labels: { app: 'x' } });
    recordUpdate(undefined, created, { manager: 'kubectl-create', apiVersion: 'v1', now: '2026-01-01T00:00:00Z', type: '#Pod', defs: DEFS });
    assert.deepEqual((created.metadata as Obj).managedFields, [
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2026-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"a"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } },
      },
    ]);
    const next = structuredClone(created);
    delete (next.metadata as Obj).managedFields; // a client that does not send them keeps the live ones
    ((next.spec as Obj).containers as Obj[])[0].image = '2';
    recordUpdate(created, next, { manager: 'kubectl-set', apiVersion: 'v1', now: '2026-01-01T00:01:00Z', type: '#Pod', defs: DEFS });
    const entries = (next.metadata as Obj).managedFields as Obj[];
    assert.deepEqual(
      entries.map((e) => [e.manager, fromFieldsV1(e.fieldsV1).sorted().map(pathString)]),
      [
        ['kubectl-create', ['.metadata.labels.app', '.spec.containers[name="a"]', '.spec.containers[name="a"].name']],
        ['kubectl-set', ['.spec.containers[name="a"].image']],
      ],
    );
  });

  test('an update that changes nothing records nothing', () => {
    const live = pod({ containers: [{ name: 'a' }] });
    const next = structuredClone(live);
    recordUpdate(live, next, { manager: 'm', apiVersion: 'v1', now: '2026-01-01T00:00:00Z', type: '#Pod', defs: DEFS });
    assert.equal((next.metadata as Obj).managedFields, undefined);
  });

  test('paths print as structured-merge-diff prints them', () => {
    const p = FieldSet.path(['f:spec', 'f:containers', 'k:{"name":"a"}', 'f:ports', 'k:{"containerPort":80}', 'f:protocol']);
    assert.equal(pathString(p), '.spec.containers[name="a"].ports[containerPort=80].protocol');
    assert.equal(pathString(FieldSet.path(['f:metadata', 'f:finalizers', 'v:"x"'])), '.metadata.finalizers[="x"]');
  });
});
