export interface UdpSessionLimits {
  /** a session unused (no datagram either way) this long is expired */
  idleMs: number;
  /** at most this many sessions; the least recently used one makes room for a new one */
  max: number;
}

/**
 * The per-client sessions of one UDP Service port (the userspace stand-in for conntrack entries):
 * client `ip:port` → session, kept in least-recently-used order. Pure apart from the injected clock;
 * whatever it removes is handed back so the caller can close it.
 */
export class UdpSessionTable<S> {
  // Map iteration order is insertion order: re-inserting on use keeps the oldest first
  private readonly entries = new Map<string, { session: S; lastUsed: number }>();

  constructor(
    private readonly limits: UdpSessionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The live session of `client`, marked as just used; undefined when there is none or it has idled out. */
  touch(client: string): S | undefined {
    const e = this.entries.get(client);
    if (!e) return undefined;
    const now = this.now();
    if (now - e.lastUsed > this.limits.idleMs) return undefined;
    e.lastUsed = now;
    this.entries.delete(client);
    this.entries.set(client, e);
    return e.session;
  }

  /** Adds a session; returns the sessions it displaced (an idled-out one of the same client, the least recently used). */
  add(client: string, session: S): S[] {
    const out: S[] = [];
    const prev = this.entries.get(client);
    if (prev) {
      this.entries.delete(client);
      out.push(prev.session);
    }
    for (const [oldest, e] of this.entries) {
      if (this.entries.size < this.limits.max) break;
      this.entries.delete(oldest);
      out.push(e.session);
    }
    this.entries.set(client, { session, lastUsed: this.now() });
    return out;
  }

  /** Removes and returns the sessions idle longer than the limit. */
  expire(): S[] {
    const now = this.now();
    const out: S[] = [];
    for (const [client, e] of this.entries) {
      if (now - e.lastUsed <= this.limits.idleMs) break; // the rest were used more recently
      this.entries.delete(client);
      out.push(e.session);
    }
    return out;
  }

  /** Removes and returns the sessions `pred` selects (e.g. those whose backend is gone). */
  removeWhere(pred: (s: S) => boolean): S[] {
    const out: S[] = [];
    for (const [client, e] of this.entries) {
      if (!pred(e.session)) continue;
      this.entries.delete(client);
      out.push(e.session);
    }
    return out;
  }

  /** Removes and returns every session. */
  clear(): S[] {
    const out = [...this.entries.values()].map((e) => e.session);
    this.entries.clear();
    return out;
  }
}
