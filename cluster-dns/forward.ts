/**
 * Forwarding of names outside the cluster domain to upstream nameservers (CoreDNS's `forward . /etc/resolv.conf`):
 * the query goes out as it came (same transport, fresh message id), upstreams are tried in order within one
 * overall deadline, and only a reply from the address the query was sent to, with the right id, is accepted.
 * No answer in time → undefined (the handler answers SERVFAIL): never a hang.
 */
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from '../common/logger.js';
import type { Forwarder, Proto } from './handler.js';
import { frame, readFrames } from './framing.js';

export interface Upstream {
  host: string;
  port: number;
}

/** `10.0.0.1`, `10.0.0.1:5353`, `::1`, `[::1]:5353` → host and port (53 by default). */
export function parseUpstream(s: string): Upstream {
  const v = s.trim();
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (bracket) return { host: bracket[1], port: bracket[2] ? Number(bracket[2]) : 53 };
  const hostPort = /^([^:]+):(\d+)$/.exec(v);
  if (hostPort) return { host: hostPort[1], port: Number(hostPort[2]) };
  if (net.isIP(v) === 0) throw new Error(`upstream nameserver ${JSON.stringify(s)} is not an IP address`);
  return { host: v, port: 53 };
}

interface Pending {
  resolve(b: Buffer | undefined): void;
  upstream: Upstream;
}

export interface UpstreamForwarderOptions {
  upstreams: readonly Upstream[];
  /** Overall bound of one forwarded query (all upstreams together). */
  timeoutMs: number;
  log: Logger;
}

export class UpstreamForwarder implements Forwarder {
  private readonly sockets = new Map<4 | 6, dgram.Socket>();
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(private readonly opts: UpstreamForwarderOptions) {}

  async forward(query: Buffer, proto: Proto): Promise<Buffer | undefined> {
    const deadline = performance.now() + this.opts.timeoutMs;
    const ups = this.opts.upstreams;
    for (let i = 0; i < ups.length && !this.closed; i++) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      // share what is left among the upstreams not tried yet
      const budget = left / (ups.length - i);
      try {
        const answer = proto === 'tcp' ? await this.viaTcp(query, ups[i], budget) : await this.viaUdp(query, ups[i], budget);
        if (answer) return answer;
      } catch (e) {
        this.opts.log.debug({ upstream: `${ups[i].host}:${ups[i].port}`, err: e instanceof Error ? e.message : String(e) }, 'upstream failed');
      }
    }
    return undefined;
  }

  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) p.resolve(undefined);
    this.pending.clear();
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }

  private socket(family: 4 | 6): dgram.Socket {
    let s = this.sockets.get(family);
    if (s) return s;
    s = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    s.on('message', (msg, rinfo) => this.onReply(msg, rinfo));
    s.on('error', (e) => this.opts.log.warn({ err: e.message }, 'upstream socket error'));
    s.unref();
    this.sockets.set(family, s);
    return s;
  }

  private onReply(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (msg.length < 12) return;
    const p = this.pending.get(msg.readUInt16BE(0));
    if (!p || p.upstream.port !== rinfo.port || normalizeHost(p.upstream.host) !== normalizeHost(rinfo.address)) return;
    p.resolve(msg);
  }

  private freshId(): number | undefined {
    for (let i = 0; i < 16; i++) {
      const id = randomInt(65536);
      if (!this.pending.has(id)) return id;
    }
    return undefined;
  }

  private viaUdp(query: Buffer, up: Upstream, budgetMs: number): Promise<Buffer | undefined> {
    const id = this.freshId();
    if (id === undefined) return Promise.resolve(undefined);
    const out = Buffer.from(query);
    out.writeUInt16BE(id, 0);
    const originalId = query.readUInt16BE(0);
    return new Promise<Buffer | undefined>((resolve) => {
      const timer = setTimeout(() => done(undefined), budgetMs);
      const done = (b: Buffer | undefined): void => {
        clearTimeout(timer);
        if (this.pending.get(id)?.resolve === done) this.pending.delete(id);
        if (b) b.writeUInt16BE(originalId, 0);
        resolve(b);
      };
      this.pending.set(id, { resolve: done, upstream: up });
      this.socket(net.isIPv6(up.host) ? 6 : 4).send(out, up.port, up.host, (err) => {
        if (err) done(undefined);
      });
    });
  }

  private viaTcp(query: Buffer, up: Upstream, budgetMs: number): Promise<Buffer | undefined> {
    const originalId = query.readUInt16BE(0);
    const id = randomInt(65536);
    const out = frame(query);
    out.writeUInt16BE(id, 2);
    return new Promise<Buffer | undefined>((resolve) => {
      const sock = net.connect({ host: up.host, port: up.port });
      const timer = setTimeout(() => finish(undefined), budgetMs);
      let settled = false;
      const finish = (b: Buffer | undefined): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        sock.destroy();
        if (b) b.writeUInt16BE(originalId, 0);
        resolve(b);
      };
      sock.on('error', () => finish(undefined));
      sock.on('close', () => finish(undefined));
      sock.on('connect', () => sock.write(out));
      readFrames(sock, MAX_TCP_MESSAGE, (msg) => {
        if (msg.length >= 12 && msg.readUInt16BE(0) === id) finish(Buffer.from(msg));
      });
    });
  }
}

const MAX_TCP_MESSAGE = 65535;

function normalizeHost(h: string): string {
  return h.replace(/^::ffff:/, '').toLowerCase();
}
