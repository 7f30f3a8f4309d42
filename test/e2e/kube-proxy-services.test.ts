/**
 * kube-proxy with real containers (issue #7 acceptance): a 3-replica Deployment of the test app behind a NodePort
 * Service answers from every pod (by pod name) on 127.0.0.1:<nodePort>, follows scaling and readiness, pins a
 * client with ClientIP affinity, serves a LoadBalancer port, comes back quickly after a kube-proxy restart, and
 * refuses connections at once when a Service has no ready endpoints.
 *
 * Ports: NodePorts are chosen explicitly in 32000–32699 and the LoadBalancer port in 23000–23699 (random base per
 * run), away from the api-server's random allocations and the compose cluster's 30080, since other test files run
 * concurrently on the same host.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { requireResource } from '../../api/resources.js';
import { startFullCluster, type FullCluster } from '../support/full-cluster.js';
import { PODS, dockerContainers, testDeployment, isReady, waitFor } from '../support/kubelet.js';

const DEPLOYMENTS = requireResource('apps', 'v1', 'deployments');
const SERVICES = requireResource('', 'v1', 'services');
const SLICES = requireResource('discovery.k8s.io', 'v1', 'endpointslices');

const APP = 'web';
const base = 32000 + Math.floor(Math.random() * 140) * 5;
const PORTS = { web: base, sticky: base + 1, lbNode: base + 2, none: base + 3 };
const LB_PORT = 23000 + Math.floor(Math.random() * 700);

/** One HTTP GET on a fresh connection (no keep-alive: every request is a new connection kube-proxy balances). */
function get(port: number, urlPath = '/', host = '127.0.0.1', timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: urlPath, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${host}:${port}${urlPath}: HTTP ${res.statusCode}: ${body}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${host}:${port}${urlPath}: no answer within ${timeoutMs}ms`)));
    req.on('error', reject);
  });
}

/** `n` sequential requests to the NodePort; the pod names that answered, in order. */
async function answers(port: number, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await get(port));
  return out;
}

/** Outcome of one TCP connect to 127.0.0.1:port: 'connected', an errno code, or 'TIMEOUT'; with its duration. */
function connectOutcome(port: number, timeoutMs = 3000): Promise<{ outcome: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const s = net.connect({ host: '127.0.0.1', port });
    const finish = (outcome: string): void => {
      s.destroy();
      resolve({ outcome, ms: performance.now() - t0 });
    };
    s.setTimeout(timeoutMs, () => finish('TIMEOUT'));
    s.once('connect', () => finish('connected'));
    s.once('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
  });
}

/**
 * Sends `GET /sleep?ms=<ms>` (HTTP/1.0: the server closes after answering) on a new connection; resolves once
 * connected, with the promise of the whole raw response (wrapped: awaiting a promise of a promise would wait for both).
 */
function slowRequest(port: number, ms: number): Promise<{ response: Promise<string> }> {
  return new Promise((resolveConnected, rejectConnected) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let raw = '';
    const response = new Promise<string>((resolve, reject) => {
      s.setEncoding('utf8');
      s.on('data', (d: string) => (raw += d));
      s.once('end', () => resolve(raw));
      s.once('error', reject);
      s.setTimeout(ms + 5000, () => s.destroy(new Error(`no complete answer within ${ms + 5000}ms: ${raw}`)));
    });
    s.once('connect', () => {
      s.write(`GET /sleep?ms=${ms} HTTP/1.0\r\n\r\n`);
      resolveConnected({ response });
    });
    s.once('error', rejectConnected);
  });
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && existsSync(path.join(d, bin)));
}

function curl(url: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-sS', '--fail', '--max-time', '5', url], { timeout: 10_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`curl ${url}: ${stderr || err.message}`)) : resolve(stdout),
    ),
  );
}

function sameSet(a: Iterable<string>, b: Iterable<string>): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

function nodePortService(name: string, nodePort: number, extra: Partial<NonNullable<Service['spec']>> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { type: 'NodePort', selector: { app: APP }, ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort }], ...extra },
  };
}

describe('kube-proxy: Services on the host with real containers', () => {
  let cluster: FullCluster;

  /** Running, ready, not terminating pods of the Deployment, by name. */
  async function readyPods(): Promise<Pod[]> {
    const list = await cluster.rest.list<Pod>(PODS, 'default', { labelSelector: `app=${APP}` });
    return list.items.filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase === 'Running' && isReady(p));
  }
  async function livePods(): Promise<Pod[]> {
    const list = await cluster.rest.list<Pod>(PODS, 'default', { labelSelector: `app=${APP}` });
    return list.items.filter((p) => !p.metadata?.deletionTimestamp);
  }
  async function scale(replicas: number): Promise<void> {
    await cluster.rest.patch(DEPLOYMENTS, 'default', APP, 'merge', { spec: { replicas } });
  }
  /** Waits until `n` pods are ready and 3·n requests on `port` answer from exactly those pods; returns their names. */
  async function waitAnsweredByAll(port: number, n: number, timeoutMs = 60_000): Promise<string[]> {
    return waitFor(`${n} ready pods answering on ${port}`, async () => {
      const pods = await readyPods();
      if (pods.length !== n) return undefined;
      const names = pods.map((p) => p.metadata?.name ?? '');
      const got = await answers(port, 3 * n);
      return sameSet(got, names) ? names.sort() : undefined;
    }, timeoutMs, 100);
  }

  before(async () => {
    cluster = await startFullCluster({ nodes: ['node-1', 'node-2', 'node-3'], proxyBindAddress: '127.0.0.1' });
    const deployment = testDeployment(APP, 3);
    await cluster.rest.create(DEPLOYMENTS, 'default', deployment);
    await cluster.rest.create(SERVICES, 'default', nodePortService(APP, PORTS.web));
  });
  after(async () => {
    const name = cluster?.clusterName;
    await cluster?.stop();
    if (name) assert.deepEqual(await dockerContainers(name), [], 'no container of the test cluster is left');
  });

  test('a 3-replica Deployment behind a NodePort answers from all three pods (node http and curl)', async (t) => {
    const names = await waitAnsweredByAll(PORTS.web, 3, 90_000);
    assert.equal(new Set(names).size, 3);
    // round-robin over the ready endpoints: 30 new connections, 10 to each pod
    const got = await answers(PORTS.web, 30);
    const counts = new Map<string, number>();
    for (const n of got) counts.set(n, (counts.get(n) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), names);
    for (const [pod, c] of counts) assert.equal(c, 10, `${pod} answered ${c} of 30 requests`);
    if (onPath('curl')) {
      const seen = new Set<string>();
      for (let i = 0; i < 3; i++) seen.add(await curl(`http://localhost:${PORTS.web}/`));
      assert.deepEqual([...seen].sort(), names, 'curl localhost:<nodePort> reaches every pod');
    } else {
      t.diagnostic('curl is not on PATH: checked with node http only');
    }
  });

  test('scale to 1: only the remaining pod answers; back to 3: all three answer again', async (t) => {
    const t0 = Date.now();
    await scale(1);
    const survivor = await waitFor('one live pod', async () => {
      const live = await livePods();
      return live.length === 1 ? live[0].metadata?.name : undefined;
    }, 30_000, 100);
    await waitFor(`only ${survivor} answering`, async () => (await answers(PORTS.web, 6)).every((n) => n === survivor), 15_000, 50);
    t.diagnostic(`scale 3→1: only the survivor answers after ${Date.now() - t0} ms`);
    assert.deepEqual(new Set(await answers(PORTS.web, 12)), new Set([survivor]));

    const t1 = Date.now();
    await scale(3);
    const names = await waitAnsweredByAll(PORTS.web, 3, 60_000);
    t.diagnostic(`scale 1→3: all three answer after ${Date.now() - t1} ms`);
    assert.ok(names.includes(survivor), 'the surviving pod still answers');
  });

  test('a not-ready pod receives no new connections; it does again once ready', async (t) => {
    const pods = await readyPods();
    assert.equal(pods.length, 3);
    const victim = pods[0];
    const victimName = victim.metadata?.name ?? '';
    const others = pods.slice(1).map((p) => p.metadata?.name ?? '');
    const podIP = victim.status?.podIP;
    assert.ok(podIP, 'the pod has an IP');
    assert.equal(await get(8080, '/fail-ready?on=1', podIP), 'fail-ready=true');
    const t0 = Date.now();
    await waitFor(`${victimName} not Ready`, async () => {
      const list = await cluster.rest.list<Pod>(PODS, 'default', { labelSelector: `app=${APP}` });
      const p = list.items.find((x) => x.metadata?.name === victimName);
      return p && !isReady(p);
    }, 15_000, 50);
    const tNotReady = Date.now() - t0;
    await waitFor(`${victimName} out of the answers`, async () => !(await answers(PORTS.web, 6)).includes(victimName), 10_000, 50);
    t.diagnostic(`readiness failure → pod not Ready after ${tNotReady} ms, no new connections to it after ${Date.now() - t0} ms`);
    const got = await answers(PORTS.web, 20);
    assert.ok(!got.includes(victimName), `the not-ready pod ${victimName} got a connection`);
    assert.deepEqual([...new Set(got)].sort(), others.sort(), 'the ready pods keep answering');
    // it is still running and serving when asked directly: only kube-proxy stopped sending to it
    assert.equal(await get(8080, '/', podIP), victimName);

    assert.equal(await get(8080, '/fail-ready?on=0', podIP), 'fail-ready=false');
    const names = await waitAnsweredByAll(PORTS.web, 3, 20_000);
    assert.ok(names.includes(victimName), 'the pod answers again once ready');
  });

  test('sessionAffinity ClientIP pins the client to one pod', async () => {
    await cluster.rest.create(SERVICES, 'default', nodePortService('web-sticky', PORTS.sticky, { sessionAffinity: 'ClientIP' }));
    const all = (await readyPods()).map((p) => p.metadata?.name ?? '');
    const first = await waitFor('the sticky Service answering', async () => get(PORTS.sticky), 10_000, 50);
    assert.ok(all.includes(first));
    const got = await answers(PORTS.sticky, 30);
    assert.deepEqual(new Set(got), new Set([first]), 'every connection from 127.0.0.1 reached the same pod');
    // the plain Service still spreads the same client over every pod
    assert.equal(new Set(await answers(PORTS.web, 9)).size, 3);
  });

  test('a LoadBalancer Service gets ingress 127.0.0.1 and answers on its port', async () => {
    const svc: Service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web-lb' },
      spec: { type: 'LoadBalancer', selector: { app: APP }, ports: [{ name: 'http', port: LB_PORT, targetPort: 8080, nodePort: PORTS.lbNode }] },
    };
    await cluster.rest.create(SERVICES, 'default', svc);
    const ingress = await waitFor('status.loadBalancer.ingress', async () => {
      const s = await cluster.rest.get<Service>(SERVICES, 'default', 'web-lb');
      return s.status?.loadBalancer?.ingress?.[0];
    }, 10_000, 50);
    assert.equal(ingress.ip, '127.0.0.1');
    const all = (await readyPods()).map((p) => p.metadata?.name ?? '');
    await waitFor(`127.0.0.1:${LB_PORT} answering`, async () => get(LB_PORT), 10_000, 50);
    assert.deepEqual([...new Set(await answers(LB_PORT, 9))].sort(), all.sort(), 'the LoadBalancer port balances over every pod');
    assert.ok(all.includes(await get(PORTS.lbNode)), 'its NodePort answers too');
  });

  test('kube-proxy restart: every listener is restored from the API within seconds', async (t) => {
    const ports = [PORTS.web, PORTS.sticky, PORTS.lbNode, LB_PORT];
    await cluster.stopKubeProxy();
    for (const p of ports) assert.equal((await connectOutcome(p)).outcome, 'ECONNREFUSED', `port ${p} is closed while kube-proxy is down`);
    const t0 = performance.now();
    await cluster.startKubeProxy();
    await waitFor('every port answering again', async () => {
      for (const p of ports) await get(p, '/', '127.0.0.1', 1000);
      return true;
    }, 10_000, 10);
    const ms = performance.now() - t0;
    t.diagnostic(`kube-proxy restart: all ${ports.length} listeners answering ${ms.toFixed(0)} ms after start`);
    assert.ok(ms < 3000, `listeners restored in ${ms.toFixed(0)} ms (want about 2 s at most)`);
    assert.equal(new Set(await answers(PORTS.web, 9)).size, 3);
  });

  test('a Service without ready endpoints refuses connections at once', async (t) => {
    await cluster.rest.create(SERVICES, 'default', nodePortService('web-none', PORTS.none, { selector: { app: 'nobody' } }));
    // the EndpointSlice controller has written an (empty) slice and kube-proxy has seen the Service
    await waitFor('an EndpointSlice for web-none', async () => {
      const l = await cluster.rest.list<EndpointSlice>(SLICES, 'default', { labelSelector: 'kubernetes.io/service-name=web-none' });
      return l.items.length > 0;
    }, 10_000, 50);
    await waitFor('kube-proxy synced', async () => cluster.kubeProxy()?.isSynced(), 10_000, 50);
    for (let i = 0; i < 3; i++) {
      const r = await connectOutcome(PORTS.none);
      assert.equal(r.outcome, 'ECONNREFUSED');
      assert.ok(r.ms < 500, `refused after ${r.ms.toFixed(0)} ms`);
    }
    // serving, then its endpoints go away while a slow request is in flight: new connections are refused at
    // once, the open connection finishes, and kube-proxy keeps programming changes meanwhile
    const select = (app: string) => cluster.rest.patch(SERVICES, 'default', 'web-none', 'merge', { spec: { selector: { app } } });
    await select(APP);
    await waitFor('web-none answering', async () => get(PORTS.none), 10_000, 50);
    const slow = await slowRequest(PORTS.none, 6000);
    await select('nobody');
    await waitFor('web-none refusing', async () => (await connectOutcome(PORTS.none)).outcome === 'ECONNREFUSED', 5000, 20);
    for (let i = 0; i < 3; i++) {
      const r = await connectOutcome(PORTS.none);
      assert.equal(r.outcome, 'ECONNREFUSED');
      assert.ok(r.ms < 500, `refused after ${r.ms.toFixed(0)} ms`);
    }
    const t0 = performance.now();
    await select(APP);
    await waitFor('web-none answering again while the slow request is open', async () => get(PORTS.none), 3000, 20);
    t.diagnostic(`endpoints back → answering after ${(performance.now() - t0).toFixed(0)} ms, with a connection still open`);
    assert.match(await slow.response, /^HTTP\/1\.1 200 [^]*\r\n\r\nslept 6000ms$/, 'the open connection finished');
    await select('nobody');
    await waitFor('web-none refusing', async () => (await connectOutcome(PORTS.none)).outcome === 'ECONNREFUSED', 5000, 20);
  });
});
