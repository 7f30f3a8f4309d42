/** Host ports in use on a node, as upstream framework.HostPortInfo (ip → protocol/port set). */
import type { Pod } from 'kubernetes-types/core/v1.js';

export interface HostPort {
  hostIP: string;
  protocol: string;
  hostPort: number;
}

const ANY_IP = '0.0.0.0';

function sanitize(p: { hostIP?: string; protocol?: string; hostPort: number }): HostPort {
  return { hostIP: p.hostIP || ANY_IP, protocol: p.protocol || 'TCP', hostPort: p.hostPort };
}

/** schedutil.GetHostPorts: every container port with a hostPort > 0. */
export function podHostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if ((p.hostPort ?? 0) > 0) out.push(sanitize({ hostIP: p.hostIP, protocol: p.protocol, hostPort: p.hostPort ?? 0 }));
  }
  return out;
}

export class HostPortInfo {
  /** ip → "protocol/port" → number of pods using it */
  private readonly byIP = new Map<string, Map<string, number>>();

  get size(): number {
    return this.byIP.size;
  }

  add(p: HostPort): void {
    let m = this.byIP.get(p.hostIP);
    if (!m) this.byIP.set(p.hostIP, (m = new Map<string, number>()));
    const k = `${p.protocol}/${p.hostPort}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }

  remove(p: HostPort): void {
    const m = this.byIP.get(p.hostIP);
    if (!m) return;
    const k = `${p.protocol}/${p.hostPort}`;
    const n = (m.get(k) ?? 0) - 1;
    if (n > 0) m.set(k, n);
    else m.delete(k);
    if (m.size === 0) this.byIP.delete(p.hostIP);
  }

  /** 0.0.0.0 conflicts with every IP; a specific IP conflicts with itself and 0.0.0.0. */
  conflicts(p: HostPort): boolean {
    const k = `${p.protocol}/${p.hostPort}`;
    if (p.hostIP === ANY_IP) {
      for (const m of this.byIP.values()) if (m.has(k)) return true;
      return false;
    }
    return !!this.byIP.get(p.hostIP)?.has(k) || !!this.byIP.get(ANY_IP)?.has(k);
  }
}
