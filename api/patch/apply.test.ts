import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { serverSideApply, type ApplyOptions } from './apply.js';
import type { Definitions } from './schema.js';

type Obj = Record<string, unknown>;

/** a miniature Deployment type with the strategic-merge-patch metadata of the real one */
const DEFS: Definitions = {
  Deploy: { fields: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: '#Meta' }, spec: { type: '#Spec' }, status: { type: '#Status' } } },
  Meta: {
    fields: {
      name: { type: 'string' },
      namespace: { type: 'string' },
      uid: { type: 'string' },
      resourceVersion: { type: 'string' },
      labels: { type: 'map[string]' },
      finalizers: { type: '[]string', patchStrategy: 'merge' },
      managedFields: { type: '[]any' },
    },
  },
  Spec: {
    fields: {
      replicas: { type: 'number' },
      paused: { type: 'boolean' },
      containers: { type: '[]#Container', patchStrategy: 'merge', patchMergeKey: 'name' },
      strategy: { type: '#Strategy', patchStrategy: 'retainKeys' },
    },
  },
  Strategy: { fields: { type: { type: 'string' }, rollingUpdate: { type: 'any' } } },
  Container: {
    fields: {
      name: { type: 'string' },
      image: { type: 'string' },
      command: { type: '[]string' },
      env: { type: '[]#Env', patchStrategy: 'merge', patchMergeKey: 'name' },
    },
  },
  Env: { fields: { name: { type: 'string' }, value: { type: 'string' } } },
  Status: { fields: { replicas: { type: 'number' } } },
};

const NOW = '2026-01-02T03:04:05Z';
const LATER = '2026-01-02T03:05:00Z';

function opts(o: Partial<ApplyOptions> = {}): ApplyOptions {
  return { manager: 'mgr', force: false, group: 'apps', version: 'v1', kind: 'Deployment', name: 'web', namespace: 'default', now: NOW, type: '#Deploy', defs: DEFS, ...o };
}

function config(spec: Obj, metadata: Obj = {}): Obj {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', ...metadata }, spec };
}

function managedFields(o: Obj): Obj[] {
  return ((o.metadata as Obj).managedFields ?? []) as Obj[];
}

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  assert.fail('expected an ApiError');
}

/** a live object whose replicas field another manager set with an Update */
function liveOwnedByOther(): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'u1',
      managedFields: [{ manager: 'other', operation: 'Update', apiVersion: 'apps/v1', time: NOW, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }],
    },
    spec: { replicas: 1, containers: [{ name: 'a', image: 'x' }] },
  };
}

