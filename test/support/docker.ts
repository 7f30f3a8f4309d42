import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs the docker CLI; throws with its stderr on failure. */
export async function docker(args: string[], timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await run('docker', args, { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 });
    return stdout.trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`docker ${args.join(' ')} failed: ${err.stderr?.trim() || err.message}`);
  }
}

/**
 * Fails loudly when Docker is not reachable. Tests that need Docker call this first: under CI a missing
 * engine is a failure, never a silent pass.
 */
export async function requireDocker(): Promise<void> {
  try {
    await docker(['version', '--format', '{{.Server.Version}}'], 15_000);
  } catch (e) {
    throw new Error(`this test needs a running Docker Engine (start dockerd): ${(e as Error).message}`);
  }
}
