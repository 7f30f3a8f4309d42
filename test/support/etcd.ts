import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import net from 'node:net';
import { Etcd3 } from 'etcd3';
import { docker, requireDocker } from './docker.js';

export const ETCD_IMAGE = process.env.KUBEMU_ETCD_IMAGE ?? 'kubemu/etcd:local';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface EtcdHandle {
  endpoint: string;
  container: string;
  stop(): Promise<void>;
  /** docker stop + start the same container (data kept); resolves once it serves again. */
  restart(): Promise<void>;
  pause(): Promise<void>;
  unpause(): Promise<void>;
}

let imageReady: Promise<void> | undefined;

/** Builds the local etcd image once per process if it is missing (no registry needed). */
export function ensureEtcdImage(): Promise<void> {
  imageReady ??= (async () => {
    await requireDocker();
    try {
      await docker(['image', 'inspect', ETCD_IMAGE], 15_000);
    } catch {
      await docker(['version'], 15_000); // surface a docker failure rather than a build failure
      const { execFile } = await import('node:child_process');
      await new Promise<void>((resolve, reject) =>
        execFile(path.join(repoRoot, 'images/etcd/build.sh'), [ETCD_IMAGE], (err, _o, stderr) =>
          err ? reject(new Error(`building ${ETCD_IMAGE} failed: ${stderr}`)) : resolve(),
        ),
      );
    }
  })();
  return imageReady;
}

/** Starts a real etcd in a throwaway container on a random loopback port. */
export async function startEtcd(): Promise<EtcdHandle> {
  await ensureEtcdImage();
  const name = `kubemu-test-etcd-${randomBytes(4).toString('hex')}`;
  // a fixed host port (not a random one): `docker restart` keeps it, so restart tests reconnect
  const hostPort = await freePort();
  await docker([
    'run', '-d', '--rm', '--name', name,
    '--label', 'io.kubemu.cluster=test',
    '-p', `127.0.0.1:${hostPort}:2379`,
    ETCD_IMAGE,
    '--listen-client-urls', 'http://0.0.0.0:2379',
    '--advertise-client-urls', 'http://127.0.0.1:2379',
  ]);
  const endpoint = `http://127.0.0.1:${hostPort}`;
  await waitHealthy(endpoint);
  return {
    endpoint,
    container: name,
    stop: async () => {
      await docker(['rm', '-f', name]).catch(() => undefined);
    },
    restart: async () => {
      await docker(['restart', '-t', '1', name]);
      await waitHealthy(endpoint);
    },
    pause: async () => {
      await docker(['pause', name]);
    },
    unpause: async () => {
      await docker(['unpause', name]);
      await waitHealthy(endpoint);
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(endpoint: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last: unknown;
  while (Date.now() < deadline) {
    const client = new Etcd3({ hosts: endpoint, dialTimeout: 1000 });
    try {
      await client.get('health-probe').string();
      return;
    } catch (e) {
      last = e;
    } finally {
      client.close();
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`etcd at ${endpoint} did not become healthy: ${String(last)}`);
}
