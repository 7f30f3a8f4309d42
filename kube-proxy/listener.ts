import net from 'node:net';
import type { Logger } from '../common/logger.js';
import { Balancer } from './balancer.js';
import type { Forwarder } from './forwarder.js';
import { relayReads } from './relay.js';
import type { PortRule } from './rules.js';

export interface ListenerStats {
  onConnection(rule: PortRule, outcome: 'forwarded' | 'rejected' | 'backend-error'): void;
  onBytes(rule: PortRule, direction: 'in' | 'out', n: number): void;
}

/**
 * One local TCP address and port (a node port, LoadBalancer port or ClusterIP port) forwarding to a
 * Service's ready endpoints. The listener socket exists only while there are ready endpoints, so a Service
 * without any refuses connections at once (as upstream's REJECT rule) instead of accepting and hanging.
 * Open connections are never cut when endpoints change.
 */
export class PortListener implements Forwarder {
  private server: net.Server | undefined;
  private opening: Promise<void> | undefined;
  private readonly balancer: Balancer;
  private readonly sockets = new Set<net.Socket>();
  private lastError: string | undefined;

  constructor(
    private rule: PortRule,
    private readonly log: Logger,
    private readonly stats: ListenerStats,
    now: () => number = Date.now,
  ) {
    this.balancer = new Balancer(now);
  }

  get error(): string | undefined {
    return this.lastError;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  get currentRule(): PortRule {
    return this.rule;
  }

  /** Applies a new rule (same host port): swaps backends, opens or closes the socket as needed. */
  async apply(rule: PortRule): Promise<void> {
    this.rule = rule;
    this.balancer.update(rule.backends, rule.affinitySeconds);
    if (rule.backends.length > 0) await this.open();
    else this.stopAccepting();
  }

  private async open(): Promise<void> {
    if (this.server?.listening) return;
    this.opening ??= new Promise<void>((resolve) => {
      // half-open: a client that shuts down its sending side (e.g. `nc -N`) still gets the whole answer
      const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => this.forward(client));
      server.once('error', (e: NodeJS.ErrnoException) => {
        this.lastError = e.code === 'EADDRINUSE' ? `port ${this.rule.hostPort} is already in use on ${this.rule.host}` : e.message;
        this.log.warn({ port: this.rule.hostPort, err: this.lastError }, 'cannot listen');
        this.server = undefined;
        resolve();
      });
      server.listen({ port: this.rule.hostPort, host: this.rule.host, exclusive: true }, () => {
        this.lastError = undefined;
        this.server = server;
        resolve();
      });
    }).finally(() => {
      this.opening = undefined;
    });
    await this.opening;
  }

  private forward(client: net.Socket): void {
    const backend = this.balancer.pick(client.remoteAddress ?? '');
    const rule = this.rule;
    if (!backend) {
      this.stats.onConnection(rule, 'rejected');
      client.resetAndDestroy();
      return;
    }
    this.sockets.add(client);
    // backend → client (the bulk direction of most protocols) through relayReads' reused buffer; client →
    // backend through a pipe (accepted sockets have no user-buffer mode); each side's end is passed on
    const upstream: net.Socket = net.connect({
      host: backend.ip,
      port: backend.port,
      allowHalfOpen: true,
      noDelay: true,
      onread: relayReads(client, () => upstream.resume()),
    });
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      this.stats.onConnection(rule, 'forwarded');
    });
    client.pipe(upstream);
    upstream.once('end', () => client.end());
    let counted = false;
    const done = (): void => {
      this.sockets.delete(client);
      client.destroy();
      upstream.destroy();
      if (!counted) {
        // counted once at the end: per-chunk listeners would cost throughput on the hot path
        counted = true;
        this.stats.onBytes(rule, 'in', client.bytesRead);
        this.stats.onBytes(rule, 'out', upstream.bytesRead);
      }
    };
    client.on('error', done);
    client.on('close', done);
    upstream.on('error', (e) => {
      if (!connected) {
        this.stats.onConnection(rule, 'backend-error');
        this.log.debug({ backend: `${backend.ip}:${backend.port}`, err: e.message }, 'backend connection failed');
        client.resetAndDestroy();
      }
      done();
    });
    upstream.on('close', done);
  }

  /**
   * Closes the listening socket: the port refuses new connections at once. Established connections finish on
   * their own and are not waited for (server.close's callback would wait for them): a long-lived connection
   * must not hold up the programming of other changes. Returns the closed server.
   */
  private stopAccepting(): net.Server | undefined {
    const server = this.server;
    this.server = undefined;
    server?.close();
    return server;
  }

  /** The Service or its port is gone: the port closes, established connections finish on their own. */
  retire(): Promise<void> {
    this.stopAccepting();
    return Promise.resolve();
  }

  /** kube-proxy stops: closes the listener and every connection. */
  async close(): Promise<void> {
    const server = this.stopAccepting();
    const closed = server && new Promise<void>((resolve) => server.once('close', () => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }
}
