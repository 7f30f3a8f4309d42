/**
 * The cluster DNS server against a real api-server + etcd: it runs on 127.0.0.1:<free port>, Services and
 * EndpointSlices are written through the API (no controllers), and queries go over UDP and TCP with dns-packet.
 * Names outside the cluster domain go to a fake upstream nameserver on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import dnsPacket from 'dns-packet';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { startClusterDns, type ClusterDns } from '../../cluster-dns/server.js';
import { listenDns, type DnsListener } from '../../cluster-dns/transport.js';
import { silentLogger } from '../../common/logger.js';
import { createMetricsRegistry } from '../../common/metrics.js';
import { call, startTestCluster, type TestCluster } from '../support/api-server.js';
import { queryTcp, queryUdp } from '../support/dns.js';
import { waitFor } from '../support/kubelet.js';

const HOST = '127.0.0.1';
const SVC_PATH = (ns: string) => `/api/v1/namespaces/${ns}/services`;
const SLICE_PATH = (ns: string) => `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`;

/** A stand-in upstream nameserver: `*.example.test` A → 127.0.0.53; `silent.test` is never answered. */
function fakeUpstream(): Promise<DnsListener> {
  return listenDns({
    host: HOST,
    port: 0,
    log: silentLogger(),
    handle: async (msg) => {
      const q = dnsPacket.decode(msg);
      const question = q.questions?.[0];
      if (!question || question.name === 'silent.test') return undefined;
      const known = question.name.endsWith('example.test');
      return dnsPacket.encode({
        type: 'response',
        id: q.id,
        flags: dnsPacket.RECURSION_AVAILABLE | (known ? 0 : 3),
        questions: [question],
        answers: known && question.type === 'A' ? [{ name: question.name, type: 'A', ttl: 60, data: '127.0.0.53' }] : [],
      });
    },
  });
}

