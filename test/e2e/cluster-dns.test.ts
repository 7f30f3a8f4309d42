/**
 * Cluster DNS from inside pods with real containers (issue #9, the DNS half). The test cluster serves its own
 * service range (10.202.<random>.0/24, kube-proxy makes it local on this host); the DNS server runs in this process
 * bound to the pod network's gateway, publishes itself behind the kube-dns Service (<range>.10), and kube-proxy
 * forwards <range>.10:53 to it. The kubelet gives pods a resolv.conf naming <range>.10. Names outside the cluster
 * domain go to a stand-in upstream on 127.0.0.1 that answers NXDOMAIN. Lookups run in the pods through the real
 * kubectl exec, with node's dns.lookup (getaddrinfo: search list and ndots as any libc program).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import dnsPacket from 'dns-packet';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { requireResource } from '../../api/resources.js';
import { ApiError } from '../../api/errors.js';
import { startClusterDns, type ClusterDns } from '../../cluster-dns/server.js';
import { listenDns, type DnsListener } from '../../cluster-dns/transport.js';
import { silentLogger } from '../../common/logger.js';
import { createMetricsRegistry } from '../../common/metrics.js';
import { docker } from '../support/docker.js';
import { startFullCluster, type FullCluster } from '../support/full-cluster.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';
import { PODS, TESTAPP_IMAGE, dockerContainers, testDeployment, isReady, testPod, waitFor, waitForPod } from '../support/kubelet.js';

const DEPLOYMENTS = requireResource('apps', 'v1', 'deployments');
const SERVICES = requireResource('', 'v1', 'services');
const NAMESPACES = requireResource('', 'v1', 'namespaces');
const NET = `10.202.${randomInt(256)}`;
const SERVICE_CIDR = `${NET}.0/24`;
const DNS_IP = `${NET}.10`;
const APP = 'web';

/**
 * Run in a pod with `node -e`: `lookup name…` → one JSON line per name ({name, addrs} or {name, error}, with ms);
 * `get url` → the body of one HTTP GET (or the error code).
 */
const CLIENT = `
const dns = require('dns'), http = require('http');
const [mode, ...args] = process.argv.slice(1);
(async () => {
  if (mode === 'get') {
    const body = await new Promise((res) => http.get(args[0], { agent: false, timeout: 3000 }, (r) => { let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => res(b)); }).on('error', (e) => res(e.code)));
    console.log(body);
    return;
  }
  for (const name of args) {
    const t0 = Date.now();
    try {
      const r = await dns.promises.lookup(name, { all: true, family: 4 });
      console.log(JSON.stringify({ name, addrs: r.map((a) => a.address).sort(), ms: Date.now() - t0 }));
    } catch (e) {
      console.log(JSON.stringify({ name, error: e.code, ms: Date.now() - t0 }));
    }
  }
})();
`;

interface Lookup {
  name: string;
  addrs?: string[];
  error?: string;
  ms: number;
}

function routeDel(cidr: string): Promise<void> {
  return new Promise((resolve) => execFile('ip', ['route', 'del', 'local', cidr, 'dev', 'lo'], { timeout: 5000 }, () => resolve()));
}

/** A stand-in for the node's nameserver: NXDOMAIN for every name. */
function nxdomainUpstream(): Promise<DnsListener> {
  return listenDns({
    host: '127.0.0.1',
    port: 0,
    log: silentLogger(),
    handle: async (msg) => {
      const q = dnsPacket.decode(msg);
      return dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE | 3, questions: q.questions, answers: [] });
    },
  });
}

