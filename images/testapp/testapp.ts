/**
 * kubemu's test workload, in the spirit of upstream's agnhost: one self-contained script (node builtins only) that
 * images/testapp/build.sh bakes into `kubemu/testapp:local` beside busybox (`sh`, `tar`, … for exec and kubectl cp).
 *
 *   testapp serve [--port=8080] [--udp-port=N] [--term-delay=MS] [--ignore-term]
 *       GET /                  → the pod name (env POD_NAME, else the hostname)
 *       GET /hostname          → the hostname
 *       GET /echo?msg=TEXT     → TEXT
 *       GET /healthz, /readyz  → 200 ok, or 500 while failing (toggle: /fail-health?on=1|0, /fail-ready?on=1|0,
 *                                or create /tmp/fail-health, /tmp/fail-ready)
 *       GET /exit?code=N       → answers, then exits with N
 *       GET /sleep?ms=N        → answers after N ms
 *       GET /env?name=X        → the value of environment variable X
 *     with --udp-port=N (or env UDP_PORT): a UDP echo on N — each datagram is answered with
 *       "<pod name> <the datagram>" (the pod name tells which backend answered through a Service)
 *     SIGTERM/SIGINT: exit 0 after --term-delay ms; with --ignore-term the signal is ignored (SIGKILL needed).
 *   testapp exit CODE [--after=MS]       exits with CODE (after MS)
 *   testapp sleep SECONDS                sleeps, then exits 0 (SIGTERM exits at once)
 *   testapp log-lines [--count=N] [--interval=MS] [--stderr]   prints "line 1" … "line N", then sleeps
 */
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';

type Flags = Map<string, string>;

function parseArgs(argv: string[]): { cmd: string; positional: string[]; flags: Flags } {
  const flags: Flags = new Map();
  const positional: string[] = [];
  for (const a of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m) flags.set(m[1], m[2] ?? 'true');
    else positional.push(a);
  }
  return { cmd: positional.shift() ?? 'serve', positional, flags };
}

function num(flags: Flags, name: string, dflt: number): number {
  const v = flags.get(name);
  const n = v === undefined ? dflt : Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name}: not a number: ${v}`);
  return n;
}

function log(msg: string): void {
  process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
}

function onTerm(delayMs: number, ignore: boolean, cleanup?: () => void): void {
  const handler = (sig: NodeJS.Signals): void => {
    if (ignore) {
      log(`received ${sig}, ignoring it`);
      return;
    }
    log(`received ${sig}, exiting in ${delayMs}ms`);
    setTimeout(() => {
      cleanup?.();
      process.exit(0);
    }, delayMs);
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

function serve(flags: Flags): void {
  const port = num(flags, 'port', 8080);
  const state = { failHealth: false, failReady: false };
  const podName = process.env.POD_NAME || os.hostname();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const q = url.searchParams;
    const send = (code: number, body: string): void => {
      res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    log(`${req.method ?? 'GET'} ${url.pathname}${url.search}`);
    switch (url.pathname) {
      case '/':
        return send(200, podName);
      case '/hostname':
        return send(200, os.hostname());
      case '/echo':
        return send(200, q.get('msg') ?? '');
      case '/env':
        return send(200, process.env[q.get('name') ?? ''] ?? '');
      case '/healthz':
        return state.failHealth || existsSync('/tmp/fail-health') ? send(500, 'failing') : send(200, 'ok');
      case '/readyz':
        return state.failReady || existsSync('/tmp/fail-ready') ? send(500, 'not ready') : send(200, 'ok');
      case '/fail-health':
        state.failHealth = q.get('on') !== '0';
        return send(200, `fail-health=${state.failHealth}`);
      case '/fail-ready':
        state.failReady = q.get('on') !== '0';
        return send(200, `fail-ready=${state.failReady}`);
      case '/exit': {
        const code = Number(q.get('code') ?? '0');
        send(200, `exiting with ${code}`);
        setTimeout(() => process.exit(code), 50);
        return;
      }
      case '/sleep': {
        const ms = Number(q.get('ms') ?? '1000');
        setTimeout(() => send(200, `slept ${ms}ms`), ms);
        return;
      }
      default:
        return send(404, 'not found');
    }
  });
  const udpPort = num(flags, 'udp-port', Number(process.env.UDP_PORT ?? '0'));
  const udp = udpPort > 0 ? udpEcho(udpPort, podName) : undefined;
  onTerm(num(flags, 'term-delay', 0), flags.has('ignore-term'), () => {
    server.close();
    udp?.close();
  });
  server.listen(port, '0.0.0.0', () => log(`serving on :${port} as ${podName}`));
}

function udpEcho(port: number, podName: string): dgram.Socket {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, from) => sock.send(Buffer.concat([Buffer.from(`${podName} `), msg]), from.port, from.address));
  sock.on('error', (e) => log(`udp: ${e.message}`));
  sock.bind(port, '0.0.0.0', () => log(`udp echo on :${port}`));
  return sock;
}

function main(): void {
  const { cmd, positional, flags } = parseArgs(process.argv.slice(2));
  switch (cmd) {
    case 'serve':
      return serve(flags);
    case 'exit': {
      const code = Number(positional[0] ?? '0');
      const after = num(flags, 'after', 0);
      log(`exiting with ${code} in ${after}ms`);
      onTerm(0, false);
      setTimeout(() => process.exit(code), after);
      return;
    }
    case 'sleep': {
      const seconds = Number(positional[0] ?? '3600');
      onTerm(0, flags.has('ignore-term'));
      setTimeout(() => process.exit(0), seconds * 1000);
      return;
    }
    case 'log-lines': {
      const count = num(flags, 'count', 10);
      const interval = num(flags, 'interval', 100);
      const out = flags.has('stderr') ? process.stderr : process.stdout;
      onTerm(0, false);
      let i = 0;
      const tick = (): void => {
        if (i >= count) {
          setInterval(() => undefined, 3600_000);
          return;
        }
        out.write(`line ${++i}\n`);
        setTimeout(tick, interval);
      };
      tick();
      return;
    }
    default:
      process.stderr.write(`unknown command ${cmd}; use serve, exit, sleep or log-lines\n`);
      process.exit(2);
  }
}

main();
