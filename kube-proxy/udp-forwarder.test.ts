import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { silentLogger } from '../common/logger.js';
import type { PortRule } from './rules.js';
import { UdpForwarder, type UdpStats } from './udp-forwarder.js';

/** Backends stand in for pods: UDP echo sockets on distinct loopback IPs, answering "<name> <datagram>". */
const BACKEND_IPS = ['127.0.0.2', '127.0.0.3'];

function bindUdp(address: string, port = 0): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind({ address, port }, () => resolve(s));
  });
}

/** A connected client socket: sends, then resolves with the reply (or the socket error, e.g. ECONNREFUSED). */
async function client(port: number): Promise<{ ask(msg: string): Promise<string>; close(): void }> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.connect(port, '127.0.0.1', () => r()));
  return {
    ask: (msg) =>
      new Promise((resolve) => {
        const done = (v: string): void => {
          clearTimeout(timer);
          s.off('message', onMsg);
          s.off('error', onErr);
          resolve(v);
        };
        const onMsg = (m: Buffer, from: dgram.RemoteInfo): void => done(from.address === '127.0.0.1' && from.port === port ? m.toString() : `from ${from.address}:${from.port}`);
        const onErr = (e: NodeJS.ErrnoException): void => done(e.code ?? e.message);
        const timer = setTimeout(() => done('timeout'), 2000);
        s.on('message', onMsg);
        s.on('error', onErr);
        s.send(msg);
      }),
    close: () => s.close(),
  };
}

describe('UDP forwarder: sessions per client, balanced, replies from the Service address', () => {
  const backends: dgram.Socket[] = [];
  let backendPort = 0;
  let port = 0;
  const counts = { forwarded: 0, replied: 0, dropped: 0 };
  const stats: UdpStats = { onDatagram: (_r, outcome) => counts[outcome]++ };
  let fwd: UdpForwarder;

  const rule = (ips: string[], affinitySeconds?: number): PortRule => ({
    listenKey: `127.0.0.1:${port}/UDP`,
    host: '127.0.0.1',
    hostPort: port,
    protocol: 'UDP',
    service: 'default/echo',
    portName: 'udp',
    kind: 'ClusterIP',
    backends: ips.map((ip) => ({ ip, port: backendPort })),
    affinitySeconds,
  });

  before(async () => {
    const first = await bindUdp(BACKEND_IPS[0]);
    backendPort = first.address().port;
    backends.push(first, await bindUdp(BACKEND_IPS[1], backendPort));
    for (const b of backends) b.on('message', (m, from) => b.send(`pod-${b.address().address.split('.')[3]} ${m.toString()}`, from.port, from.address));
    const probe = await bindUdp('127.0.0.1');
    port = probe.address().port;
    probe.close();
    fwd = new UdpForwarder(rule(BACKEND_IPS), silentLogger(), stats, { idleMs: 30_000, max: 3 });
    await fwd.apply(rule(BACKEND_IPS));
  });

  after(async () => {
    await fwd.close();
    for (const b of backends) b.close();
  });

  test('each new client goes round-robin; a client keeps its backend; replies come from the bound address', async () => {
    const a = await client(port);
    const b = await client(port);
    const first = await a.ask('hello');
    const second = await b.ask('hello');
    assert.match(first, /^pod-[23] hello$/);
    assert.match(second, /^pod-[23] hello$/);
    assert.notEqual(first.split(' ')[0], second.split(' ')[0], 'two clients, two backends');
    for (let i = 0; i < 3; i++) assert.equal(await a.ask(`again ${i}`), `${first.split(' ')[0]} again ${i}`);
    assert.equal(fwd.sessionCount, 2);
    a.close();
    b.close();
  });

  test('the number of sessions is bounded', async () => {
    const clients = await Promise.all([0, 1, 2, 3].map(() => client(port)));
    for (const c of clients) assert.match(await c.ask('x'), /^pod-[23] x$/);
    assert.equal(fwd.sessionCount, 3);
    for (const c of clients) c.close();
  });

  test('ClientIP affinity sends every client of one IP to one backend', async () => {
    await fwd.apply(rule(BACKEND_IPS, 60));
    const names = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const c = await client(port);
      names.add((await c.ask('x')).split(' ')[0]);
      c.close();
    }
    assert.equal(names.size, 1);
    await fwd.apply(rule(BACKEND_IPS));
  });

  test('sessions to a removed endpoint are dropped; without endpoints the port is closed (ICMP unreachable)', async () => {
    const c = await client(port);
    const on = (await c.ask('x')).split(' ')[0];
    const other = BACKEND_IPS.find((ip) => `pod-${ip.split('.')[3]}` !== on)!;
    await fwd.apply(rule([other]));
    assert.equal(await c.ask('y'), `pod-${other.split('.')[3]} y`, 'the same client moved to the remaining endpoint');
    await fwd.apply(rule([]));
    assert.equal(fwd.listening, false);
    assert.equal(fwd.sessionCount, 0);
    assert.equal(await c.ask('z'), 'ECONNREFUSED');
    await fwd.apply(rule(BACKEND_IPS));
    assert.equal(fwd.listening, true);
    c.close();
    assert.ok(counts.forwarded >= 10 && counts.replied === counts.forwarded, JSON.stringify(counts));
  });
});
