import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import type { Scenario } from '../types.js';
import { metric, median, percentile } from '../metrics.js';
import { startBenchCluster } from '../support/cluster.js';
import { createNetwork, docker, ensureNodeBase, removeByLabel, runContainer } from '../support/containers.js';
import { startProxyProcess } from '../support/proxy-process.js';
import { sleep } from '../support/pool.js';

const LABEL = 'bench-clusterip';
const NETWORK = 'kubemu-bench-clusterip';
const TCP_PORT = 8080;
const UDP_PORT = 9053;

/** The backend pod: TCP "BULK n" streams n bytes, "PING" lines are answered with its name; UDP datagrams are echoed. */
const BACKEND = `const net=require('net'),dgram=require('dgram');const name=require('os').hostname();
net.createServer(s=>{s.setNoDelay(true);let buf='';s.on('data',d=>{buf+=d;let i;while((i=buf.indexOf('\\n'))>=0){const line=buf.slice(0,i);buf=buf.slice(i+1);if(line.startsWith('BULK ')){let left=Number(line.slice(5));const chunk=Buffer.alloc(65536,120);const pump=()=>{while(left>0){const n=Math.min(left,chunk.length);left-=n;if(!s.write(n===chunk.length?chunk:chunk.subarray(0,n)))return s.once('drain',pump);}s.end();};pump();}else s.write(name+'\\n');}});s.on('error',()=>{});}).listen(${TCP_PORT});
const u=dgram.createSocket('udp4');u.on('message',(m,r)=>u.send(m,r.port,r.address));u.bind(${UDP_PORT});`;

/**
 * The client pod's measurement, run with `node -e` inside its container; argv[1] is a JSON plan. Direct and
 * ClusterIP runs alternate; prints one JSON object with the raw samples (seconds are turned into ms).
 */
const CLIENT = `const net=require('net'),dgram=require('dgram');const plan=JSON.parse(process.argv[1]);const now=()=>performance.now();
const bulk=(t,bytes)=>new Promise((res,rej)=>{const t0=now();let got=0;const s=net.connect(t.tcp,t.host,()=>s.write('BULK '+bytes+'\\n'));s.on('data',d=>got+=d.length);s.on('end',()=>got===bytes?res(bytes/((now()-t0)/1000)):rej(new Error('short read '+got)));s.on('error',rej);});
const pingPong=(t,n)=>new Promise((res,rej)=>{const r=[];let t0=0,buf='';const s=net.connect(t.tcp,t.host,()=>{s.setNoDelay(true);t0=now();s.write('PING\\n');});s.on('data',d=>{buf+=d;while(buf.includes('\\n')){buf=buf.slice(buf.indexOf('\\n')+1);r.push(now()-t0);if(r.length>=n){s.destroy();return res(r);}t0=now();s.write('PING\\n');}});s.on('error',rej);});
const newConn=async(t,n)=>{const r=[];for(let i=0;i<n;i++)r.push(await new Promise((res,rej)=>{const t0=now();const s=net.connect(t.tcp,t.host,()=>{s.setNoDelay(true);s.write('PING\\n');});s.once('data',()=>{res(now()-t0);s.destroy();});s.on('error',rej);}));return r;};
const udpQuery=(t,s)=>new Promise((res)=>{const t0=now();const to=setTimeout(()=>{s.off('message',on);res(-1);},1000);const on=()=>{clearTimeout(to);s.off('message',on);res(now()-t0);};s.on('message',on);s.send('q');});
const connected=(t)=>new Promise((res,rej)=>{const s=dgram.createSocket('udp4');s.on('error',rej);s.connect(t.udp,t.host,()=>res(s));});
const udpPingPong=async(t,n)=>{const s=await connected(t);const r=[];let lost=0;while(r.length<n){const v=await udpQuery(t,s);if(v<0)lost++;else r.push(v);if(lost>n)break;}s.close();return {r,lost};};
const udpNewSocket=async(t,n)=>{const r=[];let lost=0;for(let i=0;i<n;i++){const s=await connected(t);const v=await udpQuery(t,s);s.close();if(v<0)lost++;else r.push(v);}return {r,lost};};
(async()=>{const out={};const both=async(name,f)=>{for(const k of ['direct','clusterIP']){out[name]??={};out[name][k]=await f(plan[k]);}};
await both('warmup',t=>pingPong(t,200));
for(let i=0;i<plan.runs;i++)await both('bulk'+i,t=>bulk(t,plan.bulkBytes));
await both('rtt',t=>pingPong(t,plan.n));
await both('newConn',t=>newConn(t,plan.nNew));
await both('udp',t=>udpPingPong(t,plan.n));
await both('udpNew',t=>udpNewSocket(t,plan.nNew));
delete out.warmup;console.log(JSON.stringify(out));})().catch(e=>{console.error(e.stack);process.exit(1);});`;

interface Target {
  host: string;
  tcp: number;
  udp: number;
}
type Pair<T> = { direct: T; clusterIP: T };
interface Samples {
  rtt: Pair<number[]>;
  newConn: Pair<number[]>;
  udp: Pair<{ r: number[]; lost: number }>;
  udpNew: Pair<{ r: number[]; lost: number }>;
  [bulk: `bulk${number}`]: Pair<number>;
}

function routeDel(cidr: string): Promise<void> {
  return new Promise((resolve) => execFile('ip', ['route', 'del', 'local', cidr, 'dev', 'lo'], { timeout: 5000 }, () => resolve()));
}

