import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { silentLogger } from '../common/logger.js';
import { PortListener, type ListenerStats } from './listener.js';
import type { PortRule } from './rules.js';

/** A backend that echoes every chunk back, upper-cased. */
function startBackend(): Promise<net.Server> {
  return new Promise((resolve) => {
    const s = net.createServer((c) => {
      c.on('data', (d: Buffer) => c.write(d.toString().toUpperCase()));
      c.on('error', () => c.destroy());
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

async function freePort(): Promise<number> {
  const s = await new Promise<net.Server>((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function connect(port: number): Promise<net.Socket | string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => resolve(s));
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

function roundTrip(s: net.Socket, msg: string): Promise<string> {
  return new Promise((resolve) => s.once('data', (d: Buffer) => resolve(d.toString())).write(msg));
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * A backend that sends `download` on connect, hashes what it receives until the client's FIN and then answers
 * with that hash (so the answer only arrives if a half-closed client can still receive).
 */
function startHashBackend(download: Buffer): Promise<net.Server> {
  return new Promise((resolve) => {
    const s = net.createServer({ allowHalfOpen: true }, (c) => {
      const h = createHash('sha256');
      c.write(download);
      c.on('data', (d: Buffer) => h.update(d));
      c.on('end', () => c.end(`\n${h.digest('hex')}`));
      c.on('error', () => c.destroy());
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

async function waitUntil(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond());
}

describe('PortListener: TCP forwarding to ready endpoints', () => {
  let backend: net.Server;
  let port = 0;
  const stats: ListenerStats = { onConnection: () => undefined, onBytes: () => undefined };
  const rule = (ready: boolean): PortRule => ({
    listenKey: `127.0.0.1:${port}`,
    host: '127.0.0.1',
    hostPort: port,
    protocol: 'TCP',
    service: 'default/echo',
    portName: 'tcp',
    kind: 'NodePort',
    backends: ready ? [{ ip: '127.0.0.1', port: (backend.address() as net.AddressInfo).port }] : [],
    affinitySeconds: undefined,
  });

  before(async () => {
    backend = await startBackend();
    port = await freePort();
  });
  after(async () => {
    await new Promise((r) => backend.close(r));
  });

  test('losing every endpoint refuses new connections at once without waiting for open ones, which finish', async () => {
    const l = new PortListener(rule(true), silentLogger(), stats);
    await l.apply(rule(true));
    const open = await connect(port);
    assert.ok(open instanceof net.Socket);
    assert.equal(await roundTrip(open, 'one'), 'ONE');

    // a long-lived connection must not hold up programming (the sync worker awaits apply)
    const applied = await Promise.race([l.apply(rule(false)).then(() => 'applied'), new Promise((r) => setTimeout(() => r('stuck'), 1000))]);
    assert.equal(applied, 'applied');
    assert.equal(l.listening, false);
    assert.equal(await connect(port), 'ECONNREFUSED');
    assert.equal(await roundTrip(open, 'two'), 'TWO', 'the open connection keeps working');

    await l.apply(rule(true));
    const again = await connect(port);
    assert.ok(again instanceof net.Socket);
    assert.equal(await roundTrip(again, 'three'), 'THREE');

    const closed = Promise.all([open, again].map((s) => new Promise((r) => s.once('close', r))));
    await l.close();
    await closed;
    assert.equal(await connect(port), 'ECONNREFUSED');
  });

  test('relays large transfers intact both ways under backpressure, half-close included, and counts the bytes', { timeout: 20_000 }, async () => {
    const download = randomBytes(24 * 1024 * 1024);
    const upload = randomBytes(8 * 1024 * 1024);
    const hashBackend = await startHashBackend(download);
    const bytes = { in: 0, out: 0 };
    const counting: ListenerStats = { onConnection: () => undefined, onBytes: (_r, dir, n) => (bytes[dir] += n) };
    const r: PortRule = { ...rule(true), backends: [{ ip: '127.0.0.1', port: (hashBackend.address() as net.AddressInfo).port }] };
    const l = new PortListener(r, silentLogger(), counting);
    await l.apply(r);
    const received = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const c = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => c.end(upload));
      // a slow reader now and then, so the proxy has to stop reading from the backend and resume
      let n = 0;
      c.on('data', (d: Buffer) => {
        chunks.push(d);
        if (++n % 20 === 0) {
          c.pause();
          setTimeout(() => c.resume(), 5);
        }
      });
      c.on('end', () => resolve(Buffer.concat(chunks)));
      c.on('error', reject);
    });
    assert.equal(received.length, download.length + 65);
    assert.equal(sha(received.subarray(0, download.length)), sha(download), 'the download arrived intact');
    assert.equal(received.subarray(download.length).toString(), `\n${sha(upload)}`, 'the upload arrived intact, and the answer after the client shut down its side');
    await waitUntil(() => bytes.in > 0);
    assert.deepEqual(bytes, { in: upload.length, out: download.length + 65 });
    await l.close();
    await new Promise((res) => hashBackend.close(res));
  });

  test('retire closes the port at once; the open connection finishes', async () => {
    const l = new PortListener(rule(true), silentLogger(), stats);
    await l.apply(rule(true));
    const open = await connect(port);
    assert.ok(open instanceof net.Socket);
    await l.retire();
    assert.equal(await connect(port), 'ECONNREFUSED');
    assert.equal(await roundTrip(open, 'still'), 'STILL');
    open.destroy();
    await l.close();
  });
});
