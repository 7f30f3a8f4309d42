import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Counter } from 'prom-client';
import { FakeClock } from './clock.js';
import { createRootLogger, silentLogger } from './logger.js';
import { createMetricsRegistry } from './metrics.js';
import { checkFn, startHealthServer, type HealthCheck, type HealthServer } from './health.js';

async function get(port: number, path: string): Promise<{ status: number; body: string; type: string | null; nosniff: string | null }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type'), nosniff: res.headers.get('x-content-type-options') };
}

describe('health server', () => {
  let etcdUp = true;
  let server: HealthServer;
  const logged: string[] = [];
  const etcd: HealthCheck = {
    name: 'etcd',
    check: async () => {
      if (!etcdUp) throw new Error('dial tcp 127.0.0.1:2379: connect: connection refused');
    },
  };
  // informer-sync hangs on demand; checkStarted resolves when the server has called it.
  const clock = new FakeClock();
  let hangingEnabled = false;
  let checkStarted: () => void = () => {};
  const maybeHanging: HealthCheck = {
    name: 'informer-sync',
    timeoutMs: 5000,
    check: () => {
      if (!hangingEnabled) return Promise.resolve();
      checkStarted();
      return new Promise<void>(() => {});
    },
  };
  const registry = createMetricsRegistry('test-health');
  new Counter({ name: 'kubemu_probe_total', help: 'probe', registers: [registry] }).inc();

  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logged.push(chunk.toString());
        cb();
      },
    });
    server = await startHealthServer({
      port: 0,
      log: createRootLogger('test', { level: 'warn', destination: sink }),
      livez: [checkFn('log', () => undefined)],
      readyz: [etcd, maybeHanging],
      registry,
      clock,
    });
  });
  after(() => server.close());

  test('reports the real port', () => {
    assert.ok(server.port > 0);
  });

  test('200 ok when every check passes', async () => {
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const r = await get(server.port, path);
      assert.equal(r.status, 200, path);
      assert.equal(r.body, 'ok');
      assert.equal(r.type, 'text/plain; charset=utf-8');
      assert.equal(r.nosniff, 'nosniff');
    }
  });

  test('?verbose lists the checks on success', async () => {
    const r = await get(server.port, '/readyz?verbose');
    assert.equal(r.status, 200);
    assert.equal(r.body, '[+]ping ok\n[+]etcd ok\n[+]informer-sync ok\nreadyz check passed\n');
    const l = await get(server.port, '/livez?verbose=1');
    assert.equal(l.body, '[+]ping ok\n[+]log ok\nlivez check passed\n');
    const h = await get(server.port, '/healthz?verbose');
    assert.equal(h.body, '[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]informer-sync ok\nhealthz check passed\n');
  });

  test('500 with the upstream body on failure; the reason is logged, not served', async () => {
    etcdUp = false;
    try {
      const r = await get(server.port, '/readyz');
      assert.equal(r.status, 500);
      assert.equal(r.body, '[+]ping ok\n[-]etcd failed: reason withheld\n[+]informer-sync ok\nreadyz check failed\n');
      const h = await get(server.port, '/healthz');
      assert.equal(h.status, 500);
      assert.equal(h.body, '[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n[+]informer-sync ok\nhealthz check failed\n');
      const l = await get(server.port, '/livez');
      assert.equal(l.status, 200, 'liveness does not depend on etcd');
      assert.ok(logged.some((line) => line.includes('connection refused') && line.includes('readyz check failed')));
      assert.ok(!r.body.includes('connection refused'));
    } finally {
      etcdUp = true;
    }
  });

  test('a hanging check fails on its timeout instead of hanging the probe', async () => {
    hangingEnabled = true;
    try {
      const started = new Promise<void>((resolve) => (checkStarted = resolve));
      const response = get(server.port, '/readyz');
      await started;
      await clock.advance(5000);
      const r = await response;
      assert.equal(r.status, 500);
      assert.equal(r.body, '[+]ping ok\n[+]etcd ok\n[-]informer-sync failed: reason withheld\nreadyz check failed\n');
      assert.ok(logged.some((line) => line.includes('timed out after 5000ms')));
    } finally {
      hangingEnabled = false;
    }
  });

  test('?exclude skips a check and warns about unknown names', async () => {
    etcdUp = false;
    try {
      const r = await get(server.port, '/readyz?exclude=etcd&exclude=nope&verbose');
      assert.equal(r.status, 200);
      assert.equal(
        r.body,
        '[+]ping ok\n[+]etcd excluded: ok\n[+]informer-sync ok\nwarn: some health checks cannot be excluded: no matches for "nope"\nreadyz check passed\n',
      );
    } finally {
      etcdUp = true;
    }
  });

  test('individual checks: /readyz/<name>', async () => {
    assert.deepEqual((await get(server.port, '/readyz/etcd')).body, 'ok');
    etcdUp = false;
    try {
      const r = await get(server.port, '/readyz/etcd');
      assert.equal(r.status, 500);
      assert.equal(r.body, 'internal server error: dial tcp 127.0.0.1:2379: connect: connection refused\n');
    } finally {
      etcdUp = true;
    }
    assert.equal((await get(server.port, '/readyz/unknown')).status, 404);
    assert.equal((await get(server.port, '/livez/ping')).body, 'ok');
  });

  test('/metrics serves the Prometheus text format', async () => {
    const r = await get(server.port, '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.type ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(r.body, /^kubemu_probe_total\{component="test-health"\} 1$/m);
    assert.match(r.body, /^# TYPE process_cpu_user_seconds_total counter$/m);
  });

  test('unknown paths are 404', async () => {
    assert.equal((await get(server.port, '/nope')).status, 404);
  });
});

test('without a registry there is no /metrics', async () => {
  const s = await startHealthServer({ port: 0, log: silentLogger() });
  try {
    assert.equal((await get(s.port, '/metrics')).status, 404);
    assert.equal((await get(s.port, '/readyz?verbose')).body, '[+]ping ok\nreadyz check passed\n');
  } finally {
    await s.close();
  }
});

test('listening on a taken port rejects', async () => {
  const a = await startHealthServer({ port: 0, log: silentLogger() });
  try {
    await assert.rejects(startHealthServer({ port: a.port, log: silentLogger() }), /EADDRINUSE/);
  } finally {
    await a.close();
  }
});

test('the default timeout is 2s and the check gets an abort signal when it expires', async () => {
  let aborted = false;
  const clock = new FakeClock();
  let started!: () => void;
  const checkRunning = new Promise<void>((resolve) => (started = resolve));
  const s = await startHealthServer({
    port: 0,
    log: silentLogger(),
    clock,
    readyz: [
      {
        name: 'slow',
        check: (signal) =>
          new Promise<void>((_resolve, reject) => {
            started();
            signal?.addEventListener('abort', () => {
              aborted = true;
              reject(new Error('aborted'));
            });
          }),
      },
    ],
  });
  try {
    const response = get(s.port, '/readyz');
    await checkRunning;
    await clock.advance(1999);
    assert.equal(aborted, false);
    await clock.advance(1);
    const r = await response;
    assert.equal(r.status, 500);
    assert.equal(aborted, true);
  } finally {
    await s.close();
  }
});
