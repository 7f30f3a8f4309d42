import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { once } from 'node:events';
import { closeServer, hardenedServerOptions, hardenServer, listen } from './http.js';

function rawConnect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

test('hardenServer sets finite header timeout, no request timeout, 65s keep-alive', () => {
  const s = hardenServer(http.createServer());
  assert.equal(s.headersTimeout, 10_000);
  assert.equal(s.requestTimeout, 0);
  assert.equal(s.keepAliveTimeout, 65_000);
  assert.equal(s.timeout, 0);
  const o = hardenedServerOptions();
  assert.equal(o.requestTimeout, 0);
  assert.equal(o.maxHeaderSize, 16 * 1024);
  assert.equal(o.insecureHTTPParser, false);
});

test('listen resolves with the bound port', async () => {
  const s = http.createServer((_req, res) => res.end('hi'));
  const port = await listen(s, 0);
  try {
    assert.ok(port > 0);
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'hi');
  } finally {
    await closeServer(s);
  }
});

test('a slowloris socket (headers never finished) is closed by headersTimeout', { timeout: 10_000 }, async () => {
  const s = hardenServer(http.createServer((_req, res) => res.end('ok')), {
    headersTimeoutMs: 200,
    connectionsCheckingIntervalMs: 50,
  });
  const port = await listen(s, 0);
  try {
    const sock = await rawConnect(port);
    let received = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => (received += d));
    sock.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const t0 = Date.now();
    const drip = setInterval(() => sock.write('a'), 50); // keeps sending, never ends the headers
    await once(sock, 'close');
    clearInterval(drip);
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < 3000, `closed after ${elapsed}ms`);
    assert.match(received, /^HTTP\/1\.1 408 Request Timeout/);
  } finally {
    await closeServer(s, 100);
  }
});

test('a request that does not end (like a watch) is not cut by a request timeout', { timeout: 10_000 }, async () => {
  let sent = 0;
  const s = hardenServer(
    http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const t = setInterval(() => {
        res.write('{"type":"BOOKMARK"}\n');
        if (++sent === 8) {
          clearInterval(t);
          res.end();
        }
      }, 50);
    }),
    { headersTimeoutMs: 100, connectionsCheckingIntervalMs: 20 },
  );
  const port = await listen(s, 0);
  try {
    const body = await (await fetch(`http://127.0.0.1:${port}/watch`)).text();
    assert.equal(body.split('\n').filter(Boolean).length, 8);
  } finally {
    await closeServer(s, 100);
  }
});

test('an idle keep-alive connection outlives headersTimeout', { timeout: 10_000 }, async () => {
  const s = hardenServer(http.createServer((_req, res) => res.end('ok')), { headersTimeoutMs: 100, connectionsCheckingIntervalMs: 20 });
  const port = await listen(s, 0);
  try {
    const sock = await rawConnect(port);
    let received = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => (received += d));
    let closed = false;
    sock.on('close', () => (closed = true));
    sock.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(closed, false);
    sock.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await once(sock, 'close');
    assert.equal(received.match(/HTTP\/1\.1 200 OK/g)?.length, 2);
  } finally {
    await closeServer(s, 100);
  }
});

test('listen rejects when the port is taken', async () => {
  const a = http.createServer();
  const port = await listen(a, 0);
  try {
    await assert.rejects(listen(http.createServer(), port), /EADDRINUSE/);
  } finally {
    await closeServer(a);
  }
});
