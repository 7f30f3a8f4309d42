/**
 * The kubelet's streaming server (upstream's kubelet server paths), which the api-server proxies to:
 *
 *   GET  /containerLogs/{namespace}/{pod}/{container}   logs (text/plain, chunked)
 *   GET  /exec/{namespace}/{pod}/{container}?command=…   WebSocket, channel protocols v1–v5
 *   GET  /attach/{namespace}/{pod}/{container}           WebSocket, channel protocols v1–v5
 *   GET  /portForward/{namespace}/{pod}                  WebSocket `SPDY/3.1+portforward.k8s.io` (kubectl) or a
 *                                                        channel protocol with ?ports= (client-node); also a plain
 *                                                        `Upgrade: SPDY/3.1` (kubectl's fallback)
 *   GET  /healthz
 *
 * Errors before an upgrade are Status JSON and the connection is closed; only these upgrade protocols exist.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import { ApiError } from '../../api/errors.js';
import { closeServer, hardenServer, listen } from '../../common/http.js';
import type { Logger } from '../../common/logger.js';
import { serveLogs } from './logs.js';
import { servePortForwardSpdy, type PortForwardTarget } from './portforward-spdy.js';
import { parsePorts, servePortForwardWs } from './portforward-ws.js';
import { CHANNEL_PROTOCOLS, bridge, remoteCommandOptions, type ChannelProtocol } from './remotecommand.js';
import { findPod, findTarget, runningInstance, type StreamingBackend } from './target.js';

export const PORT_FORWARD_SPDY_WS = 'SPDY/3.1+portforward.k8s.io';

export interface KubeletServerOptions {
  host: string;
  port: number;
  backend: StreamingBackend;
  log: Logger;
}

export interface KubeletServer {
  port: number;
  close(): Promise<void>;
}

type Route =
  | { kind: 'logs'; namespace: string; pod: string; container: string | null }
  | { kind: 'exec' | 'attach'; namespace: string; pod: string; container: string | null }
  | { kind: 'portforward'; namespace: string; pod: string }
  | { kind: 'healthz' };

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw ApiError.badRequest(`invalid path segment: ${s}`);
  }
}

export function parseRoute(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decode);
  const [head, ns, pod, container, ...rest] = parts;
  if (head === 'healthz' && parts.length === 1) return { kind: 'healthz' };
  if (!ns || !pod || rest.length > 0) return undefined;
  switch (head) {
    case 'containerLogs':
      return container ? { kind: 'logs', namespace: ns, pod, container } : undefined;
    case 'exec':
    case 'attach':
      return { kind: head, namespace: ns, pod, container: container ?? null };
    case 'portForward':
      return container === undefined ? { kind: 'portforward', namespace: ns, pod } : undefined;
    default:
      return undefined;
  }
}

function writeStatus(res: http.ServerResponse, e: unknown, log: Logger): void {
  const err = e instanceof ApiError ? e : ApiError.internal(e instanceof Error ? e.message : String(e));
  if (err.code >= 500) log.warn({ err: err.message }, 'streaming request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(err.toStatus());
  res.writeHead(err.code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Answers a failed upgrade and closes the connection: it is never reused (CVE-2018-1002105). */
