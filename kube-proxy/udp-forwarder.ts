import dgram from 'node:dgram';
import type { Logger } from '../common/logger.js';
import { Balancer } from './balancer.js';
import type { Forwarder } from './forwarder.js';
import type { Backend, PortRule } from './rules.js';
import { UdpSessionTable, type UdpSessionLimits } from './udp-sessions.js';

export interface UdpStats {
  /** forwarded: client → backend; replied: backend → client; dropped: no backend or a send failed */
  onDatagram(rule: PortRule, outcome: 'forwarded' | 'replied' | 'dropped', bytes: number): void;
}

export const DEFAULT_UDP_LIMITS: UdpSessionLimits = { idleMs: 30_000, max: 4096 };
/** datagrams a session holds while its upstream socket is still connecting */
const MAX_PENDING = 64;

interface Session {
  clientAddress: string;
  clientPort: number;
  backend: Backend;
  /** this session's own socket, connected to the backend: its source port tells replies apart */
  upstream: dgram.Socket;
  /** datagrams that arrived before the upstream socket was connected; undefined once it is */
  pending: Buffer[] | undefined;
}

/**
 * A userspace UDP proxy for one Service port: one socket bound on `<host>:<port>`; each client
 * `ip:port` gets a session with its own socket to a backend chosen by the balancer (round-robin or
 * ClientIP affinity), and the backend's replies go back through the bound socket, so they come from
 * the address the client sent to. Sessions idle for 30 s expire; their number is bounded (least
 * recently used first out); a backend answering with port unreachable ends its session. The socket
 * exists only while there are ready endpoints: without any, datagrams meet a closed port (ICMP port
 * unreachable, as upstream's REJECT). Sessions to endpoints that left are dropped at once (as
 * upstream clears their conntrack entries).
 */
export class UdpForwarder implements Forwarder {
  private socket: dgram.Socket | undefined;
  private opening: Promise<void> | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly balancer: Balancer;
  private readonly sessions: UdpSessionTable<Session>;
  private lastError: string | undefined;

  constructor(
    private rule: PortRule,
    private readonly log: Logger,
    private readonly stats: UdpStats,
    private readonly limits: UdpSessionLimits = DEFAULT_UDP_LIMITS,
    now: () => number = Date.now,
  ) {
    this.balancer = new Balancer(now);
    this.sessions = new UdpSessionTable<Session>(limits, now);
  }

  get error(): string | undefined {
    return this.lastError;
  }

  get listening(): boolean {
    return this.socket !== undefined;
  }

  get currentRule(): PortRule {
    return this.rule;
  }

  /** number of live client sessions (tests, status) */
  get sessionCount(): number {
    return this.sessions.size;
  }

  async apply(rule: PortRule): Promise<void> {
    this.rule = rule;
    this.balancer.update(rule.backends, rule.affinitySeconds);
    const live = new Set(rule.backends.map((b) => `${b.ip}:${b.port}`));
    this.closeSessions(this.sessions.removeWhere((s) => !live.has(`${s.backend.ip}:${s.backend.port}`)));
    if (rule.backends.length > 0) await this.open();
    else await this.closeSocket();
  }

  async retire(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    this.closeSessions(this.sessions.clear());
    await this.closeSocket();
  }

  private async open(): Promise<void> {
    if (this.socket) return;
    this.opening ??= new Promise<void>((resolve) => {
      const sock = dgram.createSocket({ type: 'udp4' });
      const onBindError = (e: NodeJS.ErrnoException): void => {
        this.lastError = e.code === 'EADDRINUSE' ? `port ${this.rule.hostPort}/UDP is already in use on ${this.rule.host}` : e.message;
        this.log.warn({ port: this.rule.hostPort, err: this.lastError }, 'cannot bind UDP');
        sock.close();
        resolve();
      };
      sock.once('error', onBindError);
      sock.bind({ address: this.rule.host, port: this.rule.hostPort, exclusive: true }, () => {
        sock.off('error', onBindError);
        sock.on('error', (e) => {
          // a failed send to a client (no callbacks on the hot path: errors arrive here)
          this.stats.onDatagram(this.rule, 'dropped', 0);
          this.log.debug({ err: e.message }, 'UDP socket error');
        });
        sock.on('message', (msg, rinfo) => this.fromClient(sock, msg, rinfo));
        this.lastError = undefined;
        this.socket = sock;
        const every = Math.max(1000, Math.min(this.limits.idleMs / 2, 10_000));
        this.sweeper = setInterval(() => this.closeSessions(this.sessions.expire()), every);
        this.sweeper.unref();
        resolve();
      });
    }).finally(() => {
      this.opening = undefined;
    });
    await this.opening;
  }

  private fromClient(sock: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const key = `${rinfo.address}:${rinfo.port}`;
    let s = this.sessions.touch(key);
    if (!s) {
      const backend = this.balancer.pick(rinfo.address);
      if (!backend) {
        this.stats.onDatagram(this.rule, 'dropped', msg.length);
        return;
      }
      s = this.newSession(sock, key, rinfo, backend);
      this.closeSessions(this.sessions.add(key, s));
    }
    if (s.pending) {
      if (s.pending.length < MAX_PENDING) s.pending.push(msg);
      else this.stats.onDatagram(this.rule, 'dropped', msg.length);
      return;
    }
    s.upstream.send(msg);
    this.stats.onDatagram(this.rule, 'forwarded', msg.length);
  }

  private newSession(sock: dgram.Socket, key: string, rinfo: dgram.RemoteInfo, backend: Backend): Session {
    const upstream = dgram.createSocket({ type: 'udp4' });
    const s: Session = { clientAddress: rinfo.address, clientPort: rinfo.port, backend, upstream, pending: [] };
    // connected: the kernel picks the source address and only lets the backend's datagrams in
    upstream.connect(backend.port, backend.ip, () => {
      const queued = s.pending ?? [];
      s.pending = undefined;
      for (const m of queued) {
        upstream.send(m);
        this.stats.onDatagram(this.rule, 'forwarded', m.length);
      }
    });
    upstream.on('message', (reply) => {
      this.sessions.touch(key);
      sock.send(reply, s.clientPort, s.clientAddress);
      this.stats.onDatagram(this.rule, 'replied', reply.length);
    });
    upstream.on('error', (e) => {
      // e.g. ECONNREFUSED: the backend's port is closed; the client's next datagram starts a new session
      this.log.debug({ backend: `${backend.ip}:${backend.port}`, err: e.message }, 'UDP session error');
      this.closeSessions(this.sessions.removeWhere((x) => x === s));
    });
    return s;
  }

  private closeSessions(sessions: Session[]): void {
    for (const s of sessions) s.upstream.close();
  }

  private async closeSocket(): Promise<void> {
    await this.opening;
    const sock = this.socket;
    this.socket = undefined;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    if (!sock) return;
    await new Promise<void>((resolve) => sock.close(() => resolve()));
  }
}
