import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * HTTP server limits shared by every kubemu listener.
 *
 * - `headersTimeout` is finite, so a client that never finishes its headers (slowloris) is answered
 *   with 408 and disconnected.
 * - `requestTimeout` is 0: watches, logs -f, exec and port-forward are long-running requests that must
 *   not be cut by a whole-request deadline. Handlers bound their own work (the api-server's 60 s
 *   request timeout / 1800 s min watch timeout live in its filters, not here).
 * - `keepAliveTimeout` 65 s, longer than the usual 60 s idle timeout of clients and proxies in front,
 *   so the server is never the side that closes a connection a client is about to reuse.
 * - Header size: Node's default `maxHeaderSize` is 16 KiB (Go's net/http allows 1 MiB). It can only
 *   be set when the server is created, so pass {@link hardenedServerOptions} to `http.createServer`
 *   / `https.createServer`; 16 KiB is plenty for bearer tokens and kubectl's headers, raise it only
 *   if a client needs it. `insecureHTTPParser` stays off (request smuggling, see
 *   reliability-security.md §2b).
 */
export interface HardenOptions {
  /** Time allowed to receive the complete request headers. Default 10 s. */
  headersTimeoutMs?: number;
  /** Whole-request deadline; 0 = none (default, needed for watches). */
  requestTimeoutMs?: number;
  /** Idle time before a kept-alive connection is closed. Default 65 s. */
  keepAliveTimeoutMs?: number;
  /** How often Node checks connections against headersTimeout/requestTimeout. Default 1 s. */
  connectionsCheckingIntervalMs?: number;
  /** Cap on the number of request headers. Default 200. */
  maxHeadersCount?: number;
}

export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;
export const DEFAULT_MAX_HEADER_SIZE = 16 * 1024;

/** Options for `http.createServer(opts, handler)` (also valid for https). */
export function hardenedServerOptions(opts: HardenOptions & { maxHeaderSize?: number } = {}): http.ServerOptions {
  return {
    headersTimeout: opts.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
    requestTimeout: opts.requestTimeoutMs ?? 0,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: opts.connectionsCheckingIntervalMs ?? 1000,
    maxHeaderSize: opts.maxHeaderSize ?? DEFAULT_MAX_HEADER_SIZE,
    insecureHTTPParser: false,
  };
}

/**
 * Applies the limits to an existing server. Call it before `listen`: Node starts its
 * connection-checking timer (which enforces headersTimeout) when the server starts listening.
 */
export function hardenServer<S extends http.Server>(server: S, opts: HardenOptions = {}): S {
  server.headersTimeout = opts.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  server.requestTimeout = opts.requestTimeoutMs ?? 0;
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS;
  server.maxHeadersCount = opts.maxHeadersCount ?? 200;
  // Socket inactivity timeout: none, long watches may be silent for minutes (keepAliveTimeout covers idle keep-alive).
  server.timeout = 0;
  const interval = opts.connectionsCheckingIntervalMs ?? 1000;
  // Public since Node 18.12 but missing from @types/node's Server class; read by Node on 'listening'.
  (server as S & { connectionsCheckingInterval: number }).connectionsCheckingInterval = interval;
  return server;
}

/** Starts listening and resolves with the bound port (useful with port 0). Rejects on EADDRINUSE etc. */
export function listen(server: http.Server, port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Stops accepting connections, closes idle keep-alive sockets and, after `graceMs`, every socket left. */
export function closeServer(server: http.Server, graceMs = 5000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close((err) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
