import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestCluster, type TestCluster } from '../support/api-server.js';
import { openWatch } from '../support/watch.js';

describe('etcd outage', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ etcdTimeoutMs: 2000 });
  });
  after(async () => {
    await c?.stop();
  });

  test('with etcd down requests fail fast with 5xx and /readyz fails; it recovers without a restart', async () => {
    await call(c.url, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'before' } });
    const list = await call<{ metadata: { resourceVersion: string } }>(c.url, 'GET', '/api/v1/namespaces/default/configmaps');
    const w = await openWatch(c.url, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${list.body.metadata.resourceVersion}`);
    await c.etcd.pause();
    try {
      const t0 = Date.now();
      const r = await call(c.url, 'GET', '/api/v1/namespaces/default/configmaps/before');
      const took = Date.now() - t0;
      assert.ok(r.status >= 500, `status ${r.status}`);
      assert.equal(r.body.kind, 'Status');
      assert.ok(took < 10_000, `took ${took} ms`);
      const ready = await call(c.url, 'GET', '/readyz');
      assert.equal(ready.status, 500);
      const live = await call(c.url, 'GET', '/livez');
      assert.equal(live.status, 200, 'the process itself is alive');
    } finally {
      await c.etcd.unpause();
    }
    let ok = false;
    for (let i = 0; i < 50 && !ok; i++) {
      ok = (await call(c.url, 'GET', '/readyz')).status === 200;
      if (!ok) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(ok, 'readyz recovers');
    const create = await call(c.url, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'after' } });
    assert.equal(create.status, 201);
    const ev = await w.next(10_000);
    assert.equal(ev.type, 'ADDED');
    assert.equal(ev.object.metadata?.name, 'after');
    w.close();
  });

  test('an etcd restart keeps data and the watch cache catches up', async () => {
    await c.etcd.restart();
    let status = 0;
    for (let i = 0; i < 50 && status !== 201; i++) {
      status = (await call(c.url, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'post-restart' } })).status;
      if (status !== 201) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status, 201);
    const list = await call<{ items: { metadata: { name: string } }[] }>(c.url, 'GET', '/api/v1/namespaces/default/configmaps');
    assert.deepEqual(list.body.items.map((i) => i.metadata.name).sort(), ['after', 'before', 'post-restart']);
  });
});
