/**
 * Proxies pods/log, pods/exec, pods/attach and pods/portforward to the kubelet of the pod's node.
 *
 * - log: a streamed GET; the kubelet's status, Content-Type and body are relayed as they come (follow stays open).
 * - exec/attach/portforward: only upgrade requests, and only to WebSocket or SPDY/3.1. The request goes to the
 *   kubelet on a fresh connection; a 101 answer is relayed and the two sockets are spliced. Any other answer is
 *   relayed and BOTH connections are closed: a connection whose upgrade failed is never reused
 *   (CVE-2018-1002105).
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from '../../api/errors.js';
import { requireResource } from '../../api/resources.js';
import type { Logger } from '../../common/logger.js';
import type { ResourceRequest } from '../http/request-info.js';
import type { GenericStore } from '../registry/store.js';
import { kubeletLocation, type KubeletLocation, type ProxyStores } from './kubelet-location.js';

const PODS_INFO = requireResource('', 'v1', 'pods');
const NODES_INFO = requireResource('', 'v1', 'nodes');

const ALLOWED_UPGRADES = new Set(['websocket', 'spdy/3.1']);
/** Request headers not forwarded: credentials for the api-server and hop-by-hop headers of this hop. */
const DROP = new Set(['host', 'authorization', 'proxy-authorization', 'cookie', 'keep-alive', 'transfer-encoding', 'te', 'trailer']);
const MAX_ERROR_BODY = 64 * 1024;

function dialError(loc: KubeletLocation, e: unknown): ApiError {
  return new ApiError(503, 'ServiceUnavailable', `error dialing backend: dial tcp ${loc.host}:${loc.port}: ${e instanceof Error ? e.message : String(e)}`);
}

function forwardHeaders(req: http.IncomingMessage, loc: KubeletLocation, upgrade: boolean): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || DROP.has(k)) continue;
    if (!upgrade && (k === 'connection' || k === 'upgrade')) continue;
    out[k] = v;
  }
  out.host = `${loc.host}:${loc.port}`;
  return out;
}

/** GET pods/{name}/log: streams the kubelet's answer. */
export async function proxyPodLog(req: http.IncomingMessage, res: http.ServerResponse, stores: ProxyStores, ns: string, name: string, query: URLSearchParams): Promise<void> {
  if (req.method !== 'GET') throw ApiError.methodNotAllowed();
  const loc = await kubeletLocation(stores, ns, name, 'log', query);
  await new Promise<void>((resolve, reject) => {
    const preq = http.request({ host: loc.host, port: loc.port, path: loc.path, method: 'GET', headers: forwardHeaders(req, loc, false), agent: false });
    const abort = (): void => {
      preq.destroy();
      resolve();
    };
    res.once('close', abort);
    preq.once('error', (e) => {
      res.off('close', abort);
      if (res.headersSent) {
        res.destroy();
        resolve();
      } else reject(dialError(loc, e));
    });
    preq.once('response', (pres) => {
      const headers: http.OutgoingHttpHeaders = {};
      const ct = pres.headers['content-type'];
      if (ct) headers['content-type'] = ct;
      res.writeHead(pres.statusCode ?? 502, headers);
      res.flushHeaders();
      pres.pipe(res);
      pres.once('end', resolve);
      pres.once('error', () => {
        res.destroy();
        resolve();
      });
    });
    preq.end();
  });
}

