import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, podManifest, startTestCluster, type TestCluster } from '../support/api-server.js';

type Obj = { metadata: Record<string, unknown> & { name?: string; resourceVersion?: string; generation?: number; uid?: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> } & Record<string, unknown>;

describe('api-server CRUD on a real etcd', () => {
  let c: TestCluster;
  const api = <T = Obj>(m: string, p: string, b?: unknown, h?: Record<string, string>) => call<T>(c.url, m, p, b, h);
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c?.stop();
  });

  test('system namespaces and the kubernetes service exist at start', async () => {
    const r = await api<{ items: Obj[] }>('GET', '/api/v1/namespaces');
    assert.equal(r.status, 200);
    const names = r.body.items.map((n) => n.metadata.name).sort();
    assert.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const svc = await api('GET', '/api/v1/namespaces/default/services/kubernetes');
    assert.equal(svc.status, 200);
    assert.equal(svc.body.spec?.clusterIP, '10.96.0.1');
  });

  test('create sets uid, creationTimestamp, resourceVersion = etcd revision, Pending status and defaults', async () => {
    const r = await api('POST', '/api/v1/namespaces/default/pods', podManifest('crud-a'));
    assert.equal(r.status, 201);
    assert.match(String(r.body.metadata.uid), /^[0-9a-f-]{36}$/);
    assert.match(String(r.body.metadata.creationTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(String(r.body.metadata.resourceVersion), /^\d+$/);
    assert.equal(r.body.kind, 'Pod');
    assert.equal(r.body.apiVersion, 'v1');
    assert.equal((r.body.status as { phase: string }).phase, 'Pending');
    assert.equal(r.body.spec?.restartPolicy, 'Always');
    // the stored key and its mod_revision, read straight from etcd
    const v = await c.api.etcdStore.get('/registry/pods/default/crud-a');
    assert.equal(String(v?.rev), r.body.metadata.resourceVersion);
  });

  test('create of an existing name is 409 AlreadyExists with the upstream message', async () => {
    const r = await api('POST', '/api/v1/namespaces/default/pods', podManifest('crud-a'));
    assert.equal(r.status, 409);
    assert.equal(r.body.reason, 'AlreadyExists');
    assert.equal(r.body.message, 'pods "crud-a" already exists');
    assert.equal(r.body.kind, 'Status');
  });

  test('get of a missing object is 404 NotFound with details', async () => {
    const r = await api('GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    assert.equal(r.status, 404);
    assert.equal(r.body.message, 'deployments.apps "nope" not found');
    assert.deepEqual(r.body.details, { name: 'nope', group: 'apps', kind: 'deployments' });
  });

  test('creating in a missing namespace is 404 namespaces not found', async () => {
    const r = await api('POST', '/api/v1/namespaces/ghost/configmaps', { metadata: { name: 'x' } });
    assert.equal(r.status, 404);
    assert.equal(r.body.message, 'namespaces "ghost" not found');
  });

  test('update with a stale resourceVersion is 409 Conflict; without one it applies', async () => {
    const created = await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'cm1' }, data: { a: '1' } });
    const rv = created.body.metadata.resourceVersion;
    const ok = await api('PUT', '/api/v1/namespaces/default/configmaps/cm1', { metadata: { name: 'cm1', resourceVersion: rv }, data: { a: '2' } });
    assert.equal(ok.status, 200);
    assert.notEqual(ok.body.metadata.resourceVersion, rv);
    const stale = await api('PUT', '/api/v1/namespaces/default/configmaps/cm1', { metadata: { name: 'cm1', resourceVersion: rv }, data: { a: '3' } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    assert.equal(
      stale.body.message,
      'Operation cannot be fulfilled on configmaps "cm1": the object has been modified; please apply your changes to the latest version and try again',
    );
    const unconditional = await api('PUT', '/api/v1/namespaces/default/configmaps/cm1', { metadata: { name: 'cm1' }, data: { a: '4' } });
    assert.equal(unconditional.status, 200);
    assert.deepEqual(unconditional.body.data, { a: '4' });
  });

  test('an update that changes nothing writes nothing (same resourceVersion, etcd revision unchanged)', async () => {
    const cur = await api('GET', '/api/v1/namespaces/default/configmaps/cm1');
    const revBefore = await c.api.etcdStore.currentRevision();
    const same = await api('PUT', '/api/v1/namespaces/default/configmaps/cm1', cur.body);
    assert.equal(same.status, 200);
    assert.equal(same.body.metadata.resourceVersion, cur.body.metadata.resourceVersion);
    assert.equal(await c.api.etcdStore.currentRevision(), revBefore);
  });

  test('generation starts at 1 and is bumped only by spec changes', async () => {
    const d = {
      metadata: { name: 'gen', labels: { app: 'gen' } },
      spec: { replicas: 1, selector: { matchLabels: { app: 'gen' } }, template: { metadata: { labels: { app: 'gen' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } },
    };
    const r = await api('POST', '/apis/apps/v1/namespaces/default/deployments', d);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.metadata.generation, 1);
    const labelsOnly = await api('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { metadata: { labels: { extra: 'x' } } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(labelsOnly.body.metadata.generation, 1);
    const spec = await api('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { spec: { replicas: 3 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(spec.status, 200);
    assert.equal(spec.body.metadata.generation, 2);
    assert.equal(spec.body.spec?.replicas, 3);
  });

  test('status and spec are written through separate paths', async () => {
    const status = await api('PUT', '/apis/apps/v1/namespaces/default/deployments/gen/status', {
      ...(await api('GET', '/apis/apps/v1/namespaces/default/deployments/gen')).body,
      spec: { replicas: 99 },
      status: { replicas: 3, observedGeneration: 2 },
    });
    assert.equal(status.status, 200, JSON.stringify(status.body));
    assert.equal(status.body.spec?.replicas, 3, 'status write keeps spec');
    assert.equal((status.body.status as { replicas: number }).replicas, 3);
    assert.equal(status.body.metadata.generation, 2, 'status write does not bump generation');
    const main = await api('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { spec: { replicas: 4 }, status: { replicas: 0 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal((main.body.status as { replicas: number }).replicas, 3, 'main write keeps status');
    assert.equal(main.body.spec?.replicas, 4);
  });

  test('generateName adds 5 characters from the upstream alphabet', async () => {
    const r = await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { generateName: 'gen-' } });
    assert.equal(r.status, 201);
    assert.match(String(r.body.metadata.name), /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  test('dryRun=All validates and returns without writing', async () => {
    const r = await api('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { metadata: { name: 'dry' } });
    assert.equal(r.status, 201);
    const g = await api('GET', '/api/v1/namespaces/default/configmaps/dry');
    assert.equal(g.status, 404);
  });

  test('JSON patch applies operations; a failing test op is rejected and nothing changes', async () => {
    const p = await api('PATCH', '/api/v1/namespaces/default/configmaps/cm1', [{ op: 'add', path: '/data/b', value: '2' }], { 'content-type': 'application/json-patch+json' });
    assert.equal(p.status, 200);
    assert.deepEqual(p.body.data, { a: '4', b: '2' });
    const bad = await api('PATCH', '/api/v1/namespaces/default/configmaps/cm1', [{ op: 'test', path: '/data/a', value: 'zzz' }, { op: 'remove', path: '/data/a' }], {
      'content-type': 'application/json-patch+json',
    });
    assert.ok(bad.status >= 400 && bad.status < 500, `status ${bad.status}`);
    const after = await api('GET', '/api/v1/namespaces/default/configmaps/cm1');
    assert.deepEqual(after.body.data, { a: '4', b: '2' });
  });

  test('a resourceVersion inside a merge patch is a precondition', async () => {
    const p = await api('PATCH', '/api/v1/namespaces/default/configmaps/cm1', { metadata: { resourceVersion: '1' }, data: { c: '3' } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(p.status, 409);
    assert.equal(p.body.reason, 'Conflict');
  });

  test('validation failures are 422 Invalid with causes in upstream wording', async () => {
    const r = await api('POST', '/apis/apps/v1/namespaces/default/deployments', {
      metadata: { name: 'bad' },
      spec: { replicas: -1, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
    assert.equal(r.status, 422);
    assert.equal(r.body.reason, 'Invalid');
    assert.equal(r.body.message, 'Deployment.apps "bad" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    const causes = (r.body.details as { causes: { field: string; reason: string }[] }).causes;
    assert.deepEqual(causes.map((x) => [x.field, x.reason]), [['spec.replicas', 'FieldValueInvalid']]);
    const svc = await api('POST', '/api/v1/namespaces/default/services', { metadata: { name: 'Svc-1' }, spec: { ports: [{ port: 80 }] } });
    assert.equal(svc.status, 422);
    assert.ok((svc.body.details as { causes: { field: string }[] }).causes.some((x) => x.field === 'metadata.name'));
  });

  test('the selector of a Deployment is immutable', async () => {
    const r = await api('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { spec: { selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } } } } }, {
      'content-type': 'application/merge-patch+json',
    });
    assert.equal(r.status, 422);
    assert.match(String(r.body.message), /field is immutable/);
  });

  test('scale subresource reads and writes spec.replicas', async () => {
    const s = await api('GET', '/apis/apps/v1/namespaces/default/deployments/gen/scale');
    assert.equal(s.status, 200);
    assert.equal(s.body.kind, 'Scale');
    assert.equal(s.body.apiVersion, 'autoscaling/v1');
    assert.equal((s.body.status as { selector: string }).selector, 'app=gen');
    const p = await api('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen/scale', { spec: { replicas: 5 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(p.status, 200);
    assert.equal(p.body.spec?.replicas, 5);
    const d = await api('GET', '/apis/apps/v1/namespaces/default/deployments/gen');
    assert.equal(d.body.spec?.replicas, 5);
  });

  test('binding assigns a node once; a second binding is 409', async () => {
    await api('POST', '/api/v1/namespaces/default/pods', podManifest('bind-me'));
    const b = await api('POST', '/api/v1/namespaces/default/pods/bind-me/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { kind: 'Node', name: 'node-1' } });
    assert.equal(b.status, 201, JSON.stringify(b.body));
    const pod = await api('GET', '/api/v1/namespaces/default/pods/bind-me');
    assert.equal(pod.body.spec?.nodeName, 'node-1');
    const again = await api('POST', '/api/v1/namespaces/default/pods/bind-me/binding', { metadata: { name: 'bind-me' }, target: { kind: 'Node', name: 'node-2' } });
    assert.equal(again.status, 409);
  });
});
