import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api, KubeConfig, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { startApiServer, type ApiServer } from '../../api-server/server.js';
import { silentLogger } from '../../common/logger.js';
import { call, startTestCluster, type TestCluster } from '../support/api-server.js';

/** The official @kubernetes/client-node informer (code nobody here wrote) against the api-server. */
describe('@kubernetes/client-node informer', () => {
  let c: TestCluster;
  let second: ApiServer | undefined;
  const events: string[] = [];
  let stopInformer: (() => Promise<void>) | undefined;

  before(async () => {
    c = await startTestCluster();
    await call(c.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'inf' } });
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'kubemu', server: c.url, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'ctx', cluster: 'kubemu', user: 'u' }],
      currentContext: 'ctx',
    });
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1ConfigMap>(kc, '/api/v1/namespaces/inf/configmaps', () => core.listNamespacedConfigMap({ namespace: 'inf' }));
    informer.on('add', (o) => events.push(`add ${o.metadata?.name} ${JSON.stringify(o.data ?? {})}`));
    informer.on('update', (o) => events.push(`update ${o.metadata?.name} ${JSON.stringify(o.data ?? {})}`));
    informer.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
    let stopped = false;
    // client-node leaves restarting after a connection error to the caller (its documented pattern)
    informer.on('error', () => {
      if (!stopped) setTimeout(() => void informer.start().catch(() => undefined), 300);
    });
    await informer.start();
    stopInformer = async () => {
      stopped = true;
      await informer.stop();
    };
  });

  after(async () => {
    await stopInformer?.();
    await second?.close();
    await c?.stop();
  });

  const cm = (name: string, data: Record<string, string>) => ({ metadata: { name }, data });
  const put = (name: string, data: Record<string, string>) => call(c.url, 'PUT', `/api/v1/namespaces/inf/configmaps/${name}`, cm(name, data));
  async function until(expected: string[], timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (expected.every((e, i) => events[i] === e) && events.length >= expected.length) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(events, expected);
  }

  test('sees add, update and delete in order', async () => {
    assert.equal((await call(c.url, 'POST', '/api/v1/namespaces/inf/configmaps', cm('a', { v: '1' }))).status, 201);
    assert.equal((await put('a', { v: '2' })).status, 200);
    assert.equal((await call(c.url, 'DELETE', '/api/v1/namespaces/inf/configmaps/a')).status, 200);
    await until(['add a {"v":"1"}', 'update a {"v":"2"}', 'delete a']);
  });

  test('keeps going across an api-server restart, including changes made while it was down', async () => {
    await call(c.url, 'POST', '/api/v1/namespaces/inf/configmaps', cm('b', { v: '1' }));
    await until(['add a {"v":"1"}', 'update a {"v":"2"}', 'delete a', 'add b {"v":"1"}']);
    // take the informer's api-server down; make changes through another api-server on the same etcd
    const port = c.api.port;
    await c.api.close();
    second = await startApiServer({ etcdServers: [c.etcd.endpoint], port: 0, host: '127.0.0.1', log: silentLogger(), compactionIntervalMs: 0 });
    await call(second.url, 'POST', '/api/v1/namespaces/inf/configmaps', cm('c', { v: '1' }));
    await call(second.url, 'DELETE', '/api/v1/namespaces/inf/configmaps/b');
    await c.restartApiOn(port);
    // the informer reconnects on its own and catches up with what changed while it was away
    await until(['add a {"v":"1"}', 'update a {"v":"2"}', 'delete a', 'add b {"v":"1"}', 'delete b', 'add c {"v":"1"}']);
    await call(c.url, 'PUT', '/api/v1/namespaces/inf/configmaps/c', cm('c', { v: '2' }));
    await until(['add a {"v":"1"}', 'update a {"v":"2"}', 'delete a', 'add b {"v":"1"}', 'delete b', 'add c {"v":"1"}', 'update c {"v":"2"}']);
  });

  test('relists after a compaction made its resourceVersion too old', async () => {
    const base = events.length;
    await put('c', { v: '3' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(events[base], 'update c {"v":"3"}');
    const port = c.api.port;
    await c.api.close();
    for (let i = 0; i < 5; i++) await call(second!.url, 'PUT', '/api/v1/namespaces/inf/configmaps/c', cm('c', { v: `x${i}` }));
    await call(second!.url, 'POST', '/api/v1/namespaces/inf/configmaps', cm('d', { v: '1' }));
    await second!.compact();
    await c.restartApiOn(port);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !(events.includes('add d {"v":"1"}') && events.includes('update c {"v":"x4"}'))) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const tail = events.slice(base + 1);
    assert.ok(tail.includes('update c {"v":"x4"}'), JSON.stringify(tail));
    assert.ok(tail.includes('add d {"v":"1"}'), JSON.stringify(tail));
    assert.ok(!tail.some((e) => e.startsWith('delete')), `no spurious deletes: ${JSON.stringify(tail)}`);
  });
});
