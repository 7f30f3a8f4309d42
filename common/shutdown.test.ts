import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { FakeClock } from './clock.js';
import { silentLogger } from './logger.js';
import { Shutdown } from './shutdown.js';

const log = silentLogger();

test('closers run in reverse registration order and done resolves 0', async () => {
  const s = new Shutdown(log);
  const order: string[] = [];
  s.register('etcd client', async () => void order.push('etcd client'));
  s.register('informers', async () => void order.push('informers'));
  s.register('http server', async () => void order.push('http server'));
  assert.equal(s.signal.aborted, false);
  const code = await s.shutdown('test');
  assert.equal(code, 0);
  assert.equal(await s.done, 0);
  assert.deepEqual(order, ['http server', 'informers', 'etcd client']);
});

test('the signal aborts as soon as shutdown starts, before closers run', async () => {
  const s = new Shutdown(log);
  let abortedWhenClosing = false;
  s.register('x', async () => {
    abortedWhenClosing = s.signal.aborted;
  });
  const p = s.shutdown('because');
  assert.equal(s.signal.aborted, true);
  assert.match(String((s.signal.reason as Error).message), /shutting down: because/);
  await p;
  assert.equal(abortedWhenClosing, true);
});

test('a failing closer makes the exit code 1 but the others still run', async () => {
  const s = new Shutdown(log);
  const ran: string[] = [];
  s.register('a', async () => void ran.push('a'));
  s.register('b', async () => {
    throw new Error('boom');
  });
  s.register('c', async () => void ran.push('c'));
  assert.equal(await s.shutdown('test'), 1);
  assert.deepEqual(ran, ['c', 'a']);
});

test('a hanging closer is cut by its timeout', async () => {
  const clock = new FakeClock();
  const s = new Shutdown(log, { closerTimeoutMs: 5000, clock });
  const ran: string[] = [];
  s.register('first', async () => void ran.push('first'));
  s.register('hangs', () => new Promise<void>(() => {}));
  let code: number | undefined;
  void s.shutdown('test').then((c) => (code = c));
  await clock.advance(4999);
  assert.equal(code, undefined, 'still waiting for the hanging closer');
  assert.deepEqual(ran, []);
  await clock.advance(1);
  assert.equal(await s.done, 1);
  assert.equal(code, 1);
  assert.deepEqual(ran, ['first']);
});

test('shutdown is idempotent', async () => {
  const s = new Shutdown(log);
  let n = 0;
  s.register('x', async () => void n++);
  const [a, b] = await Promise.all([s.shutdown('one'), s.shutdown('two')]);
  assert.equal(a, 0);
  assert.equal(b, 0);
  assert.equal(n, 1);
});

test('unregistered closers do not run; closers registered during shutdown run next', async () => {
  const s = new Shutdown(log);
  const ran: string[] = [];
  s.register('a', async () => void ran.push('a'));
  const off = s.register('gone', async () => void ran.push('gone'));
  s.register('b', async () => {
    ran.push('b');
    s.register('late', async () => void ran.push('late'));
  });
  off();
  await s.shutdown('test');
  assert.deepEqual(ran, ['b', 'late', 'a']);
});

test('SIGTERM/SIGINT from a signal source start the shutdown; a second signal gives up with 1', async () => {
  const source = new EventEmitter();
  const s = new Shutdown(log);
  let release!: () => void;
  s.register('slow', () => new Promise<void>((r) => (release = r)));
  const uninstall = s.installSignalHandlers(source);
  assert.equal(s.started, false);
  source.emit('SIGTERM', 'SIGTERM');
  assert.equal(s.started, true);
  assert.equal(s.signal.aborted, true);
  source.emit('SIGINT', 'SIGINT');
  assert.equal(await s.done, 1);
  release();
  uninstall();
  assert.equal(source.listenerCount('SIGTERM'), 0);
  assert.equal(source.listenerCount('SIGINT'), 0);
});

test('a real SIGTERM to a child process runs the closers and exits with done', { timeout: 15_000 }, async () => {
  const shutdownUrl = new URL('./shutdown.js', import.meta.url).href;
  const loggerUrl = new URL('./logger.js', import.meta.url).href;
  const script = `
    const { Shutdown } = await import(${JSON.stringify(shutdownUrl)});
    const { silentLogger } = await import(${JSON.stringify(loggerUrl)});
    const s = new Shutdown(silentLogger());
    s.installSignalHandlers();
    const keepAlive = setInterval(() => {}, 1000);
    s.register('timer', async () => clearInterval(keepAlive));
    s.register('server', async () => { process.stdout.write('closing server\\n'); });
    process.stdout.write('ready\\n');
    process.exitCode = await s.done;
    process.stdout.write('done ' + process.exitCode + '\\n');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', (d: string) => {
      out += d;
      if (out.includes('ready')) resolve();
    });
  });
  await ready;
  child.kill('SIGTERM');
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  assert.equal(signal, null, 'the process must exit by itself, not die of the signal');
  assert.equal(code, 0);
  assert.match(out, /ready\nclosing server\ndone 0\n/);
});
