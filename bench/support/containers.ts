import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export async function docker(args: string[]): Promise<string> {
  const { stdout } = await exec('docker', args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** The Node runtime image assembled from this machine (images/node-base/build.sh); built if missing. */
export async function ensureNodeBase(): Promise<string> {
  await exec(path.join(repoRoot, 'images/node-base/build.sh'), [], { cwd: repoRoot });
  return 'kubemu/node-base:local';
}

export interface Container {
  id: string;
  ip: string;
}

/** Runs a labelled container on a network and returns its IP there. */
export async function runContainer(network: string, image: string, cmd: string[], label: string): Promise<Container> {
  const id = await docker(['run', '-d', '--rm', '--network', network, '--label', `io.kubemu.cluster=${label}`, image, ...cmd]);
  const ip = await docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, id]);
  return { id, ip };
}

export async function createNetwork(name: string, label: string): Promise<void> {
  await docker(['network', 'rm', name]).catch(() => undefined);
  await docker(['network', 'create', '--label', `io.kubemu.cluster=${label}`, name]);
}

export async function removeByLabel(label: string, network?: string): Promise<void> {
  const ids = (await docker(['ps', '-aq', '--filter', `label=io.kubemu.cluster=${label}`])).split('\n').filter(Boolean);
  if (ids.length) await docker(['rm', '-f', ...ids]).catch(() => undefined);
  if (network) await docker(['network', 'rm', network]).catch(() => undefined);
}
