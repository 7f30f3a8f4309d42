/**
 * ClusterIPs from inside pods with real containers (issue #9, the ClusterIP half): kube-proxy makes the test's own
 * service range local on this host (`ip route replace local <cidr> dev lo`) and binds each Service port on
 * `<clusterIP>:<port>`; a client pod on the Docker pod network reaches it through its gateway (the host). Checked
 * with the real kubectl exec: TCP and UDP answer from every ready backend pod, ClientIP affinity pins the client,
 * a Service without ready endpoints refuses at once, and a deleted Service's ports close.
 *
 * The range is 10.200.<random>.0/24, so clusters of concurrent test files never bind the same ClusterIP; the test
 * removes the route it caused (kube-proxy leaves it in place on exit).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { requireResource } from '../../api/resources.js';
import { startFullCluster, type FullCluster } from '../support/full-cluster.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';
import { PODS, TESTAPP_IMAGE, dockerContainers, testDeployment, isReady, testPod, waitFor, waitForPod } from '../support/kubelet.js';

const DEPLOYMENTS = requireResource('apps', 'v1', 'deployments');
const SERVICES = requireResource('', 'v1', 'services');
const SERVICE_CIDR = `10.200.${randomInt(256)}.0/24`;
const APP = 'echo';
const UDP_PORT = 9090;

/**
 * Run inside the client pod with `node -e`: `mode host port n` → n lines. tcp: one HTTP GET per new connection
 * (the body, or the error code); udp: one datagram per new socket (the reply, the error code or "timeout");
 * connect: the outcome of one TCP connect and how long it took ("ECONNREFUSED 3").
 */
const CLIENT = `
const [mode, host, port, n] = process.argv.slice(1);
const net = require('net'), dgram = require('dgram'), http = require('http');
const once = (f) => new Promise((res) => { const t = setTimeout(() => res('timeout'), 3000); f((v) => { clearTimeout(t); res(v); }); });
const tcp = () => once((done) => http.get({ host, port, agent: false }, (r) => { let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => done(b)); }).on('error', (e) => done(e.code)));
const udp = (i) => once((done) => { const s = dgram.createSocket('udp4'); s.connect(+port, host, () => s.send('ping ' + i)); s.on('message', (m) => { s.close(); done(m.toString()); }); s.on('error', (e) => { s.close(); done(e.code); }); });
const connect = () => once((done) => { const t0 = Date.now(); const s = net.connect(+port, host); s.on('connect', () => { s.destroy(); done('connected ' + (Date.now() - t0)); }); s.on('error', (e) => done(e.code + ' ' + (Date.now() - t0))); });
(async () => { for (let i = 0; i < +n; i++) console.log(await ({ tcp, udp, connect })[mode](i)); })();
`;

function routeDel(cidr: string): Promise<void> {
  return new Promise((resolve) => execFile('ip', ['route', 'del', 'local', cidr, 'dev', 'lo'], { timeout: 5000 }, () => resolve()));
}

