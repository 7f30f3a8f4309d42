import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { findResource } from '../../api/resources.js';
import { call, startTestCluster, type TestCluster } from '../support/api-server.js';
import { openWatch } from '../support/watch.js';

describe('a slow watch client', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ watchLimits: { maxPendingEvents: 20 } });
  });
  after(async () => {
    await c?.stop();
  });

  test('does not stall other watchers and is disconnected instead of growing memory', async () => {
    const list = await call<{ metadata: { resourceVersion: string } }>(c.url, 'GET', '/api/v1/namespaces/default/configmaps');
    const path = `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${list.body.metadata.resourceVersion}`;
    // the slow client: reads nothing after the headers
    let slowBytes = 0;
    let slowEnded = false;
    const slow = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.get(c.url + path, resolve);
      req.on('error', reject);
    });
    slow.pause();
    slow.on('end', () => (slowEnded = true));
    slow.on('close', () => (slowEnded = true));
    const fast = await openWatch(c.url, path);
    const cache = c.api.stores.get(findResource('', 'v1', 'configmaps')!)!.cache;
    assert.equal(cache.listenerCount, 2);

    const payload = 'x'.repeat(64 * 1024);
    const n = 120; // ~7.7 MiB of events: far more than socket buffers hold
    for (let i = 0; i < n; i++) {
      const r = await call(c.url, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `big-${i}` }, data: { payload } });
      assert.equal(r.status, 201);
    }
    for (let i = 0; i < n; i++) {
      const ev = await fast.next(5000);
      assert.equal(ev.type, 'ADDED');
      assert.equal(ev.object.metadata?.name, `big-${i}`);
    }
    // the server gave up on the slow client: its listener is gone and its stream ends once drained
    assert.equal(cache.listenerCount, 1);
    slow.on('data', (d: Buffer) => (slowBytes += d.length));
    slow.resume();
    const deadline = Date.now() + 10_000;
    while (!slowEnded && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(slowEnded, 'slow watch was ended by the server');
    assert.ok(slowBytes < n * payload.length, `slow client got ${slowBytes} bytes, less than everything`);
    fast.close();
  });
});
