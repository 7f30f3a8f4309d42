/**
 * Runs one probe attempt (httpGet, tcpSocket, exec), with upstream's success rules and failure messages
 * (pkg/probe/{http,tcp,exec}).
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import type { ContainerRuntime } from '../runtime/types.js';

export type ProbeResult = 'success' | 'failure' | 'unknown';

export interface ProbeOutcome {
  result: ProbeResult;
  output: string;
}

export interface ProbeTarget {
  podIP: string | undefined;
  container: Container;
  containerId: string;
}

const MAX_BODY = 10 * 1024;

/** A named port resolves against the container's ports (upstream findPortByName). */
export function resolvePort(port: number | string | undefined, c: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

export function httpProbe(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<ProbeOutcome> {
  const mod = url.protocol === 'https:' ? https : http;
  const target = `Get "${url.toString()}"`;
  return new Promise<ProbeOutcome>((resolve) => {
    const req = mod.request(url, { method: 'GET', headers, rejectUnauthorized: false, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < MAX_BODY) body += c;
      });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 400) resolve({ result: 'success', output: body.slice(0, MAX_BODY) });
        else resolve({ result: 'failure', output: `HTTP probe failed with statuscode: ${code}` });
      });
      res.on('error', (e) => resolve({ result: 'failure', output: `${target}: ${e.message}` }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('context deadline exceeded (Client.Timeout exceeded while awaiting headers)')));
    req.on('error', (e: NodeJS.ErrnoException) => {
      const msg = e.code === 'ECONNREFUSED' ? `dial tcp ${url.host}: connect: connection refused` : e.message;
      resolve({ result: 'failure', output: `${target}: ${msg}` });
    });
    req.end();
  });
}

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise<ProbeOutcome>((resolve) => {
    const socket = net.connect({ host, port });
    const done = (o: ProbeOutcome): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({ result: 'failure', output: `dial tcp ${host}:${port}: i/o timeout` }), timeoutMs);
    socket.once('connect', () => done({ result: 'success', output: '' }));
    socket.once('error', (e: NodeJS.ErrnoException) =>
      done({ result: 'failure', output: e.code === 'ECONNREFUSED' ? `dial tcp ${host}:${port}: connect: connection refused` : `dial tcp ${host}:${port}: ${e.message}` }),
    );
  });
}

/** One attempt of `probe` against the target. */
export async function runProbe(probe: Probe, target: ProbeTarget, runtime: ContainerRuntime): Promise<ProbeOutcome> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.exec) {
    const cmd = probe.exec.command ?? [];
    const r = await runtime.execSync(target.containerId, cmd, timeoutMs);
    if (r.timedOut) return { result: 'failure', output: `command ${JSON.stringify(cmd.join(' '))} timed out` };
    return r.exitCode === 0 ? { result: 'success', output: r.output } : { result: 'failure', output: r.output };
  }
  if (probe.httpGet) {
    const g = probe.httpGet;
    const port = resolvePort(g.port, target.container);
    const host = g.host || target.podIP;
    if (port === undefined || !host) return { result: 'unknown', output: `unable to resolve the probe's address (host ${host ?? '?'}, port ${String(g.port)})` };
    const scheme = (g.scheme ?? 'HTTP').toLowerCase();
    const p = g.path ?? '/';
    const url = new URL(`${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${p.startsWith('/') ? p : `/${p}`}`);
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
    return httpProbe(url, headers, timeoutMs);
  }
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, target.container);
    const host = probe.tcpSocket.host || target.podIP;
    if (port === undefined || !host) return { result: 'unknown', output: `unable to resolve the probe's address` };
    return tcpProbe(host, port, timeoutMs);
  }
  if (probe.grpc) return { result: 'unknown', output: 'gRPC probes are not supported by kubemu' };
  return { result: 'unknown', output: 'missing probe handler' };
}
