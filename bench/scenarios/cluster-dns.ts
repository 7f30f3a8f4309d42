import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../types.js';
import { metric, percentile } from '../metrics.js';
import { componentNodeArgs } from '../support/api-process.js';
import { startBenchCluster } from '../support/cluster.js';
import { createNetwork, docker, ensureNodeBase, removeByLabel, runContainer } from '../support/containers.js';
import { sleep } from '../support/pool.js';
import { startProxyProcess } from '../support/proxy-process.js';

const LABEL = 'bench-cluster-dns';
const NETWORK = 'kubemu-bench-cluster-dns';
const SERVICES = 50;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DNS_MAIN = path.join(repoRoot, 'dist/cluster-dns/main.js');

/** The baseline: a dns-packet UDP server answering every query with one fixed A record. Prints its port. */
const ECHO = `const d=require('dns-packet'),u=require('dgram').createSocket('udp4');
u.on('message',(m,r)=>{const q=d.decode(m);u.send(d.encode({type:'response',id:q.id,flags:d.RECURSION_AVAILABLE|d.AUTHORITATIVE_ANSWER,questions:q.questions,answers:[{name:q.questions[0].name,type:'A',ttl:5,data:'10.0.0.1'}]}),r.port,r.address);});
u.bind(0,process.argv[1],()=>console.log(u.address().port));`;

/**
 * The load generator (no dependencies: it also runs in a container with only node): A queries for the plan's
 * names over one UDP socket with \`concurrency\` queries in flight; prints {ms, lat (per query, ms), lost, bad}.
 */
const CLIENT = `const dgram=require('dgram');const p=JSON.parse(process.argv[1]);const now=()=>performance.now();
const enc=(id,name)=>{const parts=name.split('.');const b=Buffer.alloc(12+parts.reduce((n,l)=>n+l.length+1,0)+5);b.writeUInt16BE(id,0);b.writeUInt16BE(0x0100,2);b.writeUInt16BE(1,4);let o=12;for(const l of parts){b[o++]=l.length;b.write(l,o);o+=l.length;}b[o++]=0;b.writeUInt16BE(1,o);b.writeUInt16BE(1,o+2);return b;};
const s=dgram.createSocket('udp4');const pending=new Map();const lat=[];let sent=0,done=0,lost=0,bad=0,next=1;const t0=now();
const fire=()=>{if(sent>=p.n)return;sent++;const id=next++&0xffff;const timer=setTimeout(()=>{pending.delete(id);lost++;finish();},1000);pending.set(id,{t:now(),timer});s.send(enc(id,p.names[sent%p.names.length]),p.port,p.host);};
const finish=()=>{done++;if(done>=p.n){s.close();console.log(JSON.stringify({ms:now()-t0,lat,lost,bad}));}else fire();};
s.on('message',(m)=>{const id=m.readUInt16BE(0);const q=pending.get(id);if(!q)return;pending.delete(id);clearTimeout(q.timer);if((m.readUInt16BE(2)&0xf)!==0||m.readUInt16BE(6)<1)bad++;lat.push(now()-q.t);finish();});
s.bind(0,()=>{for(let i=0;i<p.concurrency;i++)fire();});`;

interface Plan {
  host: string;
  port: number;
  names: string[];
  n: number;
  concurrency: number;
}
interface Run {
  ms: number;
  lat: number[];
  lost: number;
  bad: number;
}

function routeDel(cidr: string): Promise<void> {
  return new Promise((resolve) => execFile('ip', ['route', 'del', 'local', cidr, 'dev', 'lo'], { timeout: 5000 }, () => resolve()));
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  child.kill('SIGTERM');
  return new Promise((r) => child.once('exit', () => r()));
}

/** Runs the load generator on the host as its own process. */
function hostClient(plan: Plan): Promise<Run> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['-e', CLIENT, JSON.stringify(plan)], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`load generator failed: ${stderr || err.message}`)) : resolve(JSON.parse(stdout) as Run),
    ),
  );
}

/**
 * Cluster DNS query rate and latency: the cluster-dns process (as deployed) against a trivial dns-packet UDP
 * server in the same run, from the host and from inside a pod container on the pod network — there both directly
 * and through the kube-dns ClusterIP (kube-proxy's UDP forwarding), the path pods take.
 */
