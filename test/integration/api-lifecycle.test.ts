import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, podManifest, startTestCluster, type TestCluster } from '../support/api-server.js';

type Obj = { kind: string; metadata: { name: string; uid: string; resourceVersion: string; deletionTimestamp?: string; deletionGracePeriodSeconds?: number; finalizers?: string[] }; status?: { phase?: string }; details?: Record<string, unknown>; reason?: string; message?: string; spec?: { clusterIP?: string; ports?: { nodePort?: number; port: number }[] } };

describe('deletion, finalizers, allocation and bad input', () => {
  let c: TestCluster;
  const api = <T = Obj>(m: string, p: string, b?: unknown, h?: Record<string, string>) => call<T>(c.url, m, p, b, h);
  const merge = { 'content-type': 'application/merge-patch+json' };
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c?.stop();
  });

  test('deleting an unbound pod removes it at once and returns a Success Status with the uid', async () => {
    const p = await api('POST', '/api/v1/namespaces/default/pods', podManifest('del-now'));
    const d = await api('DELETE', '/api/v1/namespaces/default/pods/del-now', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    assert.equal(d.status, 200);
    assert.equal(d.body.kind, 'Status');
    assert.equal((d.body as unknown as { status: string }).status, 'Success');
    assert.equal(d.body.details?.uid, p.body.metadata.uid);
    assert.equal((await api('GET', '/api/v1/namespaces/default/pods/del-now')).status, 404);
  });

  test('a pod bound to a node is deleted gracefully; grace 0 removes it', async () => {
    await api('POST', '/api/v1/namespaces/default/pods', podManifest('graceful', { spec: { nodeName: 'node-1', terminationGracePeriodSeconds: 20 } }));
    const d = await api('DELETE', '/api/v1/namespaces/default/pods/graceful');
    assert.equal(d.status, 200);
    assert.equal(d.body.kind, 'Pod');
    assert.ok(d.body.metadata.deletionTimestamp);
    assert.equal(d.body.metadata.deletionGracePeriodSeconds, 20);
    assert.equal((await api('GET', '/api/v1/namespaces/default/pods/graceful')).status, 200);
    const force = await api('DELETE', '/api/v1/namespaces/default/pods/graceful', { gracePeriodSeconds: 0 });
    assert.equal(force.status, 200);
    assert.equal((await api('GET', '/api/v1/namespaces/default/pods/graceful')).status, 404);
  });

  test('finalizers hold an object until the last one is removed', async () => {
    await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const d = await api('DELETE', '/api/v1/namespaces/default/configmaps/fin');
    assert.equal(d.status, 200);
    assert.ok(d.body.metadata.deletionTimestamp);
    const g = await api('GET', '/api/v1/namespaces/default/configmaps/fin');
    assert.equal(g.status, 200);
    const add = await api('PATCH', '/api/v1/namespaces/default/configmaps/fin', { metadata: { finalizers: ['example.com/hold', 'example.com/new'] } }, merge);
    assert.equal(add.status, 422, 'no new finalizers once deletion started');
    const rm = await api('PATCH', '/api/v1/namespaces/default/configmaps/fin', { metadata: { finalizers: null } }, merge);
    assert.equal(rm.status, 200);
    assert.equal((await api('GET', '/api/v1/namespaces/default/configmaps/fin')).status, 404);
  });

  test('propagationPolicy Foreground and Orphan add the GC finalizers', async () => {
    await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'fg' } });
    const fg = await api('DELETE', '/api/v1/namespaces/default/configmaps/fg', { propagationPolicy: 'Foreground' });
    assert.deepEqual(fg.body.metadata.finalizers, ['foregroundDeletion']);
    await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'or' } });
    const or = await api('DELETE', '/api/v1/namespaces/default/configmaps/or?propagationPolicy=Orphan');
    assert.deepEqual(or.body.metadata.finalizers, ['orphan']);
  });

  test('delete preconditions that do not match are 409 Conflict', async () => {
    await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'pre' } });
    const r = await api('DELETE', '/api/v1/namespaces/default/configmaps/pre', { preconditions: { uid: 'not-the-uid' } });
    assert.equal(r.status, 409);
    assert.match(String(r.body.message), /Precondition failed: UID in precondition: not-the-uid/);
    assert.equal((await api('GET', '/api/v1/namespaces/default/configmaps/pre')).status, 200);
  });

  test('deletecollection removes what matches the selector', async () => {
    for (const n of ['dc1', 'dc2', 'dc3']) await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: n, labels: { dc: n === 'dc3' ? 'keep' : 'go' } } });
    const r = await api<{ items: Obj[] }>('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=dc%3Dgo');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.items.map((i) => i.metadata.name).sort(), ['dc1', 'dc2']);
    const left = await api<{ items: Obj[] }>('GET', '/api/v1/namespaces/default/configmaps?labelSelector=dc');
    assert.deepEqual(left.body.items.map((i) => i.metadata.name), ['dc3']);
  });

  test('deleting a namespace marks it Terminating (its finalizer waits for the namespace controller)', async () => {
    await api('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    const d = await api('DELETE', '/api/v1/namespaces/doomed');
    assert.equal(d.status, 200);
    assert.equal(d.body.status?.phase, 'Terminating');
    const create = await api('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'late' } });
    assert.equal(create.status, 403);
    const fin = await api('PUT', '/api/v1/namespaces/doomed/finalize', { metadata: { name: 'doomed' }, spec: { finalizers: [] } });
    assert.equal(fin.status, 200);
    assert.equal((await api('GET', '/api/v1/namespaces/doomed')).status, 404);
  });

  test('services get distinct ClusterIPs and NodePorts; explicit collisions are rejected', async () => {
    const ips = new Set<string>();
    const ports = new Set<number>();
    for (let i = 0; i < 10; i++) {
      const s = await api('POST', '/api/v1/namespaces/default/services', { metadata: { name: `s${i}` }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });
      assert.equal(s.status, 201, JSON.stringify(s.body));
      const ip = s.body.spec!.clusterIP!;
      const np = s.body.spec!.ports![0].nodePort!;
      assert.match(ip, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
      assert.ok(np >= 30000 && np <= 32767);
      ips.add(ip);
      ports.add(np);
    }
    assert.equal(ips.size, 10);
    assert.equal(ports.size, 10);
    const dupIp = await api('POST', '/api/v1/namespaces/default/services', { metadata: { name: 'dupip' }, spec: { clusterIP: [...ips][0], ports: [{ port: 80 }] } });
    assert.equal(dupIp.status, 422);
    assert.match(String(dupIp.body.message), /provided IP is already allocated/);
    const dupPort = await api('POST', '/api/v1/namespaces/default/services', { metadata: { name: 'dupport' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: [...ports][0] }] } });
    assert.equal(dupPort.status, 422);
    assert.match(String(dupPort.body.message), /provided port is already allocated/);
    const outside = await api('POST', '/api/v1/namespaces/default/services', { metadata: { name: 'outside' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] } });
    assert.equal(outside.status, 422);
    // an update keeps the allocation
    const upd = await api('PATCH', '/api/v1/namespaces/default/services/s0', { metadata: { labels: { a: 'b' } } }, merge);
    assert.equal(upd.body.spec?.clusterIP, (await api('GET', '/api/v1/namespaces/default/services/s0')).body.spec?.clusterIP);
  });

  test('bad input gets the upstream Status and the server keeps serving', async () => {
    const big = await api('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ metadata: { name: 'big' }, data: { x: 'a'.repeat(3 * 1024 * 1024) } }));
    assert.equal(big.status, 413);
    assert.equal(big.body.reason, 'RequestEntityTooLarge');
    assert.equal(big.body.message, 'Request entity too large: limit is 3145728');
    const malformed = await api('POST', '/api/v1/namespaces/default/configmaps', '{"metadata": {"name": ');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.kind, 'Status');
    const patchType = await api('PATCH', '/api/v1/namespaces/default/configmaps/x', '{}', { 'content-type': 'text/plain' });
    assert.equal(patchType.status, 415);
    assert.match(String(patchType.body.message), /^the body of the request was in an unknown format - accepted media types include: /);
    const unknown = await api('GET', '/api/v1/namespaces/default/widgets');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.kind, 'Status');
    const method = await api('POST', '/api/v1/namespaces/default/configmaps/x');
    assert.equal(method.status, 405);
    assert.equal(method.body.reason, 'MethodNotAllowed');
    const nonObject = await api('POST', '/api/v1/namespaces/default/configmaps', '[1,2,3]');
    assert.equal(nonObject.status, 400);
    const wrongKind = await api('POST', '/api/v1/namespaces/default/configmaps', { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'k' } });
    assert.equal(wrongKind.status, 400);
    const deep = await api('POST', '/api/v1/namespaces/default/configmaps', `${'['.repeat(100000)}${']'.repeat(100000)}`);
    assert.equal(deep.status, 400);
    const health = await call(c.url, 'GET', '/readyz');
    assert.equal(health.status, 200);
    assert.equal((await api('GET', '/api/v1/namespaces/default')).status, 200);
  });
});
