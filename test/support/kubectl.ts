import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { kubeconfigText } from '../../cli/cluster.js';

export interface Kubectl {
  kubeconfig: string;
  /** runs kubectl to completion; resolves with exit code, stdout and stderr (never rejects on non-zero exit) */
  run(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** starts a long-running kubectl (e.g. get -w) */
  spawn(args: string[]): ChildProcess;
}

/** Writes a kubeconfig for `server` and returns a runner for the real kubectl with its own cache dir. */
export function kubectlFor(server: string): Kubectl {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubemu-kubectl-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigText(server));
  const base = ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache')];
  return {
    kubeconfig,
    run: (args, opts = {}) =>
      new Promise((resolve) => {
        const child = execFile('kubectl', [...base, ...args], { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
        if (opts.input !== undefined) child.stdin?.end(opts.input);
      }),
    spawn: (args) => spawn('kubectl', [...base, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }),
  };
}
