/**
 * The DNS server's sockets: UDP and TCP on the same address and port. UDP replies go back to the sender; TCP
 * connections carry length-prefixed messages (several per connection, answered as they complete) and are closed
 * after an idle period or when the connection limit is reached.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from '../common/logger.js';
import { frame, readFrames } from './framing.js';
import type { Proto } from './handler.js';

export interface DnsListenerOptions {
  host: string;
  /** 0 picks a port free for both UDP and TCP. */
  port: number;
  handle(msg: Buffer, proto: Proto): Promise<Buffer | undefined>;
  log: Logger;
  /** Idle TCP connections are closed after this long (default 10 s). */
  tcpIdleMs?: number;
  /** Concurrent TCP connections (default 1000). */
  maxTcpConnections?: number;
}

export interface DnsListener {
  port: number;
  close(): Promise<void>;
}

const MAX_TCP_MESSAGE = 65535;
const BIND_ATTEMPTS = 10;

function bindUdp(host: string, port: number): Promise<dgram.Socket> {
  const sock = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4' });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, host, () => {
      sock.off('error', reject);
      resolve(sock);
    });
  });
}

function listenTcp(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeUdp(sock: dgram.Socket): Promise<void> {
  return new Promise((resolve) => sock.close(() => resolve()));
}

export async function listenDns(opts: DnsListenerOptions): Promise<DnsListener> {
  const log = opts.log;
  const conns = new Set<net.Socket>();
  const tcp = net.createServer((sock) => {
    conns.add(sock);
    sock.on('close', () => conns.delete(sock));
    sock.on('error', (e) => log.debug({ err: e.message }, 'dns tcp connection error'));
    sock.setTimeout(opts.tcpIdleMs ?? 10_000, () => sock.destroy());
    readFrames(sock, MAX_TCP_MESSAGE, (msg) => {
      opts.handle(Buffer.from(msg), 'tcp').then(
        (reply) => {
          if (reply && !sock.destroyed) sock.write(frame(reply));
        },
        (e: unknown) => log.error({ err: e instanceof Error ? e.message : String(e) }, 'dns tcp query failed'),
      );
    });
  });
  tcp.maxConnections = opts.maxTcpConnections ?? 1000;

  let udp: dgram.Socket | undefined;
  for (let attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
    const u = await bindUdp(opts.host, opts.port);
    try {
      await listenTcp(tcp, opts.host, u.address().port);
      udp = u;
      break;
    } catch (e) {
      await closeUdp(u);
      // with a fixed port there is nothing to retry; with port 0 the TCP side of the chosen port was taken
      if (opts.port !== 0 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === BIND_ATTEMPTS) throw e;
    }
  }
  if (!udp) throw new Error('no port free for both UDP and TCP');
  const sock = udp;
  let open = true;
  sock.on('error', (e) => log.warn({ err: e.message }, 'dns udp socket error'));
  sock.on('message', (msg, rinfo) => {
    opts.handle(msg, 'udp').then(
      (reply) => {
        if (reply && open) sock.send(reply, rinfo.port, rinfo.address);
      },
      (e: unknown) => log.error({ err: e instanceof Error ? e.message : String(e) }, 'dns udp query failed'),
    );
  });

  return {
    port: sock.address().port,
    close: async () => {
      open = false;
      await closeUdp(sock);
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      for (const c of conns) c.destroy();
      await closed;
    },
  };
}
