import type { Backend } from './rules.js';

/**
 * Picks a backend for a new connection: round-robin, or sticky per client IP for `affinitySeconds`
 * after the client's last connection (upstream's ClientIP session affinity). Pure apart from the
 * injected clock; the backend list is swapped atomically when endpoints change.
 */
export class Balancer {
  private backends: Backend[] = [];
  private next = 0;
  private affinitySeconds: number | undefined;
  private readonly sticky = new Map<string, { backend: Backend; lastUsed: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  update(backends: Backend[], affinitySeconds: number | undefined): void {
    this.backends = backends;
    this.affinitySeconds = affinitySeconds;
    if (affinitySeconds === undefined) this.sticky.clear();
    const live = new Set(backends.map(key));
    for (const [client, s] of this.sticky) if (!live.has(key(s.backend))) this.sticky.delete(client);
    if (this.next >= backends.length) this.next = 0;
  }

  get size(): number {
    return this.backends.length;
  }

  pick(clientIp: string): Backend | undefined {
    if (this.backends.length === 0) return undefined;
    const now = this.now();
    if (this.affinitySeconds !== undefined) {
      const s = this.sticky.get(clientIp);
      if (s && now - s.lastUsed <= this.affinitySeconds * 1000) {
        s.lastUsed = now;
        return s.backend;
      }
    }
    const b = this.backends[this.next % this.backends.length];
    this.next = (this.next + 1) % this.backends.length;
    if (this.affinitySeconds !== undefined) this.sticky.set(clientIp, { backend: b, lastUsed: now });
    return b;
  }
}

function key(b: Backend): string {
  return `${b.ip}:${b.port}`;
}
