import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { call, startTestCluster, type TestCluster } from '../support/api-server.js';

/** Bounded garbage thrown at every write path: each answer is a Status, and the server keeps serving. */
describe('no input crashes the api-server', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c?.stop();
  });

  const paths = [
    '/api/v1/namespaces/default/configmaps',
    '/api/v1/namespaces/default/pods',
    '/apis/apps/v1/namespaces/default/deployments',
    '/api/v1/namespaces/default/services',
    '/api/v1/nodes',
    '/api/v1/namespaces/default/pods/p/binding',
    '/apis/apps/v1/namespaces/default/deployments/d/scale',
  ];
  const shapes: (() => string)[] = [
    () => randomBytes(64).toString('latin1'),
    () => JSON.stringify({ metadata: { name: randomBytes(3).toString('hex') }, spec: randomBytes(8).toString('base64') }),
    () => JSON.stringify({ metadata: 7, spec: { containers: 'x' } }),
    () => JSON.stringify({ metadata: { name: 'x', labels: { '@@': ['a'] }, finalizers: 'f' } }),
    () => JSON.stringify({ metadata: { name: 'x' }, spec: { containers: [{ name: 1, image: null, ports: [{ containerPort: 'eighty' }] }] } }),
    () => JSON.stringify({ metadata: { name: 'x' }, spec: { replicas: 'three', selector: 5, template: [] } }),
    () => JSON.stringify({ metadata: { name: 'x' }, spec: { ports: [{ port: -1, nodePort: 1e9 }], type: 'Weird', clusterIP: 'not-an-ip' } }),
    () => JSON.stringify({ spec: { replicas: -5 } }),
    () => '{"a":'.repeat(5000),
    () => JSON.stringify([{ op: 'copy', from: '/metadata', path: '/spec/x' }]),
    () => '\u0000\u0001\u0002',
    () => '',
  ];

  test('random and malformed bodies on create, update and patch', async () => {
    let n = 0;
    for (const p of paths) {
      for (const shape of shapes) {
        for (const [method, ct] of [
          ['POST', 'application/json'],
          ['PUT', 'application/json'],
          ['PATCH', 'application/merge-patch+json'],
          ['PATCH', 'application/json-patch+json'],
        ] as const) {
          const target = method === 'POST' ? p : p.endsWith('binding') || p.endsWith('scale') ? p : `${p}/x`;
          const r = await call(c.url, method, target, shape(), { 'content-type': ct });
          n++;
          assert.ok(r.status >= 200 && r.status < 500, `${method} ${target} gave ${r.status}: ${JSON.stringify(r.body)}`);
          if (r.status >= 400) {
            assert.equal((r.body as { kind?: string }).kind, 'Status', `${method} ${target}`);
          }
        }
      }
    }
    assert.ok(n > 300);
    assert.equal((await call(c.url, 'GET', '/readyz')).status, 200);
    // stored state is intact: the bootstrap objects are still there and valid
    const ns = await call<{ items: unknown[] }>(c.url, 'GET', '/api/v1/namespaces');
    assert.equal(ns.body.items.length, 4);
  });

  test('/metrics exposes request counters; events.k8s.io/v1 shares storage with core events', async () => {
    const m = await fetch(`${c.url}/metrics`);
    const text = await m.text();
    assert.match(text, /apiserver_request_total\{verb="POST",code="\d+"/);
    const ev = await call(c.url, 'POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
      metadata: { name: 'ev1' },
      eventTime: '2026-01-01T00:00:00.000000Z',
      reportingController: 'kubemu.io/test',
      reportingInstance: 'test-1',
      action: 'Testing',
      reason: 'Tested',
      regarding: { kind: 'Pod', namespace: 'default', name: 'p1' },
      note: 'hello',
      type: 'Normal',
    });
    assert.equal(ev.status, 201, JSON.stringify(ev.body));
    assert.equal(ev.body.apiVersion, 'events.k8s.io/v1');
    assert.equal(ev.body.note, 'hello');
    const core = await call(c.url, 'GET', '/api/v1/namespaces/default/events/ev1');
    assert.equal(core.status, 200);
    assert.equal(core.body.apiVersion, 'v1');
    assert.equal(core.body.message, 'hello');
    assert.equal((core.body.involvedObject as { name: string }).name, 'p1');
    const byObject = await call<{ items: unknown[] }>(c.url, 'GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dp1');
    assert.equal(byObject.body.items.length, 1);
  });
});