describe('kube-proxy: ClusterIPs from inside pods with real containers', () => {
  let cluster: FullCluster;
  let k: Kubectl;

  /** Runs the CLIENT script in the client pod through kubectl exec; its output lines. */
  async function fromPod(mode: 'tcp' | 'udp' | 'connect', host: string, port: number, n: number): Promise<string[]> {
    const r = await k.run(['exec', 'client', '--', 'node', '-e', CLIENT, mode, host, String(port), String(n)], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, `kubectl exec failed: ${r.stderr}`);
    return r.stdout.trim().split('\n');
  }
  async function clusterIP(name: string): Promise<string> {
    const ip = (await cluster.rest.get<Service>(SERVICES, 'default', name)).spec?.clusterIP;
    assert.ok(ip, `Service ${name} has a ClusterIP`);
    return ip;
  }
  async function readyPodNames(): Promise<string[]> {
    const list = await cluster.rest.list<Pod>(PODS, 'default', { labelSelector: `app=${APP}` });
    return list.items.filter((p) => !p.metadata?.deletionTimestamp && isReady(p)).map((p) => p.metadata?.name ?? '').sort();
  }
  const podOf = (line: string): string => line.split(' ')[0];

  before(async () => {
    cluster = await startFullCluster({ nodes: ['node-1'], proxyBindAddress: '127.0.0.1', serviceCIDR: SERVICE_CIDR });
    k = kubectlFor(cluster.cluster.url);
    const deployment = testDeployment(APP, 2, {
      args: ['serve', `--udp-port=${UDP_PORT}`],
      ports: [{ name: 'http', containerPort: 8080 }, { name: 'echo', containerPort: UDP_PORT, protocol: 'UDP' }],
    });
    await cluster.rest.create(DEPLOYMENTS, 'default', deployment);
    await cluster.rest.create(SERVICES, 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: APP },
      spec: {
        selector: { app: APP },
        ports: [
          { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
          { name: 'echo', port: 53, targetPort: UDP_PORT, protocol: 'UDP' },
        ],
      },
    });
    await cluster.rest.create(PODS, 'default', testPod('client', 'node-1', { containers: [{ name: 'app', image: TESTAPP_IMAGE, args: ['sleep', '3600'] }] }));
    await waitForPod(cluster.rest, 'client', 'running', (p) => p.status?.phase === 'Running', 60_000);
    await waitFor('2 ready backend pods', async () => (await readyPodNames()).length === 2, 90_000);
  });
  after(async () => {
    const name = cluster?.clusterName;
    await cluster?.stop();
    await routeDel(SERVICE_CIDR);
    if (name) assert.deepEqual(await dockerContainers(name), [], 'no container of the test cluster is left');
  });

  test('the ClusterIP is allocated from the test range and the kubernetes Service has its first address', async () => {
    const ip = await clusterIP(APP);
    const prefix = SERVICE_CIDR.split('.').slice(0, 3).join('.');
    assert.ok(ip.startsWith(`${prefix}.`), `${ip} in ${SERVICE_CIDR}`);
    assert.equal((await cluster.rest.get<Service>(SERVICES, 'default', 'kubernetes')).spec?.clusterIP, `${prefix}.1`);
  });

  test('TCP: <clusterIP>:<port> from a pod answers from every ready backend, round-robin', async () => {
    const ip = await clusterIP(APP);
    const names = await readyPodNames();
    const got = await waitFor('answers from both pods over the ClusterIP', async () => {
      const lines = await fromPod('tcp', ip, 80, 6);
      return lines.length === 6 && new Set(lines).size === 2 ? lines : undefined;
    }, 30_000);
    assert.deepEqual([...new Set(got)].sort(), names);
    for (let i = 1; i < got.length; i++) assert.notEqual(got[i], got[i - 1], `round-robin: ${got.join(' ')}`);
  });

  test('UDP: datagrams to <clusterIP>:<port> reach every ready backend; replies come back to the pod', async () => {
    const ip = await clusterIP(APP);
    const names = await readyPodNames();
    const lines = await waitFor('UDP answers from both pods', async () => {
      const out = await fromPod('udp', ip, 53, 6);
      return out.every((l) => / ping \d$/.test(l)) && new Set(out.map(podOf)).size === 2 ? out : undefined;
    }, 30_000);
    assert.deepEqual([...new Set(lines.map(podOf))].sort(), names);
    lines.forEach((l, i) => assert.match(l, new RegExp(` ping ${i}$`), 'each reply answers its own datagram'));
  });

  test('ClientIP session affinity pins the client pod to one backend (TCP and UDP)', async () => {
    await cluster.rest.patch(SERVICES, 'default', APP, 'merge', { spec: { sessionAffinity: 'ClientIP' } });
    const ip = await clusterIP(APP);
    await waitFor('affinity in effect', async () => new Set(await fromPod('tcp', ip, 80, 4)).size === 1, 15_000);
    assert.equal(new Set(await fromPod('tcp', ip, 80, 8)).size, 1, 'every connection from the client pod reached one pod');
    assert.equal(new Set((await fromPod('udp', ip, 53, 6)).map(podOf)).size, 1, 'every UDP session of the client pod reached one pod');
    await cluster.rest.patch(SERVICES, 'default', APP, 'merge', { spec: { sessionAffinity: 'None' } });
    await waitFor('balancing again', async () => new Set(await fromPod('tcp', ip, 80, 4)).size === 2, 15_000);
  });

  test('a Service without ready endpoints refuses TCP at once and UDP gets port unreachable', async () => {
    await cluster.rest.create(SERVICES, 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'nobody' },
      spec: { selector: { app: 'nobody' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'echo', port: 53, targetPort: UDP_PORT, protocol: 'UDP' }] },
    });
    const ip = await clusterIP('nobody');
    for (const line of await fromPod('connect', ip, 80, 3)) {
      const [outcome, ms] = line.split(' ');
      assert.equal(outcome, 'ECONNREFUSED', line);
      assert.ok(Number(ms) < 500, `refused after ${ms} ms`);
    }
    assert.deepEqual(await fromPod('udp', ip, 53, 2), ['ECONNREFUSED', 'ECONNREFUSED']);
  });

  test('deleting the Service closes its ClusterIP ports', async () => {
    const ip = await clusterIP(APP);
    assert.match((await fromPod('connect', ip, 80, 1))[0], /^connected /);
    await cluster.rest.delete(SERVICES, 'default', APP);
    await waitFor('the ClusterIP port to close', async () => (await fromPod('connect', ip, 80, 1))[0].startsWith('ECONNREFUSED'), 10_000);
    assert.deepEqual(await fromPod('udp', ip, 53, 1), ['ECONNREFUSED']);
  });
});
