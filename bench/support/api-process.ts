import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../common/logger.js';
import { sleep } from './pool.js';

const API_SERVER_MAIN = fileURLToPath(new URL('../../api-server/main.js', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const LOG_TAIL_LINES = 200;

/** The api-server running as its own process (as in production), on a loopback port. */
export interface ApiProcess {
  pid: number;
  url: string;
  /** resident set size of the process in MiB, from /proc/<pid>/status */
  rssMiB(): Promise<number>;
  /** warn/error log lines the process printed (last 200), for reports */
  problems(): string[];
  /** set once the process exited on its own */
  exited(): string | undefined;
  stop(): Promise<void>;
}

/** Asks the kernel for a free loopback port (the api-server is then told to use it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** `extraArgs`: more api-server flags, e.g. `--service-cluster-ip-range`. */
export async function startApiProcess(etcdEndpoint: string, log: Logger, extraArgs: string[] = []): Promise<ApiProcess> {
  const port = await freePort();
  const args = [
    API_SERVER_MAIN,
    '--etcd-servers', etcdEndpoint,
    '--port', String(port),
    '--bind-address', '127.0.0.1',
    '--compaction-interval', '0',
    '--log-level', 'warn',
    ...extraArgs,
  ];
  const child = spawn(process.execPath, [...componentNodeArgs(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const problems: string[] = [];
  let exitReason: string | undefined;
  collectLines(child, (line) => {
    problems.push(line.slice(0, 500));
    if (problems.length > LOG_TAIL_LINES) problems.shift();
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitReason = `api-server exited (code ${code ?? '-'}, signal ${signal ?? '-'})`;
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${API_SERVER_MAIN}`);
  const url = `http://127.0.0.1:${port}`;
  const proc: ApiProcess = {
    pid,
    url,
    rssMiB: () => readRssMiB(pid),
    problems: () => [...problems],
    exited: () => exitReason,
    stop: async () => {
      if (exitReason) return;
      child.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
      if (!killed) {
        log.warn({ pid }, 'api-server did not stop on SIGTERM; sending SIGKILL');
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  try {
    await waitReady(proc);
  } catch (e) {
    await proc.stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}; last output: ${problems.slice(-5).join(' | ')}`);
  }
  log.info({ pid, url }, 'api-server process ready');
  return proc;
}

function collectLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) onLine(line);
      }
    });
  }
}

async function waitReady(proc: ApiProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const why = proc.exited();
    if (why) throw new Error(why);
    try {
      const res = await fetch(`${proc.url}/readyz`, { signal: AbortSignal.timeout(2000) });
      const text = await res.text();
      if (res.status === 200) return;
      last = `HTTP ${res.status}: ${text.slice(0, 200)}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await sleep(100);
  }
  throw new Error(`api-server at ${proc.url} not ready within ${READY_TIMEOUT_MS} ms (${last})`);
}

export async function readRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb) / 1024;
}

/**
 * Extra Node.js flags for every component process a benchmark spawns, from KUBEMU_BENCH_NODE_ARGS
 * (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them; NODE_OPTIONS does not allow --cpu-prof).
 */
export function componentNodeArgs(): string[] {
  return (process.env.KUBEMU_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

/** CPU time (user + system, all threads) a process has used so far, in ms, from /proc/<pid>/stat (USER_HZ = 100). */
export async function readCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11] = utime, fields[12] = stime (stat fields 14 and 15)
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
