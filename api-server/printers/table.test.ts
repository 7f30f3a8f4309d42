import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeList, KubeObject } from '../../api/object.js';
import { listTable, objectTable } from './table.js';
import { tableWatchEncoder } from './watch-table.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const PODS = { group: '', resource: 'pods' };

function pod(name: string, rv: string, phase = 'Running'): KubeObject {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: rv, creationTimestamp: '2025-06-01T11:59:00Z', labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'i' }] },
    status: { phase },
  };
}

describe('Table responses (asTable)', () => {
  test('a list Table keeps resourceVersion, continue and remainingItemCount; rows carry PartialObjectMetadata by default', () => {
    const list: KubeList = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 }, items: [pod('a', '40'), pod('b', '41')] };
    const t = listTable(PODS, list, { apiVersion: 'meta.k8s.io/v1', includeObject: 'Metadata' }, NOW);
    assert.equal(t.kind, 'Table');
    assert.equal(t.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(t.metadata, { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 });
    assert.deepEqual(
      t.columnDefinitions!.map((c) => c.name),
      ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates'],
    );
    assert.deepEqual(t.columnDefinitions![0], { name: 'Name', type: 'string', format: 'name', description: t.columnDefinitions![0].description, priority: 0 });
    assert.equal(t.rows.length, 2);
    assert.deepEqual(t.rows[0].cells, ['a', '0/1', 'Running', '0', '60s', '<none>', '<none>', '<none>', '<none>']);
    assert.deepEqual(t.rows[0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod('a', '40').metadata });
  });

  test('a single-object Table takes the object resourceVersion', () => {
    const t = objectTable(PODS, pod('a', '40'), { apiVersion: 'meta.k8s.io/v1beta1', includeObject: 'Metadata' }, NOW);
    assert.deepEqual(t.metadata, { resourceVersion: '40' });
    assert.equal(t.apiVersion, 'meta.k8s.io/v1beta1');
    assert.equal((t.rows[0].object as KubeObject).apiVersion, 'meta.k8s.io/v1beta1');
  });

  test('includeObject=Object carries the full object, None carries null', () => {
    const full = objectTable(PODS, pod('a', '1'), { apiVersion: 'meta.k8s.io/v1', includeObject: 'Object' }, NOW);
    assert.deepEqual(full.rows[0].object, pod('a', '1'));
    const none = objectTable(PODS, pod('a', '1'), { apiVersion: 'meta.k8s.io/v1', includeObject: 'None' }, NOW);
    assert.equal(none.rows[0].object, null);
    assert.match(JSON.stringify(none.rows[0]), /^\{"cells":\[.*\],"object":null\}$/);
  });

  test('row conditions come before the object, as upstream serializes them', () => {
    const t = objectTable(PODS, pod('done', '1', 'Succeeded'), { apiVersion: 'meta.k8s.io/v1', includeObject: 'None' }, NOW);
    assert.deepEqual(Object.keys(t.rows[0]), ['cells', 'conditions', 'object']);
    assert.equal(t.rows[0].conditions?.[0].reason, 'Succeeded');
  });

  test('an empty list has rows: [] and still the headers', () => {
    const t = listTable(PODS, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [] }, { apiVersion: 'meta.k8s.io/v1', includeObject: 'Metadata' }, NOW);
    assert.deepEqual(t.rows, []);
    assert.equal(t.columnDefinitions!.length, 9);
  });

  test('noHeaders leaves columnDefinitions null', () => {
    const t = objectTable(PODS, pod('a', '1'), { apiVersion: 'meta.k8s.io/v1', includeObject: 'Metadata', noHeaders: true }, NOW);
    assert.equal(t.columnDefinitions, null);
  });
});

describe('Table watch events (watchEmbeddedEncoder)', () => {
  test('column definitions go out with the first event only; each event is a one-row Table', () => {
    let now = NOW;
    const encode = tableWatchEncoder(PODS, { apiVersion: 'meta.k8s.io/v1', includeObject: 'Metadata' }, () => now);
    const first = JSON.parse(encode(pod('a', '5'))) as { columnDefinitions: unknown[] | null; rows: { cells: unknown[] }[]; metadata: unknown };
    now = new Date(NOW.getTime() + 60_000);
    const second = JSON.parse(encode(pod('a', '6'))) as typeof first;
    assert.equal(first.columnDefinitions?.length, 9);
    assert.equal(second.columnDefinitions, null);
    assert.deepEqual(second.metadata, { resourceVersion: '6' });
    assert.equal(second.rows.length, 1);
    assert.equal(second.rows[0].cells[4], '2m', 'ages are computed when each event is sent');
  });

  test('an event that cannot be printed throws and does not use up the headers', () => {
    const encode = tableWatchEncoder(PODS, { apiVersion: 'meta.k8s.io/v1', includeObject: 'Metadata' }, () => NOW);
    const broken = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'x' }, status: { conditions: 5 } } as KubeObject;
    assert.throws(() => encode(broken));
    const next = JSON.parse(encode(pod('a', '5'))) as { columnDefinitions: unknown[] | null };
    assert.equal(next.columnDefinitions?.length, 9);
  });
});
