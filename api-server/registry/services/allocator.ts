import { randomInt } from 'node:crypto';

/**
 * Picks free values from a range, given what is in use. The set of used values is derived from the
 * services cache on every call (nothing to persist); `reserve` covers writes still in flight, so two
 * creates racing in this process never get the same value.
 * The lowest `staticBand` values are handed out only once the rest is full, so values people request
 * explicitly (e.g. the kube-dns ClusterIP 10.96.0.10) stay free, as upstream (KEP-3070, KEP-3668).
 */
export class RangeAllocator<T extends string | number> {
  private readonly reserved = new Map<T, number>();

  constructor(
    private readonly size: number,
    private readonly valueAt: (i: number) => T,
    private readonly staticBand = 0,
    private readonly reservationMs = 30_000,
  ) {}

  allocate(used: Set<T>, now = Date.now()): T | undefined {
    this.expire(now);
    const band = Math.min(this.staticBand, this.size);
    return this.pick(band, this.size, used, now) ?? this.pick(0, band, used, now);
  }

  /** A free value with index in [from, to), searched from a random start. */
  private pick(from: number, to: number, used: Set<T>, now: number): T | undefined {
    const n = to - from;
    if (n <= 0) return undefined;
    const start = randomInt(n);
    for (let k = 0; k < n; k++) {
      const v = this.valueAt(from + ((start + k) % n));
      if (!used.has(v) && !this.reserved.has(v)) {
        this.reserved.set(v, now);
        return v;
      }
    }
    return undefined;
  }

  /** Marks an explicitly requested value as taken; false when it is in use. */
  claim(v: T, used: Set<T>, now = Date.now()): boolean {
    this.expire(now);
    if (used.has(v) || this.reserved.has(v)) return false;
    this.reserved.set(v, now);
    return true;
  }

  release(v: T): void {
    this.reserved.delete(v);
  }

  private expire(now: number): void {
    for (const [v, t] of this.reserved) if (now - t > this.reservationMs) this.reserved.delete(v);
  }
}

/** 10.96.0.0/12 → index i maps to 10.96.0.0 + i (skipping network and broadcast addresses). */
export function ipv4Range(cidr: string): { size: number; at: (i: number) => string; contains: (ip: string) => boolean } {
  const [base, bitsStr] = cidr.split('/');
  const bits = Number(bitsStr);
  const baseNum = ipToNum(base) & (bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0);
  const total = 2 ** (32 - bits);
  return {
    size: total - 2,
    at: (i) => numToIp(baseNum + 1 + i),
    contains: (ip) => {
      const n = ipToNum(ip);
      return Number.isFinite(n) && n > baseNum && n < baseNum + total - 1;
    },
  };
}

export function ipToNum(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) return NaN;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return NaN;
    n = n * 256 + Number(p);
  }
  return n;
}

export function numToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Upstream's static band for Service ClusterIPs: min(max(16, size/16), 256) lowest addresses. */
export function clusterIPStaticBand(size: number): number {
  return Math.min(Math.max(16, Math.floor(size / 16)), 256);
}

/** Upstream's static band for NodePorts: min(max(16, size/32), 128) lowest ports. */
export function nodePortStaticBand(size: number): number {
  return Math.min(Math.max(16, Math.floor(size / 32)), 128);
}