function rejectUpgrade(socket: Duplex, e: unknown, log: Logger): void {
  const err = e instanceof ApiError ? e : ApiError.internal(e instanceof Error ? e.message : String(e));
  if (err.code >= 500) log.warn({ err: err.message }, 'upgrade failed');
  const body = JSON.stringify(err.toStatus());
  socket.end(
    `HTTP/1.1 ${err.code} ${http.STATUS_CODES[err.code] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function offered(req: http.IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<KubeletServer> {
  const log = o.log.child({ part: 'server' });
  const server = hardenServer(
    http.createServer((req, res) => {
      void handle(req, res);
    }),
  );
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024, handleProtocols: (p) => [...p][0] ?? false });
  const plainWss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  const upgraded = new Set<Duplex>();

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = parseRoute(url.pathname);
      if (!route) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      if (req.method !== 'GET' && req.method !== 'POST') throw ApiError.methodNotAllowed();
      if (route.kind === 'healthz') {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
        return;
      }
      if (route.kind !== 'logs') throw ApiError.badRequest('Upgrade request required');
      await serveLogs(req, res, route, url.searchParams, o.backend, log);
    } catch (e) {
      writeStatus(res, e, log);
    }
  }

  async function upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = parseRoute(url.pathname);
      if (!route || route.kind === 'healthz' || route.kind === 'logs') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      const upgradeTo = (req.headers.upgrade ?? '').toLowerCase();
      if (route.kind === 'portforward') {
        const { pod, all } = await findPod(o.backend, route.namespace, route.pod);
        const ip = all.find((c) => c.kind === 'sandbox' && c.state === 'running')?.ip;
        if (!ip) throw ApiError.badRequest(`pod ${route.pod} does not have a running sandbox`);
        const target: PortForwardTarget = {
          dial: (port) => o.backend.runtime.dialPod(ip, port),
          describe: `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}, uid ${pod.metadata?.uid ?? ''}`,
        };
        if (upgradeTo === 'spdy/3.1') {
          socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n');
          if (head.length > 0) socket.unshift(head);
          await servePortForwardSpdy(socket, target, log);
          return;
        }
        if (upgradeTo !== 'websocket') throw ApiError.badRequest(`unsupported upgrade protocol: ${req.headers.upgrade ?? ''}`);
        const protos = offered(req);
        const proto = protos.find((p) => p === PORT_FORWARD_SPDY_WS || (CHANNEL_PROTOCOLS as readonly string[]).includes(p));
        if (!proto) throw ApiError.badRequest(`none of the offered protocols is supported: ${protos.join(', ')}`);
        const ports = proto === PORT_FORWARD_SPDY_WS ? [] : parsePortsOrBadRequest(url.searchParams);
        accept(req, socket, head, proto, (ws) => {
          if (proto !== PORT_FORWARD_SPDY_WS) servePortForwardWs(ws, ports, target, log);
          else servePortForwardSpdy(createWebSocketStream(ws), target, log).catch((e: unknown) => {
            log.warn({ err: e instanceof Error ? e.message : String(e) }, 'port-forward session failed');
            ws.terminate();
          });
        });
        return;
      }
      if (upgradeTo !== 'websocket') throw ApiError.badRequest(`unsupported upgrade protocol: ${req.headers.upgrade ?? ''}`);
      const protos = offered(req);
      const proto = (protos.length === 0 ? 'channel.k8s.io' : protos.find((p) => (CHANNEL_PROTOCOLS as readonly string[]).includes(p))) as ChannelProtocol | undefined;
      if (!proto) throw ApiError.badRequest(`none of the offered protocols is supported: ${protos.join(', ')}`);
      const opts = remoteCommandOptions(url.searchParams);
      if (!opts.stdin && !opts.stdout && !opts.stderr) throw ApiError.badRequest('you must specify at least one of stdin, stdout, stderr');
      const cmd = url.searchParams.getAll('command');
      if (route.kind === 'exec' && cmd.length === 0) throw ApiError.badRequest('you must specify at least one command for the container');
      const target = await findTarget(o.backend, route.namespace, route.pod, route.container);
      const inst = runningInstance(target);
      accept(req, socket, head, protos.length === 0 ? undefined : proto, (ws) => {
        const started =
          route.kind === 'exec'
            ? o.backend.runtime.exec(inst.id, { cmd, ...opts, stderr: opts.stderr && !opts.tty })
            : o.backend.runtime.attach(inst.id, { ...opts, stderr: opts.stderr && !opts.tty });
        bridge(ws, proto, started, cmd, log).catch((e: unknown) => log.warn({ err: String(e) }, 'remote command session failed'));
      });
    } catch (e) {
      rejectUpgrade(socket, e, log);
    }
  }

  function accept(req: http.IncomingMessage, socket: Duplex, head: Buffer, proto: string | undefined, then: (ws: WebSocket) => void): void {
    const handler = proto === undefined ? plainWss : wss;
    // ws answers with the first protocol handleProtocols returns; put the chosen one first
    if (proto !== undefined) req.headers['sec-websocket-protocol'] = proto;
    handler.handleUpgrade(req, socket, head, then);
  }

  function parsePortsOrBadRequest(q: URLSearchParams): number[] {
    try {
      return parsePorts(q);
    } catch (e) {
      throw ApiError.badRequest(e instanceof Error ? e.message : String(e));
    }
  }

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (e) => log.debug({ err: e.message }, 'upgraded socket error'));
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    void upgrade(req, socket, head);
  });
  const port = await listen(server, o.port, o.host);
  log.info({ host: o.host, port }, 'kubelet server listening');
  return {
    port,
    close: async () => {
      for (const s of upgraded) s.destroy();
      server.closeAllConnections();
      await closeServer(server, 500);
    },
  };
}
