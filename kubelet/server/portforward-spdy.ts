/**
 * kubectl's port-forward protocol (`portforward.k8s.io` over SPDY/3.1; kubectl-compat.md §6.3): for each local
 * connection the client opens an error stream and a data stream with headers `streamtype`, `port`, `requestid`.
 * Every stream gets a SYN_REPLY; the data stream is piped to the port in the pod; a failure is written to the
 * request's error stream (kubectl prints it as "an error occurred forwarding …").
 *
 * The SPDY framing (zlib-compressed headers, flow control) is spdy-transport's. Its parser insists on the HTTP
 * pseudo-headers `:method`/`:path` that spdystream (client-go) does not send, so this connection's header parser
 * fills them in.
 */
import type { Duplex } from 'node:stream';
import type transport from 'spdy-transport';
import type { Logger } from '../../common/logger.js';

export interface PortForwardTarget {
  /** Opens a TCP stream to `port` in the pod. */
  dial(port: number): Promise<Duplex>;
  /** For error messages: `error forwarding port P to pod <describe>: …`. */
  describe: string;
}

interface Pair {
  data?: transport.SpdyStream;
  error?: transport.SpdyStream;
  started: boolean;
}

function header(s: transport.SpdyStream, name: string): string {
  const v = s.headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/**
 * Serves one port-forward session over `socket` (a raw upgraded socket, or a WebSocket byte stream).
 * spdy-transport is loaded on first use: most kubelets never forward a port, and it costs memory.
 */
export async function servePortForwardSpdy(socket: Duplex, target: PortForwardTarget, log: Logger): Promise<void> {
  const { default: spdy } = await import('spdy-transport');
  const conn = spdy.connection.create(socket, { protocol: 'spdy', isServer: true, windowSize: 1 << 20 });
  const parser = conn._spdyState.parser;
  const parseKVs = parser.parseKVs.bind(parser);
  parser.parseKVs = (buffer, callback) =>
    parseKVs(buffer, (err, headers) => callback(err, headers && { ':method': 'POST', ':path': '/', ...headers }));
  const pairs = new Map<string, Pair>();
  conn.on('error', (e: Error) => log.debug({ err: e.message }, 'port-forward connection error'));
  conn.on('close', () => pairs.clear());
  conn.on('stream', (stream: transport.SpdyStream) => {
    stream.respond(200, {});
    stream.on('error', (e: Error) => log.debug({ err: e.message }, 'port-forward stream error'));
    const type = header(stream, 'streamtype');
    const requestId = header(stream, 'requestid');
    const port = Number(header(stream, 'port'));
    let pair = pairs.get(requestId);
    if (!pair) {
      pair = { started: false };
      pairs.set(requestId, pair);
    }
    if (type === 'error') {
      pair.error = stream;
      // the client never writes on the error stream
      stream.resume();
    } else if (type === 'data') pair.data = stream;
    else {
      stream.abort();
      return;
    }
    if (pair.data && pair.error && !pair.started) {
      pair.started = true;
      void forward(pair.data, pair.error, port, target, log).finally(() => pairs.delete(requestId));
    }
  });
}

async function forward(data: transport.SpdyStream, error: transport.SpdyStream, port: number, target: PortForwardTarget, log: Logger): Promise<void> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    error.end(`invalid port ${port}`);
    data.end();
    return;
  }
  let conn: Duplex;
  try {
    conn = await target.dial(port);
  } catch (e) {
    const msg = `error forwarding port ${port} to pod ${target.describe}: ${e instanceof Error ? e.message : String(e)}`;
    log.debug({ port, err: msg }, 'port-forward dial failed');
    error.end(msg);
    data.end();
    return;
  }
  await new Promise<void>((resolve) => {
    data.pipe(conn);
    conn.pipe(data);
    const done = (): void => {
      conn.destroy();
      if (!data.destroyed) data.end();
      if (!error.destroyed) error.end();
      resolve();
    };
    conn.once('close', done);
    conn.once('error', done);
    data.once('close', done);
  });
}
