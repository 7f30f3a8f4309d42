/**
 * kube-proxy serving ClusterIPs against a real api-server, without containers: the service range is a loopback
 * one (127.77.<random>.0/24), which is local on every host already, so kube-proxy binds ClusterIPs without
 * changing the host's routes (its route command is `false` here, and it checks that the range is usable anyway).
 * Backends stand in for pods: TCP and UDP servers on distinct loopback IPs. The real route path with pods on the
 * Docker network is test/e2e/kube-proxy-clusterip.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { DEFAULT_SERVICE_NETWORK } from '../../api-server/registry/services/strategy.js';
import { startKubeProxy, type KubeProxy } from '../../kube-proxy/proxy.js';
import { createMetricsRegistry, type Registry } from '../../common/metrics.js';
import { silentLogger } from '../../common/logger.js';
import { call, startTestCluster, type TestCluster } from '../support/api-server.js';

const CIDR = `127.77.${randomInt(256)}.0/24`;
const BACKEND_IPS = ['127.0.0.2', '127.0.0.3'];

describe('kube-proxy serves ClusterIPs (TCP and UDP) of its service range', () => {
  let c: TestCluster;
  let proxy: KubeProxy;
  let registry: Registry;
  const ac = new AbortController();
  const tcpServers: net.Server[] = [];
  const udpServers: dgram.Socket[] = [];
  let port = 0;

  before(async () => {
    c = await startTestCluster({ serviceNetwork: { ...DEFAULT_SERVICE_NETWORK, serviceCIDR: CIDR } });
    port = await freeTcpAndUdpPort();
    for (const ip of BACKEND_IPS) {
      const name = `pod-${ip.split('.')[3]}`;
      const s = net.createServer((sock) => sock.end(name));
      await new Promise<void>((r) => s.listen(port, ip, r));
      tcpServers.push(s);
      const u = dgram.createSocket('udp4');
      u.on('message', (m, from) => u.send(`${name} ${m.toString()}`, from.port, from.address));
      await new Promise<void>((r) => u.bind(port, ip, r));
      udpServers.push(u);
    }
    registry = createMetricsRegistry('kube-proxy-clusterip-test');
    proxy = await startKubeProxy({ server: c.url, bindAddress: '127.0.0.1', log: silentLogger(), registry, signal: ac.signal, serviceCIDR: CIDR, ipCommand: 'false' });
    await proxy.synced;
  });

  after(async () => {
    await proxy?.close();
    for (const s of tcpServers) await new Promise((r) => s.close(r));
    for (const u of udpServers) u.close();
    await c?.stop();
  });

  async function createService(name: string, spec: Record<string, unknown>): Promise<string> {
    const r = await call<{ spec: { clusterIP: string } }>(c.url, 'POST', '/api/v1/namespaces/default/services', { metadata: { name }, spec });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.spec.clusterIP;
  }
  async function setEndpoints(service: string, ips: string[]): Promise<void> {
    const body = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${service}-1`, labels: { 'kubernetes.io/service-name': service } },
      addressType: 'IPv4',
      ports: [{ name: 'tcp', port, protocol: 'TCP' }, { name: 'udp', port, protocol: 'UDP' }],
      endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    };
    const put = await call(c.url, 'PUT', `/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/${service}-1`, body);
    if (put.status === 404) assert.equal((await call(c.url, 'POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', body)).status, 201);
    else assert.equal(put.status, 200, JSON.stringify(put.body));
  }
  const ports = [{ name: 'tcp', port: 80, targetPort: 9 }, { name: 'udp', port: 53, targetPort: 9, protocol: 'UDP' }];

  test('TCP and UDP on <clusterIP>:<port> reach every endpoint; no endpoints refuses; deletion closes', async () => {
    const ip = await createService('echo', { selector: { app: 'echo' }, ports });
    assert.ok(ip.startsWith(CIDR.split('.').slice(0, 3).join('.')), ip);
    await setEndpoints('echo', BACKEND_IPS);
    await eventually(async () => (await tcp(ip, 80)).startsWith('pod-'), 'the ClusterIP TCP port');
    const names = new Set<string>();
    for (let i = 0; i < 4; i++) names.add(await tcp(ip, 80));
    assert.deepEqual([...names].sort(), ['pod-2', 'pod-3']);
    const udpNames = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const reply = await udp(ip, 53, `q${i}`);
      assert.match(reply, new RegExp(`^pod-[23] q${i}$`));
      udpNames.add(reply.split(' ')[0]);
    }
    assert.equal(udpNames.size, 2, 'UDP sessions are balanced too');
    const text = await registry.metrics();
    assert.match(text, /kubeproxy_udp_datagrams_total\{service="default\/echo",outcome="replied"[^}]*\} 4\n/);
    assert.match(text, /kubeproxy_udp_bytes_total\{service="default\/echo",direction="in"[^}]*\} 8\n/);

    await setEndpoints('echo', []);
    await eventually(async () => (await tcp(ip, 80)) === 'ECONNREFUSED', 'TCP to be refused without endpoints');
    assert.equal(await udp(ip, 53, 'x'), 'ECONNREFUSED');
    await setEndpoints('echo', [BACKEND_IPS[0]]);
    await eventually(async () => (await tcp(ip, 80)) === 'pod-2', 'the port to open again');
    assert.equal(await udp(ip, 53, 'y'), 'pod-2 y');

    assert.equal((await call(c.url, 'DELETE', '/api/v1/namespaces/default/services/echo')).status, 200);
    await eventually(async () => (await tcp(ip, 80)) === 'ECONNREFUSED', 'the deleted Service to close its TCP port');
    assert.equal(await udp(ip, 53, 'z'), 'ECONNREFUSED');
  });

  test('a headless Service gets no ClusterIP sockets', async () => {
    await createService('headless', { clusterIP: 'None', selector: { app: 'h' }, ports });
    await setEndpoints('headless', BACKEND_IPS);
    await createService('marker', { selector: { app: 'm' }, ports });
    await setEndpoints('marker', BACKEND_IPS);
    await eventually(async () => proxy.listening().some((r) => r.service === 'default/marker'), 'a later Service to be served');
    assert.deepEqual(proxy.listening().filter((r) => r.service === 'default/headless'), []);
  });

  test('a ClusterIP port held on the host by another process is reported as a Warning event', async () => {
    const blocker = net.createServer();
    const taken = await new Promise<number>((r) => blocker.listen(0, '0.0.0.0', () => r((blocker.address() as net.AddressInfo).port)));
    try {
      await createService('clash', { selector: { app: 'clash' }, ports: [{ name: 'tcp', port: taken, targetPort: 9 }] });
      await setEndpoints('clash', BACKEND_IPS);
      type Ev = { reason: string; type: string; message: string };
      let events: Ev[] = [];
      await eventually(async () => {
        events = (await call<{ items: Ev[] }>(c.url, 'GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dclash')).body.items;
        return events.length > 0;
      }, 'a Warning event for the taken port');
      assert.equal(events[0].type, 'Warning');
      assert.equal(events[0].reason, 'ClusterIPPortUnavailable');
      assert.match(events[0].message, new RegExp(`cannot listen on 127\\.77\\.\\d+\\.\\d+:${taken}: port ${taken} is already in use`));
    } finally {
      blocker.close();
    }
  });

  test('without a usable route kube-proxy reports it on the Node and keeps serving NodePorts', async () => {
    const svc = await call<{ spec: { ports: { nodePort: number }[] } }>(c.url, 'POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 'np' },
      spec: { type: 'NodePort', selector: { app: 'np' }, ports: [{ name: 'tcp', port: 80, targetPort: 9 }] },
    });
    await setEndpoints('np', [BACKEND_IPS[1]]);
    const other = new AbortController();
    const node = `proxy-node-${randomInt(1e6)}`;
    // its NodePorts on another loopback address than the first kube-proxy's
    const p = await startKubeProxy({
      server: c.url,
      bindAddress: '127.0.0.5',
      log: silentLogger(),
      registry: createMetricsRegistry('kube-proxy-noroute-test'),
      signal: other.signal,
      nodeName: node,
      serviceCIDR: `10.202.${randomInt(256)}.0/24`,
      ipCommand: 'false',
    });
    try {
      await p.synced;
      type Ev = { reason: string; type: string; message: string; involvedObject: { kind: string } };
      let events: Ev[] = [];
      await eventually(async () => {
        events = (await call<{ items: Ev[] }>(c.url, 'GET', `/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3D${node}`)).body.items;
        return events.length > 0;
      }, 'a Warning event on the Node');
      assert.equal(events[0].type, 'Warning');
      assert.equal(events[0].reason, 'ClusterIPUnavailable');
      assert.equal(events[0].involvedObject.kind, 'Node');
      assert.match(events[0].message, /NET_ADMIN.*false route replace local 10\.202\.\d+\.0\/24 dev lo failed/);
      await eventually(async () => (await tcp('127.0.0.5', svc.body.spec.ports[0].nodePort)) === 'pod-3', 'its NodePort');
      assert.deepEqual(p.listening().map((r) => r.kind), ['NodePort']);
    } finally {
      other.abort();
      await p.close();
    }
  });
});

async function eventually(fn: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** A port free for TCP on 127.0.0.1 (the backends bind it on other loopback addresses for TCP and UDP). */
function freeTcpAndUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** What a TCP server sends before closing, or the connect error code. */
function tcp(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    let data = '';
    s.on('data', (d: Buffer) => (data += d.toString()));
    s.on('end', () => resolve(data));
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** One datagram from a new connected socket: the reply, the error code (ECONNREFUSED: port unreachable) or 'timeout'. */
function udp(host: string, port: number, msg: string): Promise<string> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const done = (v: string): void => {
      clearTimeout(timer);
      s.close();
      resolve(v);
    };
    const timer = setTimeout(() => done('timeout'), 2000);
    s.on('message', (m) => done(m.toString()));
    s.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    s.connect(port, host, () => s.send(msg));
  });
}
