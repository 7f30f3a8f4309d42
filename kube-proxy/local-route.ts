import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import type { Ipv4Cidr } from './cidr.js';

export interface LocalRouteResult {
  /** ClusterIPs can be bound on this host (the route is there, installed now or before) */
  usable: boolean;
  /** why the route could not be installed (also set when it was there already and is usable) */
  error?: string;
}

const ROUTE_TIMEOUT_MS = 5000;

/**
 * Makes every address of the service CIDR local to this host with one AnyIP route,
 * `ip route replace local <cidr> dev lo` (what IPVS mode's dummy interface does per address, in one
 * route), so kube-proxy can bind a socket on each `<clusterIP>:<port>` and pods' packets to ClusterIPs,
 * which their Docker bridge hands to the host as their gateway, land on it. Needs NET_ADMIN in the
 * host's network namespace. `replace` is idempotent; the route is left in place on exit (removing it
 * would cut every ClusterIP while a restarted kube-proxy restores its sockets). Whether ClusterIPs are
 * usable is then checked by binding the range's first address.
 */
export async function ensureLocalRoute(cidr: Ipv4Cidr, ipCommand = 'ip'): Promise<LocalRouteResult> {
  const args = ['route', 'replace', 'local', cidr.text, 'dev', 'lo'];
  const error = await new Promise<string | undefined>((resolve) => {
    execFile(ipCommand, args, { timeout: ROUTE_TIMEOUT_MS }, (err, _stdout, stderr) => {
      if (!err) return resolve(undefined);
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${ipCommand}: command not found` : stderr.trim() || err.message;
      resolve(`${ipCommand} ${args.join(' ')} failed: ${why}`);
    });
  });
  return { usable: await canBind(cidr.firstHost), error };
}

function canBind(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    sock.once('error', () => {
      sock.close();
      resolve(false);
    });
    sock.bind({ address, port: 0 }, () => sock.close(() => resolve(true)));
  });
}
