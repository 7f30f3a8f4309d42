import { run, runInherit, CliError } from './exec.js';

export const PROJECT = 'kubemu';

/** `docker compose` (v2 plugin) or Debian's `docker-compose` (v1.29), whichever this machine has. */
export interface Compose {
  label: string;
  run(args: string[], opts?: { quiet?: boolean }): Promise<{ code: number; stdout: string; stderr: string }>;
}

export async function detectCompose(repoRoot: string): Promise<Compose> {
  const file = `${repoRoot}/docker-compose.yml`;
  const v2 = await run('docker', ['compose', 'version', '--short'], { timeoutMs: 15_000 });
  const base: [string, string[]] | undefined =
    v2.code === 0
      ? ['docker', ['compose']]
      : (await run('docker-compose', ['version', '--short'], { timeoutMs: 15_000 })).code === 0
        ? ['docker-compose', []]
        : undefined;
  if (!base) throw new CliError('neither `docker compose` nor `docker-compose` is available: install Docker Compose (e.g. apt-get install -y docker-compose)');
  const [cmd, pre] = base;
  const label = cmd === 'docker' ? `docker compose ${v2.stdout.trim()}` : 'docker-compose';
  return {
    label,
    run: async (args, opts = {}) => {
      const full = [...pre, '-p', PROJECT, '-f', file, ...args];
      if (opts.quiet) return run(cmd, full, { cwd: repoRoot });
      const code = await runInherit(cmd, full, { cwd: repoRoot });
      return { code, stdout: '', stderr: '' };
    },
  };
}
