/** An IPv4 CIDR such as the service range 10.96.0.0/12 (pure). */
export interface Ipv4Cidr {
  /** normalized text, e.g. `10.96.0.0/12` */
  readonly text: string;
  contains(ip: string): boolean;
  /** the first usable address (network + 1), e.g. 10.96.0.1 */
  readonly firstHost: string;
}

export function parseIpv4Cidr(cidr: string): Ipv4Cidr {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr.trim());
  const base = m ? ipv4ToNumber(m[1]) : NaN;
  const bits = m ? Number(m[2]) : NaN;
  if (!Number.isFinite(base) || !(bits >= 0 && bits <= 32)) throw new Error(`invalid IPv4 CIDR ${JSON.stringify(cidr)}`);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  const network = (base & mask) >>> 0;
  return {
    text: `${numberToIpv4(network)}/${bits}`,
    contains: (ip) => {
      const n = ipv4ToNumber(ip);
      return Number.isFinite(n) && ((n & mask) >>> 0) === network;
    },
    firstHost: numberToIpv4(bits >= 31 ? network : network + 1),
  };
}

function ipv4ToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) return NaN;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return NaN;
    n = n * 256 + Number(p);
  }
  return n;
}

function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
