import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerManager } from '../../controller-manager/manager.js';
import { eventually, startTestManager } from '../../controller-manager/testing.js';
import { call, startTestCluster, type TestCluster } from '../support/api-server.js';

type Svc = { status?: { loadBalancer?: { ingress?: { ip: string }[] } } };

describe('service-lb controller', () => {
  let c: TestCluster;
  let kcm: ControllerManager;
  before(async () => {
    c = await startTestCluster();
    kcm = await startTestManager(c.url, { controllers: ['service-lb-controller'], leaderElect: false });
  });
  after(async () => {
    await kcm?.close();
    await c?.stop();
  });

  test('a LoadBalancer Service gets 127.0.0.1 as its ingress; turning it into ClusterIP clears it', async () => {
    const r = await call(c.url, 'POST', '/api/v1/namespaces/default/services', { metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', ports: [{ port: 8080 }] } });
    assert.equal(r.status, 201);
    const get = async () => (await call<Svc>(c.url, 'GET', '/api/v1/namespaces/default/services/lb')).body;
    await eventually(async () => (await get()).status?.loadBalancer?.ingress?.[0]?.ip === '127.0.0.1', 'an ingress IP');
    const p = await call(c.url, 'PATCH', '/api/v1/namespaces/default/services/lb', { spec: { type: 'ClusterIP' } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    await eventually(async () => ((await get()).status?.loadBalancer?.ingress ?? []).length === 0, 'the ingress to be cleared');
  });
});