function sliceOf(service: string, endpoints: { ip: string; ready?: boolean; hostname?: string }[], ports = [{ name: 'http', port: 8080, protocol: 'TCP' }]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-abc`, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports,
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true }, ...(e.hostname ? { hostname: e.hostname } : {}) })),
  };
}

describe('cluster DNS server (real api-server)', () => {
  let c: TestCluster;
  let dns: ClusterDns;
  let upstream: DnsListener;
  let webIP = '';

  const udp = (name: string, type: Parameters<typeof queryUdp>[3] = 'A') => queryUdp(HOST, dns.port, name, type);
  const tcp = (name: string, type: Parameters<typeof queryTcp>[3] = 'A') => queryTcp(HOST, dns.port, name, type);

  async function create(path: string, body: unknown): Promise<Record<string, unknown>> {
    const r = await call(c.url, 'POST', path, body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  }

  before(async () => {
    c = await startTestCluster();
    upstream = await fakeUpstream();
    dns = await startClusterDns({
      server: c.url,
      bindAddress: HOST,
      port: 0,
      clusterDomain: 'cluster.local',
      upstreams: [{ host: HOST, port: upstream.port }],
      clusterDnsIP: '10.96.0.10',
      advertiseAddress: HOST,
      metricsPort: 9153,
      log: silentLogger(),
      registry: createMetricsRegistry('cluster-dns-test'),
    });
    assert.equal(await dns.synced, true);
    await create('/api/v1/namespaces', { metadata: { name: 'other' } });
    const web = await create(SVC_PATH('default'), {
      metadata: { name: 'web' },
      spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'dns', port: 53, protocol: 'UDP' }] },
    });
    webIP = (web as Service).spec?.clusterIP ?? '';
    await create(SVC_PATH('default'), { metadata: { name: 'db' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } });
    await create(SVC_PATH('other'), { metadata: { name: 'api' }, spec: { ports: [{ port: 443 }] } });
    await create(SLICE_PATH('default'), sliceOf('db', [{ ip: '10.1.0.1', hostname: 'db-0' }, { ip: '10.1.0.2', hostname: 'db-1' }, { ip: '10.1.0.3', ready: false }], [{ name: 'pg', port: 5432, protocol: 'TCP' }]));
    await waitFor('the DNS caches to hold the test objects', async () => (await udp('db.default.svc.cluster.local')).values.length === 2, 5000, 20);
  });

  after(async () => {
    await dns?.close();
    await upstream?.close();
    await c?.stop();
  });

  test('publishes the kube-dns Service (ClusterIP 10.96.0.10, no selector) and its EndpointSlice', async () => {
    const svc = await waitFor('kube-dns', async () => {
      const r = await call<Service>(c.url, 'GET', '/api/v1/namespaces/kube-system/services/kube-dns');
      return r.status === 200 ? r.body : undefined;
    }, 5000, 50);
    assert.equal(svc.spec?.clusterIP, '10.96.0.10');
    assert.equal(svc.spec?.selector, undefined);
    assert.equal(svc.metadata?.labels?.['k8s-app'], 'kube-dns');
    assert.equal(svc.metadata?.labels?.['kubernetes.io/name'], 'CoreDNS');
    assert.deepEqual(svc.spec?.ports?.map((p) => `${p.name}:${p.port}/${p.protocol}`), ['dns:53/UDP', 'dns-tcp:53/TCP', 'metrics:9153/TCP']);
    const slice = await waitFor('the kube-dns EndpointSlice', async () => {
      const r = await call<EndpointSlice>(c.url, 'GET', '/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices/kube-dns-cluster-dns');
      return r.status === 200 ? r.body : undefined;
    }, 5000, 50);
    assert.equal(slice.metadata?.labels?.['kubernetes.io/service-name'], 'kube-dns');
    assert.equal(slice.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'], 'cluster-dns.kubemu.io');
    assert.deepEqual(slice.endpoints?.map((e) => [e.addresses, e.conditions?.ready]), [[[HOST], true]]);
    assert.deepEqual(slice.ports?.map((p) => `${p.name}:${p.port}/${p.protocol}`), [`dns:${dns.port}/UDP`, `dns-tcp:${dns.port}/TCP`, 'metrics:9153/TCP']);
    // the kube-dns name itself resolves
    assert.deepEqual((await udp('kube-dns.kube-system.svc.cluster.local')).values, ['10.96.0.10']);
  });

  test('a ClusterIP Service resolves to its ClusterIP over UDP and TCP, authoritatively', async () => {
    const u = await udp('web.default.svc.cluster.local');
    assert.equal(u.rcode, 'NOERROR');
    assert.deepEqual(u.values, [webIP]);
    assert.ok(u.packet.flag_aa);
    assert.deepEqual((await tcp('web.default.svc.cluster.local')).values, [webIP]);
    assert.deepEqual((await udp('api.other.svc.cluster.local')).values.length, 1);
  });

  test('a headless Service resolves to every ready endpoint; SRV and pod hostname records', async () => {
    assert.deepEqual((await udp('db.default.svc.cluster.local')).values, ['10.1.0.1', '10.1.0.2']);
    assert.deepEqual((await tcp('db-1.db.default.svc.cluster.local')).values, ['10.1.0.2']);
    const srv = await udp('_pg._tcp.db.default.svc.cluster.local', 'SRV');
    assert.deepEqual(srv.values, [
      JSON.stringify({ priority: 0, weight: 50, port: 5432, target: 'db-0.db.default.svc.cluster.local' }),
      JSON.stringify({ priority: 0, weight: 50, port: 5432, target: 'db-1.db.default.svc.cluster.local' }),
    ]);
    assert.deepEqual((srv.packet.additionals ?? []).map((a) => ('data' in a ? a.data : '')).sort(), ['10.1.0.1', '10.1.0.2']);
    const clusterSrv = await tcp('_dns._udp.web.default.svc.cluster.local', 'SRV');
    assert.deepEqual(clusterSrv.values, [JSON.stringify({ priority: 0, weight: 100, port: 53, target: 'web.default.svc.cluster.local' })]);
  });

  test('unknown names are NXDOMAIN with the SOA; other types of existing names NODATA', async () => {
    for (const name of ['nope.default.svc.cluster.local', 'web.nope.svc.cluster.local', 'web.default.svc.cluster.local.default.svc.cluster.local']) {
      const r = await udp(name);
      assert.equal(r.rcode, 'NXDOMAIN', name);
      assert.deepEqual(r.packet.authorities?.map((a) => a.type), ['SOA'], name);
    }
    const aaaa = await udp('web.default.svc.cluster.local', 'AAAA');
    assert.equal(aaaa.rcode, 'NOERROR');
    assert.deepEqual(aaaa.packet.answers, []);
    assert.deepEqual(aaaa.packet.authorities?.map((a) => a.type), ['SOA']);
  });

  test('names outside the cluster domain: forwarded over the same transport; an upstream that stays silent is SERVFAIL after 2 s', async () => {
    assert.deepEqual((await udp('www.example.test')).values, ['127.0.0.53']);
    assert.deepEqual((await tcp('www.example.test')).values, ['127.0.0.53']);
    assert.equal((await udp('nothing.test')).rcode, 'NXDOMAIN');
    const t0 = performance.now();
    const r = await udp('silent.test');
    const took = performance.now() - t0;
    assert.equal(r.rcode, 'SERVFAIL');
    assert.ok(took >= 1900 && took < 3500, `SERVFAIL after ${Math.round(took)}ms`);
  });

  test('without upstream nameservers, names outside the cluster domain are refused', async () => {
    const refusing = await startClusterDns({
      server: c.url,
      bindAddress: HOST,
      port: 0,
      clusterDomain: 'cluster.local',
      upstreams: [],
      clusterDnsIP: '10.96.0.10',
      publish: false,
      advertiseAddress: HOST,
      metricsPort: 9153,
      log: silentLogger(),
      registry: createMetricsRegistry('cluster-dns-test-2'),
    });
    try {
      await refusing.synced;
      assert.equal((await queryUdp(HOST, refusing.port, 'www.example.test')).rcode, 'REFUSED');
      assert.deepEqual((await queryTcp(HOST, refusing.port, 'web.default.svc.cluster.local')).values, [webIP]);
    } finally {
      await refusing.close();
    }
  });

  test('answers follow changes within a second: new Service, changed endpoints, deleted Service', async () => {
    const within = async (what: string, fn: () => Promise<boolean>): Promise<number> => {
      const t0 = performance.now();
      await waitFor(what, async () => fn(), 1000, 10);
      return performance.now() - t0;
    };
    const created = (await create(SVC_PATH('default'), { metadata: { name: 'late' }, spec: { ports: [{ port: 80 }] } })) as Service;
    await within('late to resolve', async () => (await udp('late.default.svc.cluster.local')).values[0] === created.spec?.clusterIP);

    const slice = (await call<EndpointSlice>(c.url, 'GET', `${SLICE_PATH('default')}/db-abc`)).body;
    const r = await call(c.url, 'PUT', `${SLICE_PATH('default')}/db-abc`, { ...slice, endpoints: [...(slice.endpoints ?? []), { addresses: ['10.1.0.4'], conditions: { ready: true } }] });
    assert.equal(r.status, 200);
    await within('the new endpoint', async () => (await udp('db.default.svc.cluster.local')).values.length === 3);

    assert.equal((await call(c.url, 'DELETE', `${SVC_PATH('default')}/web`)).status, 200);
    await within('web to be gone', async () => (await tcp('web.default.svc.cluster.local')).rcode === 'NXDOMAIN');
  });

  test('on close the endpoint is marked not ready', async () => {
    await dns.close();
    const slice = await call<EndpointSlice>(c.url, 'GET', '/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices/kube-dns-cluster-dns');
    assert.equal(slice.body.endpoints?.[0].conditions?.ready, false);
  });
});
