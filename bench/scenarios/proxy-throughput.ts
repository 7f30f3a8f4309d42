import net from 'node:net';
import type { Scenario } from '../types.js';
import { metric, percentile, median } from '../metrics.js';
import { startBenchCluster } from '../support/cluster.js';
import { createNetwork, ensureNodeBase, removeByLabel, runContainer } from '../support/containers.js';
import { startProxyProcess } from '../support/proxy-process.js';

const LABEL = 'bench-proxy';
const NETWORK = 'kubemu-bench-proxy';
const PORT = 8080;
/** A tiny backend: "BULK n" streams n bytes; "PING" lines are answered with the backend's name. */
const BACKEND = `const net=require('net');const name=require('os').hostname();net.createServer(s=>{s.setNoDelay(true);let buf='';s.on('data',d=>{buf+=d;let i;while((i=buf.indexOf('\\n'))>=0){const line=buf.slice(0,i);buf=buf.slice(i+1);if(line.startsWith('BULK ')){let left=Number(line.slice(5));const chunk=Buffer.alloc(65536,120);const pump=()=>{while(left>0){const n=Math.min(left,chunk.length);left-=n;if(!s.write(n===chunk.length?chunk:chunk.subarray(0,n)))return s.once('drain',pump);}s.end();};pump();}else s.write(name+'\\n');}});s.on('error',()=>{});}).listen(${PORT});`;

export const proxyThroughput: Scenario = {
  name: 'proxy-throughput',
  description: 'kube-proxy NodePort vs direct pod-IP: bulk throughput, small request latency, programming latency',
  timeoutMs: 150_000,
  async run(ctx) {
    const image = await ensureNodeBase();
    await createNetwork(NETWORK, LABEL);
    ctx.defer(() => removeByLabel(LABEL, NETWORK));
    const a = await runContainer(NETWORK, image, ['node', '-e', BACKEND], LABEL);
    const b = await runContainer(NETWORK, image, ['node', '-e', BACKEND], LABEL);
    await Promise.all([a, b].map((c) => waitConnect(c.ip, PORT)));
    const cluster = await startBenchCluster(ctx.log);
    ctx.defer(() => cluster.stop());
    const send = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const r = await cluster.http.request(method, path, body === undefined ? undefined : JSON.stringify(body));
      if (r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status}: ${r.body.slice(0, 300)}`);
      return JSON.parse(r.body) as T;
    };
    const svc = await send<{ spec: { ports: { nodePort: number }[] } }>('POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 'bench' },
      spec: { type: 'NodePort', ports: [{ name: 'tcp', port: 80, targetPort: PORT }] },
    });
    const nodePort = svc.spec.ports[0].nodePort;
    const slice = (ips: string[]) => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'bench-1', labels: { 'kubernetes.io/service-name': 'bench' } },
      addressType: 'IPv4',
      ports: [{ name: 'tcp', port: PORT, protocol: 'TCP' }],
      endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    });
    await send('POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', slice([a.ip]));
    const proxy = await startProxyProcess(cluster.api.url);
    ctx.defer(() => proxy.stop());
    await waitConnect('127.0.0.1', nodePort);

    // bulk throughput: one stream of 128 MiB, 3 runs each way, alternating
    const bulkBytes = ctx.scale(128 * 1024 * 1024);
    const direct: number[] = [];
    const viaProxy: number[] = [];
    for (let i = 0; i < 3; i++) {
      direct.push(await bulk(a.ip, PORT, bulkBytes));
      viaProxy.push(await bulk('127.0.0.1', nodePort, bulkBytes));
    }
    // small request/response on one connection
    const n = ctx.scale(3000);
    const rttDirect = await pingPong(a.ip, PORT, n);
    const rttProxy = await pingPong('127.0.0.1', nodePort, n);

    // programming latency: switch the slice between backends; time until new connections follow
    const prog: number[] = [];
    let current = a;
    for (let i = 0; i < ctx.scale(30); i++) {
      const next = current === a ? b : a;
      const body = slice([next.ip]);
      await send('PUT', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/bench-1', body);
      const tWritten = performance.now();
      const want = await nameOf(next.ip);
      for (;;) {
        const got = await nameOf('127.0.0.1', nodePort).catch(() => '');
        if (got === want) break;
        if (performance.now() - tWritten > 5000) throw new Error('kube-proxy did not follow an EndpointSlice change within 5 s');
      }
      prog.push(performance.now() - tWritten);
      current = next;
    }
    const mib = (bps: number) => bps / (1024 * 1024);
    return {
      metrics: [
        metric({ name: 'bulk throughput via NodePort', unit: 'MiB/s', value: mib(median(viaProxy)), baseline: mib(median(direct)), baselineLabel: 'direct to pod IP', target: { of: 'ratio', op: '>=', threshold: 0.7 } }),
        metric({ name: 'request/response p50 added latency', unit: 'ms', value: percentile(rttProxy, 50) - percentile(rttDirect, 50), target: { of: 'value', op: '<=', threshold: 0.3 } }),
        metric({ name: 'request/response p50 via NodePort', unit: 'ms', value: percentile(rttProxy, 50), baseline: percentile(rttDirect, 50), baselineLabel: 'direct to pod IP' }),
        metric({ name: 'request/response p99 via NodePort', unit: 'ms', value: percentile(rttProxy, 99), baseline: percentile(rttDirect, 99), baselineLabel: 'direct to pod IP' }),
        metric({ name: 'network programming latency p50', unit: 'ms', value: percentile(prog, 50) }),
        metric({ name: 'network programming latency p99', unit: 'ms', value: percentile(prog, 99), target: { of: 'value', op: '<', threshold: 300 } }),
      ],
      details: { bulkBytes, roundTrips: n, programmingSamples: prog.length },
    };
  },
};

async function waitConnect(host: string, port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing answers on ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** bytes per second of one BULK download */
function bulk(host: string, port: number, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let got = 0;
    const s = net.connect(port, host, () => s.write(`BULK ${bytes}\n`));
    s.on('data', (d: Buffer) => (got += d.length));
    s.on('end', () => (got === bytes ? resolve(bytes / ((performance.now() - t0) / 1000)) : reject(new Error(`short read ${got}/${bytes}`))));
    s.on('error', reject);
  });
}

/** round-trip times (ms) of n PING lines on one connection */
function pingPong(host: string, port: number, n: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const rtts: number[] = [];
    let t0 = 0;
    let buf = '';
    const s = net.connect(port, host, () => {
      s.setNoDelay(true);
      t0 = performance.now();
      s.write('PING\n');
    });
    s.on('data', (d: Buffer) => {
      buf += d.toString();
      while (buf.includes('\n')) {
        buf = buf.slice(buf.indexOf('\n') + 1);
        rtts.push(performance.now() - t0);
        if (rtts.length >= n) {
          s.destroy();
          return resolve(rtts);
        }
        t0 = performance.now();
        s.write('PING\n');
      }
    });
    s.on('error', reject);
  });
}

function nameOf(host: string, port = PORT): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host, () => s.write('PING\n'));
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) {
        s.destroy();
        resolve(buf.trim());
      }
    });
    s.on('error', reject);
  });
}