describe('server-side apply', () => {
  test('creates: the result is the configuration with one Apply entry listing the fields it set', () => {
    const out = serverSideApply(undefined, config({ replicas: 2, containers: [{ name: 'a', image: 'x', env: [{ name: 'E', value: '1' }] }] }, { labels: { app: 'web' } }), opts());
    assert.deepEqual(out.spec, { replicas: 2, containers: [{ name: 'a', image: 'x', env: [{ name: 'E', value: '1' }] }] });
    assert.deepEqual(managedFields(out), [
      {
        manager: 'mgr',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: NOW,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"a"}': { '.': {}, 'f:env': { 'k:{"name":"E"}': { '.': {}, 'f:name': {}, 'f:value': {} } }, 'f:image': {}, 'f:name': {} },
            },
            'f:replicas': {},
          },
        },
      },
    ]);
  });

  test('merges keyed lists by their merge key and keeps what others set', () => {
    const live = liveOwnedByOther();
    (live.spec as Obj).containers = [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }];
    const out = serverSideApply(live, config({ containers: [{ name: 'a', image: 'x', command: ['run'] }] }), opts());
    assert.deepEqual((out.spec as Obj).containers, [{ name: 'a', image: 'x', command: ['run'] }, { name: 'b', image: 'y' }]);
    assert.equal((out.spec as Obj).replicas, 1);
  });

  test('removes what the same manager applied before and no longer applies, unless another manager owns it', () => {
    const first = serverSideApply(undefined, config({ replicas: 2, paused: true }, { labels: { a: '1', b: '2' } }), opts());
    const second = serverSideApply(first, config({ replicas: 2 }, { labels: { a: '1' } }), opts({ now: LATER }));
    assert.deepEqual((second.metadata as Obj).labels, { a: '1' });
    assert.equal((second.spec as Obj).paused, undefined);
    // another applier co-owns labels.b: it stays
    const shared = serverSideApply(first, config({}, { labels: { b: '2' } }), opts({ manager: 'other' }));
    const third = serverSideApply(shared, config({ replicas: 2 }, { labels: { a: '1' } }), opts({ now: LATER }));
    assert.deepEqual((third.metadata as Obj).labels, { a: '1', b: '2' });
  });

  test('changing a field another manager owns is a 409 FieldManagerConflict', () => {
    const e = apiError(() => serverSideApply(liveOwnedByOther(), config({ replicas: 3 }), opts()));
    assert.equal(e.code, 409);
    assert.equal(e.reason, 'Conflict');
    assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "other" using apps/v1: .spec.replicas');
    assert.deepEqual(e.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "other" using apps/v1', field: '.spec.replicas' }]);
  });

  test('several conflicts are listed per manager', () => {
    const live = liveOwnedByOther();
    (live.metadata as Obj).managedFields = [
      { manager: 'other', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:containers': { 'k:{"name":"a"}': { 'f:image': {} } } } } },
      { manager: 'ci', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:paused': {} } } },
    ];
    (live.spec as Obj).paused = false;
    const e = apiError(() => serverSideApply(live, config({ replicas: 3, paused: true, containers: [{ name: 'a', image: 'z' }] }), opts()));
    assert.equal(
      e.message,
      'Apply failed with 3 conflicts: conflicts with "ci":\n- .spec.paused\nconflicts with "other" using apps/v1:\n- .spec.containers[name="a"].image\n- .spec.replicas',
    );
    assert.equal(e.details?.causes?.length, 3);
  });

  test('force takes ownership; applying the same value shares it without conflict', () => {
    const forced = serverSideApply(liveOwnedByOther(), config({ replicas: 3 }), opts({ force: true }));
    assert.equal((forced.spec as Obj).replicas, 3);
    assert.deepEqual(
      managedFields(forced).map((m) => [m.manager, m.operation]),
      [['mgr', 'Apply']],
      'the other manager lost its only field',
    );
    const shared = serverSideApply(liveOwnedByOther(), config({ replicas: 1 }), opts());
    assert.deepEqual(
      managedFields(shared).map((m) => [m.manager, m.fieldsV1]),
      [
        ['mgr', { 'f:spec': { 'f:replicas': {} } }],
        ['other', { 'f:spec': { 'f:replicas': {} } }],
      ],
    );
  });

  test('a no-op apply keeps the entry time; a change updates it', () => {
    const first = serverSideApply(undefined, config({ replicas: 2 }), opts());
    const same = serverSideApply(first, config({ replicas: 2 }), opts({ now: LATER }));
    assert.equal(managedFields(same)[0].time, NOW);
    const changed = serverSideApply(first, config({ replicas: 4 }), opts({ now: LATER }));
    assert.equal(managedFields(changed)[0].time, LATER);
  });

  test('the main resource never applies status; the status subresource applies only status', () => {
    const main = serverSideApply(undefined, { ...config({ replicas: 1 }), status: { replicas: 5 } }, opts());
    assert.equal(main.status, undefined);
    const live = serverSideApply(undefined, config({ replicas: 1 }), opts());
    const status = serverSideApply(live, { ...config({ replicas: 9 }), status: { replicas: 5 } }, opts({ subresource: 'status', manager: 'ctrl' }));
    assert.deepEqual(status.status, { replicas: 5 });
    assert.equal((status.spec as Obj).replicas, 1);
    const entry = managedFields(status).find((m) => m.manager === 'ctrl');
    assert.deepEqual(entry, { manager: 'ctrl', operation: 'Apply', apiVersion: 'apps/v1', time: NOW, fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:replicas': {} } }, subresource: 'status' });
  });

  test('merge-strategy scalar lists are unioned (in strategic-merge order: applied items first), other lists replaced', () => {
    const live = serverSideApply(undefined, config({ containers: [{ name: 'a', command: ['x', 'y'] }] }, { finalizers: ['f1'] }), opts({ manager: 'one' }));
    const out = serverSideApply(live, config({ containers: [{ name: 'a', command: ['z'] }] }, { finalizers: ['f2'] }), opts({ manager: 'two', force: true }));
    assert.deepEqual((out.metadata as Obj).finalizers, ['f2', 'f1']);
    assert.deepEqual(((out.spec as Obj).containers as Obj[])[0].command, ['z']);
  });

  test('rejects another kind or version (400), managedFields (400) and undeclared fields (upstream 500)', () => {
    const kind = apiError(() => serverSideApply(undefined, { ...config({}), kind: 'StatefulSet' }, opts()));
    assert.equal(kind.code, 400);
    assert.equal(kind.message, 'invalid object type: apps/v1, Kind=StatefulSet');
    const version = apiError(() => serverSideApply(undefined, { ...config({}), apiVersion: 'v1' }, opts()));
    assert.equal(version.message, 'invalid object type: /v1, Kind=Deployment');
    const mf = apiError(() => serverSideApply(undefined, config({}, { managedFields: [] }), opts()));
    assert.equal(mf.code, 400);
    assert.equal(mf.message, 'metadata.managedFields must be nil');
    const unknown = apiError(() => serverSideApply(undefined, config({ foo: 1, containers: [{ name: 'a', bar: 2 }] }), opts()));
    assert.equal(unknown.code, 500);
    assert.equal(
      unknown.message,
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): errors:\n  .spec.foo: field not declared in schema\n  .spec.containers[name="a"].bar: field not declared in schema',
    );
    const notObject = apiError(() => serverSideApply(undefined, [1], opts()));
    assert.equal(notObject.code, 400);
  });

  test('inputs are not mutated', () => {
    const live = liveOwnedByOther();
    const cfg = config({ replicas: 1, containers: [{ name: 'b' }] });
    const l = structuredClone(live);
    const c = structuredClone(cfg);
    serverSideApply(live, cfg, opts());
    assert.deepEqual(live, l);
    assert.deepEqual(cfg, c);
  });
});