/** Answers a failed upgrade and closes the client connection. */
export function rejectUpgrade(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(
    `HTTP/1.1 ${err.code} ${http.STATUS_CODES[err.code] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function statusLine(res: http.IncomingMessage): string {
  let head = `HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ''}\r\n`;
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return head;
}

/** exec/attach/portforward upgrades: splices the client with the kubelet after a 101, else closes both. */
export async function proxyPodUpgrade(
  req: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
  stores: ProxyStores,
  ns: string,
  name: string,
  sub: string,
  query: URLSearchParams,
  log: Logger,
): Promise<void> {
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  if (sub === 'log') throw ApiError.badRequest('pods/log cannot be upgraded');
  if (!ALLOWED_UPGRADES.has(upgrade)) throw ApiError.badRequest(`unsupported upgrade protocol: ${req.headers.upgrade ?? ''}`);
  const loc = await kubeletLocation(stores, ns, name, sub, query);
  await new Promise<void>((resolve) => {
    const preq = http.request({ host: loc.host, port: loc.port, path: loc.path, method: req.method ?? 'GET', headers: forwardHeaders(req, loc, true), agent: false });
    const clientGone = (): void => {
      preq.destroy();
      resolve();
    };
    socket.once('close', clientGone);
    preq.once('error', (e) => {
      socket.off('close', clientGone);
      rejectUpgrade(socket, dialError(loc, e));
      resolve();
    });
    preq.once('upgrade', (pres, backend, backendHead) => {
      socket.off('close', clientGone);
      socket.write(`${statusLine(pres)}\r\n`);
      if (backendHead.length > 0) socket.write(backendHead);
      if (head.length > 0) backend.write(head);
      const close = (): void => {
        backend.destroy();
        socket.destroy();
      };
      backend.on('error', (e) => log.debug({ err: e.message }, 'kubelet side of a proxied stream failed'));
      socket.on('error', (e) => log.debug({ err: e.message }, 'client side of a proxied stream failed'));
      backend.once('close', close);
      socket.once('close', close);
      backend.pipe(socket);
      socket.pipe(backend);
      resolve();
    });
    preq.once('response', (pres) => {
      // not upgraded: relay the answer, then close both connections
      socket.off('close', clientGone);
      const chunks: Buffer[] = [];
      let size = 0;
      pres.on('data', (c: Buffer) => {
        if (size < MAX_ERROR_BODY) chunks.push(c);
        size += c.length;
      });
      pres.once('end', () => {
        const body = Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY);
        const ct = pres.headers['content-type'] ?? 'text/plain';
        socket.end(
          Buffer.concat([
            Buffer.from(`HTTP/1.1 ${pres.statusCode ?? 502} ${pres.statusMessage ?? ''}\r\nContent-Type: ${ct}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`),
            body,
          ]),
        );
        resolve();
      });
      pres.once('error', () => {
        socket.destroy();
        resolve();
      });
    });
    preq.end();
  });
}

/** The stores a proxy decision reads: the pod and its Node. */
export function proxyStores(storeFor: (rr: ResourceRequest) => GenericStore): ProxyStores {
  return {
    pods: storeFor({ info: PODS_INFO, namespace: undefined, name: undefined, subresource: undefined }),
    nodes: storeFor({ info: NODES_INFO, namespace: undefined, name: undefined, subresource: undefined }),
  };
}

function podOf(rr: ResourceRequest): { ns: string; name: string; sub: string } {
  if (rr.namespace === undefined || rr.name === undefined || rr.subresource === undefined) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }
  return { ns: rr.namespace, name: rr.name, sub: rr.subresource };
}

/** A plain (non-upgrade) request for a streaming subresource: logs are proxied, the others need an upgrade. */
export async function serveStreamingSubresource(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  rr: ResourceRequest,
  query: URLSearchParams,
  storeFor: (rr: ResourceRequest) => GenericStore,
): Promise<void> {
  const { ns, name, sub } = podOf(rr);
  if (sub !== 'log') throw ApiError.badRequest('Upgrade request required');
  await proxyPodLog(req, res, proxyStores(storeFor), ns, name, query);
}

/** An upgrade request for a streaming subresource (the api-server's 'upgrade' event). */
export async function proxyStreamingUpgrade(
  req: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
  rr: ResourceRequest,
  query: URLSearchParams,
  storeFor: (rr: ResourceRequest) => GenericStore,
  log: Logger,
): Promise<void> {
  const { ns, name, sub } = podOf(rr);
  await proxyPodUpgrade(req, socket, head, proxyStores(storeFor), ns, name, sub, query, log);
}
