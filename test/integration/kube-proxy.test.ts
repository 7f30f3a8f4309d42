import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startKubeProxy, type KubeProxy } from '../../kube-proxy/proxy.js';
import { createMetricsRegistry } from '../../common/metrics.js';
import { silentLogger } from '../../common/logger.js';
import { call, startTestCluster, type TestCluster } from '../support/api-server.js';

/** Backends stand in for pods: HTTP servers on distinct loopback IPs, same port, answering with their name. */
const BACKEND_IPS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];

describe('kube-proxy forwards NodePort and LoadBalancer ports to ready endpoints', () => {
  let c: TestCluster;
  let proxy: KubeProxy;
  let ac: AbortController;
  let backendPort = 0;
  const servers: http.Server[] = [];
  let nodePort = 0;

  const start = async () => {
    ac = new AbortController();
    proxy = await startKubeProxy({ server: c.url, bindAddress: '127.0.0.1', log: silentLogger(), registry: createMetricsRegistry('kube-proxy-test'), signal: ac.signal });
    await proxy.synced;
  };

  before(async () => {
    c = await startTestCluster();
    backendPort = await freePort();
    for (const ip of BACKEND_IPS) {
      const s = http.createServer((req, res) => res.end(`pod-${ip.split('.')[3]}`));
      await new Promise<void>((r) => s.listen(backendPort, ip, r));
      servers.push(s);
    }
    const svc = await call<{ spec: { ports: { nodePort: number }[] } }>(c.url, 'POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 'web' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: backendPort }] },
    });
    nodePort = svc.body.spec.ports[0].nodePort;
    await setEndpoints('web', BACKEND_IPS.map((ip) => ({ ip, ready: true })));
    await start();
  });

  after(async () => {
    await proxy?.close();
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await c?.stop();
  });

  async function setEndpoints(service: string, eps: { ip: string; ready: boolean }[]): Promise<void> {
    const body = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${service}-abc`, labels: { 'kubernetes.io/service-name': service } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: backendPort, protocol: 'TCP' }],
      endpoints: eps.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready }, targetRef: { kind: 'Pod', name: `pod-${e.ip.split('.')[3]}`, namespace: 'default' } })),
    };
    const put = await call(c.url, 'PUT', `/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/${service}-abc`, body);
    if (put.status === 404) assert.equal((await call(c.url, 'POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', body)).status, 201);
    else assert.equal(put.status, 200, JSON.stringify(put.body));
  }

  async function eventually(fn: () => Promise<boolean>, what: string, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await fn()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail(`timed out waiting for ${what}`);
  }

  test('round-robin across all three endpoints through the node port', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(await get(nodePort));
    assert.deepEqual([...seen].sort(), ['pod-2', 'pod-3', 'pod-4']);
  });

  test('a not-ready endpoint receives no new connections', async () => {
    await setEndpoints('web', [{ ip: '127.0.0.2', ready: true }, { ip: '127.0.0.3', ready: false }, { ip: '127.0.0.4', ready: true }]);
    await eventually(async () => {
      const got = new Set<string>();
      for (let i = 0; i < 4; i++) got.add(await get(nodePort));
      return !got.has('pod-3');
    }, 'pod-3 to leave the rotation');
    for (let i = 0; i < 10; i++) assert.notEqual(await get(nodePort), 'pod-3');
  });

  test('open connections finish after their endpoint is removed; no endpoints refuses at once', async () => {
    const sock = net.connect(nodePort, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    await setEndpoints('web', []);
    await eventually(async () => (await tryConnect(nodePort)) === 'ECONNREFUSED', 'the port to refuse');
    const t0 = Date.now();
    assert.equal(await tryConnect(nodePort), 'ECONNREFUSED');
    assert.ok(Date.now() - t0 < 500);
    // the connection opened before still works end to end
    sock.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const reply = await new Promise<string>((resolve) => {
      let data = '';
      sock.on('data', (d: Buffer) => (data += d.toString()));
      sock.on('end', () => resolve(data));
    });
    assert.match(reply, /pod-\d/);
    await setEndpoints('web', BACKEND_IPS.map((ip) => ({ ip, ready: true })));
    await eventually(async () => (await tryConnect(nodePort)) === 'ok', 'the port to open again');
  });

  test('ClientIP session affinity pins a client to one endpoint', async () => {
    const r = await call(c.url, 'PATCH', '/api/v1/namespaces/default/services/web', { spec: { sessionAffinity: 'ClientIP' } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await eventually(async () => {
      const got = new Set<string>();
      for (let i = 0; i < 5; i++) got.add(await get(nodePort));
      return got.size === 1;
    }, 'affinity to take effect');
    await call(c.url, 'PATCH', '/api/v1/namespaces/default/services/web', { spec: { sessionAffinity: 'None' } }, { 'content-type': 'application/merge-patch+json' });
  });

  test('a LoadBalancer Service answers on its port once it has an ingress IP; deleting it closes the port', async () => {
    const lbPort = await freePort();
    const svc = await call(c.url, 'POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 'lb' },
      spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: lbPort, targetPort: backendPort }] },
    });
    assert.equal(svc.status, 201, JSON.stringify(svc.body));
    await setEndpoints('lb', [{ ip: '127.0.0.3', ready: true }]);
    const cur = await call(c.url, 'GET', '/api/v1/namespaces/default/services/lb');
    const st = await call(c.url, 'PUT', '/api/v1/namespaces/default/services/lb/status', { ...cur.body, status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } } });
    assert.equal(st.status, 200);
    await eventually(async () => (await tryConnect(lbPort)) === 'ok', 'the LoadBalancer port');
    assert.equal(await get(lbPort), 'pod-3');
    await call(c.url, 'DELETE', '/api/v1/namespaces/default/services/lb');
    await eventually(async () => (await tryConnect(lbPort)) === 'ECONNREFUSED', 'the LoadBalancer port to close');
  });

  test('a restarted kube-proxy restores its listeners from the API within seconds', async () => {
    await proxy.close();
    assert.equal(await tryConnect(nodePort), 'ECONNREFUSED');
    const t0 = Date.now();
    await start();
    await eventually(async () => (await tryConnect(nodePort)) === 'ok', 'listeners after restart', 2000);
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
    assert.match(await get(nodePort), /^pod-\d$/);
  });

  test('a LoadBalancer port taken on the host is reported as a Warning event', async () => {
    const blocker = net.createServer();
    const taken = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as net.AddressInfo).port)));
    try {
      await call(c.url, 'POST', '/api/v1/namespaces/default/services', {
        metadata: { name: 'clash' },
        spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: taken, targetPort: backendPort }] },
      });
      await setEndpoints('clash', [{ ip: '127.0.0.2', ready: true }]);
      const cur = await call(c.url, 'GET', '/api/v1/namespaces/default/services/clash');
      await call(c.url, 'PUT', '/api/v1/namespaces/default/services/clash/status', { ...cur.body, status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } } });
      type Ev = { reason: string; type: string; message: string };
      let events: Ev[] = [];
      await eventually(async () => {
        const r = await call<{ items: Ev[] }>(c.url, 'GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dclash');
        events = r.body.items;
        return events.length > 0;
      }, 'a Warning event for the taken port', 5000);
      assert.equal(events[0].type, 'Warning');
      assert.equal(events[0].reason, 'LoadBalancerPortUnavailable');
      assert.match(events[0].message, new RegExp(`port ${taken} is already in use`));
    } finally {
      blocker.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

/** 'ok', or the connect error code (e.g. ECONNREFUSED) */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve('ok');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}