/**
 * ClusterIP vs direct pod-IP, both measured from inside a client container on the pod network in the same run:
 * bulk TCP throughput, small TCP request/response on one connection, a new TCP connection per request, UDP
 * request/response on one socket and with a new socket per query (as DNS clients do). kube-proxy runs as its
 * own process serving ClusterIPs of a range of the bench's own (10.201.<random>.0/24; the route is removed
 * afterwards); one backend, so both paths reach the same container.
 */
export const clusteripThroughput: Scenario = {
  name: 'clusterip-throughput',
  description: 'ClusterIP vs direct pod-IP from inside a pod container: TCP bulk, TCP and UDP request/response, new connections',
  timeoutMs: 240_000,
  async run(ctx) {
    const image = await ensureNodeBase();
    await createNetwork(NETWORK, LABEL);
    ctx.defer(() => removeByLabel(LABEL, NETWORK));
    const backend = await runContainer(NETWORK, image, ['node', '-e', BACKEND], LABEL);
    const client = await runContainer(NETWORK, image, ['node', '-e', 'setInterval(() => {}, 1 << 30)'], LABEL);
    const serviceCIDR = `10.201.${randomInt(256)}.0/24`;
    const cluster = await startBenchCluster(ctx.log, 32, ['--service-cluster-ip-range', serviceCIDR]);
    ctx.defer(() => cluster.stop());
    const send = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const r = await cluster.http.request(method, path, body === undefined ? undefined : JSON.stringify(body));
      if (r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status}: ${r.body.slice(0, 300)}`);
      return JSON.parse(r.body) as T;
    };
    const svc = await send<{ spec: { clusterIP: string } }>('POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 'bench' },
      spec: { ports: [{ name: 'tcp', port: 80, targetPort: TCP_PORT }, { name: 'udp', port: 53, targetPort: UDP_PORT, protocol: 'UDP' }] },
    });
    await send('POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'bench-1', labels: { 'kubernetes.io/service-name': 'bench' } },
      addressType: 'IPv4',
      ports: [{ name: 'tcp', port: TCP_PORT, protocol: 'TCP' }, { name: 'udp', port: UDP_PORT, protocol: 'UDP' }],
      endpoints: [{ addresses: [backend.ip], conditions: { ready: true } }],
    });
    ctx.defer(() => routeDel(serviceCIDR)); // runs after the proxy has stopped (deferred work runs last-in first-out)
    const proxy = await startProxyProcess(cluster.api.url, { serviceCIDR });
    ctx.defer(() => proxy.stop());

    const direct: Target = { host: backend.ip, tcp: TCP_PORT, udp: UDP_PORT };
    const clusterIP: Target = { host: svc.spec.clusterIP, tcp: 80, udp: 53 };
    const exec = (script: string, arg: string) => docker(['exec', client.id, 'node', '-e', script, arg]);
    const probe = `require('net').connect(+process.argv[2],process.argv[1]).on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ok = await docker(['exec', client.id, 'node', '-e', probe, clusterIP.host, String(clusterIP.tcp)]).then(() => true, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`${clusterIP.host}:${clusterIP.tcp} does not answer from the client container`);
      await sleep(200);
    }

    const plan = { direct, clusterIP, runs: 3, bulkBytes: ctx.scale(128 * 1024 * 1024), n: ctx.scale(3000), nNew: ctx.scale(500) };
    const s = JSON.parse(await exec(CLIENT, JSON.stringify(plan))) as Samples;
    const bulk = (k: 'direct' | 'clusterIP') => Array.from({ length: plan.runs }, (_, i) => s[`bulk${i}`][k]);
    const mib = (bps: number) => bps / (1024 * 1024);
    const pair = (name: string, p: Pair<number[]>, q: number, unit = 'ms') =>
      metric({ name, unit, value: percentile(p.clusterIP, q), baseline: percentile(p.direct, q), baselineLabel: 'direct to pod IP' });
    return {
      metrics: [
        metric({ name: 'bulk TCP throughput via ClusterIP', unit: 'MiB/s', value: mib(median(bulk('clusterIP'))), baseline: mib(median(bulk('direct'))), baselineLabel: 'direct to pod IP', target: { of: 'ratio', op: '>=', threshold: 0.7 } }),
        pair('TCP request/response p50 via ClusterIP', s.rtt, 50),
        pair('TCP request/response p99 via ClusterIP', s.rtt, 99),
        metric({ name: 'TCP request/response p50 added latency', unit: 'ms', value: percentile(s.rtt.clusterIP, 50) - percentile(s.rtt.direct, 50) }),
        pair('new TCP connection + request p50 via ClusterIP', s.newConn, 50),
        pair('UDP request/response p50 via ClusterIP', { direct: s.udp.direct.r, clusterIP: s.udp.clusterIP.r }, 50),
        pair('UDP request/response p99 via ClusterIP', { direct: s.udp.direct.r, clusterIP: s.udp.clusterIP.r }, 99),
        pair('UDP query on a new socket p50 via ClusterIP', { direct: s.udpNew.direct.r, clusterIP: s.udpNew.clusterIP.r }, 50),
      ],
      details: {
        serviceCIDR,
        clusterIP: clusterIP.host,
        bulkBytes: plan.bulkBytes,
        bulkMiBps: { direct: bulk('direct').map(mib), clusterIP: bulk('clusterIP').map(mib) },
        roundTrips: plan.n,
        newConnections: plan.nNew,
        udpLost: { direct: s.udp.direct.lost + s.udpNew.direct.lost, clusterIP: s.udp.clusterIP.lost + s.udpNew.clusterIP.lost },
      },
    };
  },
};