describe('cluster DNS from inside pods with real containers', () => {
  let cluster: FullCluster;
  let k: Kubectl;
  let dns: ClusterDns;
  let upstream: DnsListener;
  let webIP = '';

  async function inPod(pod: string, ns: string, args: string[]): Promise<string[]> {
    const r = await k.run(['-n', ns, 'exec', pod, '--', 'node', '-e', CLIENT, ...args], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, `kubectl exec failed: ${r.stderr}`);
    return r.stdout.trim().split('\n');
  }
  async function lookup(pod: string, ns: string, ...names: string[]): Promise<Lookup[]> {
    return (await inPod(pod, ns, ['lookup', ...names])).map((l) => JSON.parse(l) as Lookup);
  }
  async function readyPodIPs(): Promise<string[]> {
    const list = await cluster.rest.list<Pod>(PODS, 'default', { labelSelector: `app=${APP}` });
    return list.items
      .filter((p) => !p.metadata?.deletionTimestamp && isReady(p))
      .map((p) => p.status?.podIP ?? '')
      .sort();
  }
  async function scale(replicas: number): Promise<void> {
    await cluster.rest.patch(DEPLOYMENTS, 'default', APP, 'merge', { spec: { replicas } });
    await waitFor(`${replicas} ready ${APP} pods`, async () => (await readyPodIPs()).length === replicas, 90_000);
  }

  before(async () => {
    cluster = await startFullCluster({ nodes: ['node-1'], proxyBindAddress: '127.0.0.1', serviceCIDR: SERVICE_CIDR, kubelet: { clusterDNS: [DNS_IP] } });
    k = kubectlFor(cluster.cluster.url);
    const gateway = (await docker(['network', 'inspect', cluster.network, '--format', '{{(index .IPAM.Config 0).Gateway}}'])).trim();
    assert.match(gateway, /^\d+\.\d+\.\d+\.\d+$/, `the gateway of ${cluster.network}`);
    upstream = await nxdomainUpstream();
    dns = await startClusterDns({
      server: cluster.cluster.url,
      bindAddress: gateway,
      port: 0,
      clusterDomain: 'cluster.local',
      upstreams: [{ host: '127.0.0.1', port: upstream.port }],
      clusterDnsIP: DNS_IP,
      advertiseAddress: gateway,
      metricsPort: 9153,
      log: cluster.log.child({ component: 'cluster-dns' }),
      registry: createMetricsRegistry('cluster-dns'),
    });
    assert.equal(await dns.synced, true);

    const deployment = testDeployment(APP, 2);
    await cluster.rest.create(DEPLOYMENTS, 'default', deployment);
    const svc = await cluster.rest.create<Service>(SERVICES, 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: APP },
      spec: { selector: { app: APP }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    webIP = svc.spec?.clusterIP ?? '';
    await cluster.rest.create(SERVICES, 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `${APP}-headless` },
      spec: { clusterIP: 'None', selector: { app: APP }, ports: [{ name: 'http', port: 8080 }] },
    });
    await cluster.rest.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    const sleeper = { containers: [{ name: 'app', image: TESTAPP_IMAGE, args: ['sleep', '3600'] }], terminationGracePeriodSeconds: 1 };
    await cluster.rest.create(PODS, 'default', testPod('client', 'node-1', sleeper));
    await cluster.rest.create(PODS, 'other', testPod('client', 'node-1', sleeper));
    await waitForPod(cluster.rest, 'client', 'running', (p) => p.status?.phase === 'Running', 60_000);
    await waitFor('the client in namespace other to run', async () => (await cluster.rest.get<Pod>(PODS, 'other', 'client')).status?.phase === 'Running', 60_000);
    await waitFor('2 ready backend pods', async () => (await readyPodIPs()).length === 2, 90_000);
  });

  after(async () => {
    const name = cluster?.clusterName;
    await dns?.close();
    await upstream?.close();
    await cluster?.stop();
    await routeDel(SERVICE_CIDR);
    if (name) assert.deepEqual(await dockerContainers(name), [], 'no container of the test cluster is left');
  });

  test('pods get the cluster resolv.conf, a managed hosts file and their own hostname', async () => {
    const r = await k.run(['exec', 'client', '--', 'sh', '-c', 'cat /etc/resolv.conf; echo ---; cat /etc/hosts; echo ---; hostname']);
    assert.equal(r.code, 0, r.stderr);
    const [resolv, hosts, hostname] = r.stdout.split('---\n');
    const lines = resolv.trim().split('\n');
    assert.match(lines[0], /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local( |$)/);
    assert.deepEqual(lines.slice(1), [`nameserver ${DNS_IP}`, 'options ndots:5']);
    const podIP = (await cluster.rest.get<Pod>(PODS, 'default', 'client')).status?.podIP;
    assert.ok(hosts.startsWith('# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n'), hosts);
    assert.ok(hosts.includes(`${podIP}\tclient\n`), hosts);
    assert.equal(hostname.trim(), 'client');
  });

  test('the kube-dns Service has the stable ClusterIP and this server as its endpoint', async () => {
    const svc = await cluster.rest.get<Service>(SERVICES, 'kube-system', 'kube-dns');
    assert.equal(svc.spec?.clusterIP, DNS_IP);
    const r = await lookup('client', 'default', 'kube-dns.kube-system.svc.cluster.local');
    assert.deepEqual(r[0].addrs, [DNS_IP]);
  });

  test('a client pod reaches the backend by short name, namespaced name, FQDN and ClusterIP', async () => {
    const r = await lookup('client', 'default', APP, `${APP}.default`, `${APP}.default.svc`, `${APP}.default.svc.cluster.local`);
    for (const l of r) assert.deepEqual(l.addrs, [webIP], JSON.stringify(l));
    const backends = new Set((await cluster.rest.list<Pod>(PODS, 'default', { labelSelector: `app=${APP}` })).items.map((p) => p.metadata?.name));
    for (const url of [`http://${APP}/`, `http://${APP}.default.svc.cluster.local/`, `http://${webIP}/`]) {
      const [body] = await inPod('client', 'default', ['get', url]);
      assert.ok(backends.has(body), `${url} answered ${body}`);
    }
  });

  test('a headless Service resolves to every ready pod IP, and scaling changes the answers', async () => {
    const name = `${APP}-headless`;
    assert.deepEqual((await lookup('client', 'default', name))[0].addrs, await readyPodIPs());
    await scale(3);
    const three = await readyPodIPs();
    await waitFor('3 addresses for the headless Service', async () => JSON.stringify((await lookup('client', 'default', name))[0].addrs) === JSON.stringify(three), 10_000, 500);
    await scale(1);
    const one = await readyPodIPs();
    await waitFor('1 address for the headless Service', async () => JSON.stringify((await lookup('client', 'default', name))[0].addrs) === JSON.stringify(one), 10_000, 500);
  });

  test('a pod in another namespace needs the namespaced name', async () => {
    const [short, namespaced] = await lookup('client', 'other', APP, `${APP}.default`);
    assert.equal(short.error, 'ENOTFOUND', JSON.stringify(short));
    assert.deepEqual(namespaced.addrs, [webIP]);
  });

  test('an unknown name fails fast', async () => {
    const [r] = await lookup('client', 'default', 'no-such-service');
    assert.equal(r.error, 'ENOTFOUND', JSON.stringify(r));
    assert.ok(r.ms < 2000, `failed after ${r.ms}ms`);
  });

  test('dnsPolicy None takes only dnsConfig, and needs it', async () => {
    await assert.rejects(
      cluster.rest.create(PODS, 'default', testPod('bad-dns', 'node-1', { dnsPolicy: 'None' })),
      (e: unknown) => e instanceof ApiError && e.code === 422 && e.message.includes('spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None'),
    );
    await cluster.rest.create(
      PODS,
      'default',
      testPod('custom-dns', 'node-1', {
        containers: [{ name: 'app', image: TESTAPP_IMAGE, args: ['sleep', '3600'] }],
        terminationGracePeriodSeconds: 1,
        dnsPolicy: 'None',
        dnsConfig: { nameservers: [DNS_IP], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }] },
      }),
    );
    await waitForPod(cluster.rest, 'custom-dns', 'running', (p) => p.status?.phase === 'Running', 60_000);
    const r = await k.run(['exec', 'custom-dns', '--', 'cat', '/etc/resolv.conf']);
    assert.equal(r.stdout, `search svc.cluster.local\nnameserver ${DNS_IP}\noptions ndots:2\n`);
    assert.deepEqual((await lookup('custom-dns', 'default', `${APP}.default`))[0].addrs, [webIP]);
  });
});