export const clusterDns: Scenario = {
  name: 'cluster-dns',
  description: 'cluster DNS queries/s and p99 latency (host and pod; direct and via the kube-dns ClusterIP) beside a trivial dns-packet server',
  timeoutMs: 240_000,
  async run(ctx) {
    const image = await ensureNodeBase();
    await createNetwork(NETWORK, LABEL);
    ctx.defer(() => removeByLabel(LABEL, NETWORK));
    const gateway = await docker(['network', 'inspect', NETWORK, '--format', '{{(index .IPAM.Config 0).Gateway}}']);
    const client = await runContainer(NETWORK, image, ['node', '-e', 'setInterval(() => {}, 1 << 30)'], LABEL);
    const net = `10.203.${randomInt(256)}`;
    const serviceCIDR = `${net}.0/24`;
    const dnsIP = `${net}.10`;
    const cluster = await startBenchCluster(ctx.log, 32, ['--service-cluster-ip-range', serviceCIDR]);
    ctx.defer(() => cluster.stop());
    const send = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
      const r = await cluster.http.request(method, p, body === undefined ? undefined : JSON.stringify(body));
      if (r.status >= 300) throw new Error(`${method} ${p}: HTTP ${r.status}: ${r.body.slice(0, 300)}`);
      return JSON.parse(r.body) as T;
    };
    // the DNS server, as deployed, on the pod network's gateway (reachable from the host and from pods)
    const dns = spawn(
      process.execPath,
      [...componentNodeArgs(), DNS_MAIN, '--server', cluster.api.url, '--bind-address', gateway, '--port', '0', '--health-port', '0', '--health-bind-address', '127.0.0.1',
        '--upstream-nameservers=', '--cluster-dns-ip', dnsIP, '--advertise-address', gateway, '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    ctx.defer(() => stopChild(dns));
    // its log (warnings and errors; pino writes to stdout) explains a failure to start
    let dnsOutput = '';
    const keep = (d: Buffer): void => {
      dnsOutput = (dnsOutput + d.toString()).slice(-4000);
    };
    dns.stdout?.on('data', keep);
    dns.stderr?.on('data', keep);
    const echo = spawn(process.execPath, ['-e', ECHO, gateway], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    ctx.defer(() => stopChild(echo));
    const echoPort = await new Promise<number>((resolve, reject) => {
      echo.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      echo.once('exit', () => reject(new Error('the baseline server exited')));
    });
    // the published EndpointSlice says where it listens once it serves
    let dnsPort = 0;
    for (const deadline = Date.now() + 30_000; !dnsPort; await sleep(100)) {
      if (Date.now() > deadline || dns.exitCode !== null) throw new Error(`cluster-dns did not publish a ready endpoint (exit code ${dns.exitCode}): ${dnsOutput}`);
      const r = await cluster.http.request('GET', '/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices/kube-dns-cluster-dns');
      if (r.status !== 200) continue;
      const slice = JSON.parse(r.body) as { endpoints?: { conditions?: { ready?: boolean } }[]; ports?: { port?: number }[] };
      if (slice.endpoints?.[0]?.conditions?.ready) dnsPort = slice.ports?.[0]?.port ?? 0;
    }
    // after kube-dns took its address: our api-server allocates ClusterIPs anywhere in the range (upstream keeps
    // the lowest addresses for explicit requests), so a Service created first could hold <range>.10
    for (let i = 0; i < SERVICES; i++) {
      await send('POST', '/api/v1/namespaces/default/services', { metadata: { name: `svc-${i}` }, spec: { ports: [{ name: 'http', port: 80 }] } });
    }
    const names = Array.from({ length: SERVICES }, (_, i) => `svc-${i}.default.svc.cluster.local`);
    ctx.defer(() => routeDel(serviceCIDR));
    const proxy = await startProxyProcess(cluster.api.url, { serviceCIDR });
    ctx.defer(() => proxy.stop());

    const n = ctx.scale(20_000);
    const nSerial = ctx.scale(2000);
    const concurrency = 16;
    const podClient = async (plan: Plan): Promise<Run> => JSON.parse(await docker(['exec', client.id, 'node', '-e', CLIENT, JSON.stringify(plan)])) as Run;
    const plan = (host: string, port: number, count = n, inFlight = concurrency): Plan => ({ host, port, names, n: count, concurrency: inFlight });
    // the ClusterIP path is ready once a query through it is answered
    for (const deadline = Date.now() + 20_000; ; await sleep(200)) {
      const r = await podClient(plan(dnsIP, 53, 1)).catch(() => undefined);
      if (r && r.lost === 0) break;
      if (Date.now() > deadline) throw new Error(`${dnsIP}:53 does not answer from the pod container`);
    }
    // warm-up, then alternate server and baseline: throughput with 16 queries in flight, latency one at a time
    await hostClient(plan(gateway, dnsPort, 2000));
    await hostClient(plan(gateway, echoPort, 2000));
    await podClient(plan(dnsIP, 53, 2000));
    type Key = 'hostDns' | 'hostEcho' | 'podClusterIP' | 'podDirect' | 'podEcho';
    const targets: Record<Key, [(p: Plan) => Promise<Run>, string, number]> = {
      hostDns: [hostClient, gateway, dnsPort],
      hostEcho: [hostClient, gateway, echoPort],
      podClusterIP: [podClient, dnsIP, 53],
      podDirect: [podClient, gateway, dnsPort],
      podEcho: [podClient, gateway, echoPort],
    };
    const load = {} as Record<Key, Run[]>;
    const serial = {} as Record<Key, Run[]>;
    for (let i = 0; i < 2; i++) {
      for (const [k, [run, host, port]] of Object.entries(targets) as [Key, (typeof targets)[Key]][]) {
        (load[k] ??= []).push(await run(plan(host, port)));
        (serial[k] ??= []).push(await run(plan(host, port, nSerial, 1)));
      }
    }
    const qps = (rs: Run[]): number => Math.max(...rs.map((r) => (r.lat.length / r.ms) * 1000));
    const lat = (rs: Run[], p: number): number => percentile(rs.flatMap((r) => r.lat), p);
    const errors = (k: Key): number => [...load[k], ...serial[k]].reduce((a, r) => a + r.lost + r.bad, 0);
    const HOST_BASE = 'dns-packet fixed-answer UDP server';
    const POD_BASE = 'dns-packet fixed-answer UDP server, pod → server directly';
    return {
      metrics: [
        metric({ name: 'queries/s from the host (16 in flight)', unit: 'q/s', value: qps(load.hostDns), baseline: qps(load.hostEcho), baselineLabel: HOST_BASE }),
        metric({ name: 'p99 latency from the host (one at a time)', unit: 'ms', value: lat(serial.hostDns, 99), baseline: lat(serial.hostEcho, 99), baselineLabel: HOST_BASE }),
        metric({ name: 'queries/s from a pod via the kube-dns ClusterIP (16 in flight)', unit: 'q/s', value: qps(load.podClusterIP), baseline: qps(load.podEcho), baselineLabel: POD_BASE }),
        metric({ name: 'p50 latency from a pod via the kube-dns ClusterIP (one at a time)', unit: 'ms', value: lat(serial.podClusterIP, 50), baseline: lat(serial.podEcho, 50), baselineLabel: POD_BASE }),
        metric({ name: 'p99 latency from a pod via the kube-dns ClusterIP (one at a time)', unit: 'ms', value: lat(serial.podClusterIP, 99), baseline: lat(serial.podEcho, 99), baselineLabel: POD_BASE }),
        metric({ name: 'p99 latency from a pod via the kube-dns ClusterIP (16 in flight)', unit: 'ms', value: lat(load.podClusterIP, 99), baseline: lat(load.podEcho, 99), baselineLabel: POD_BASE }),
        metric({ name: 'queries/s from a pod to the DNS server directly (16 in flight)', unit: 'q/s', value: qps(load.podDirect), baseline: qps(load.podEcho), baselineLabel: POD_BASE }),
        metric({ name: 'p99 latency from a pod to the DNS server directly (one at a time)', unit: 'ms', value: lat(serial.podDirect, 99), baseline: lat(serial.podEcho, 99), baselineLabel: POD_BASE }),
      ],
      details: {
        queriesPerLoadRun: n,
        queriesPerLatencyRun: nSerial,
        concurrency,
        services: SERVICES,
        serviceCIDR,
        lostOrWrong: Object.fromEntries((Object.keys(targets) as Key[]).map((k) => [k, errors(k)])),
      },
    };
  },
};
