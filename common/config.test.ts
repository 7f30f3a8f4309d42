import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, defineConfig, formatDuration, HelpRequested, parseDuration } from './config.js';

const flags = defineConfig({
  port: { type: 'number', default: 6443, env: 'KUBEMU_API_PORT', help: 'port to serve on', integer: true, min: 0, max: 65535 },
  etcdServers: { type: 'string[]', default: ['http://127.0.0.1:2379'], env: 'KUBEMU_ETCD_SERVERS', help: 'etcd endpoints' },
  bindAddress: { type: 'string', default: '0.0.0.0' },
  verbose: { type: 'boolean', help: 'more logs' },
  syncPeriod: { type: 'duration', default: '10s', env: 'KUBEMU_SYNC_PERIOD' },
  nodeName: { type: 'string', flag: 'hostname-override' },
  logFormat: { type: 'string', default: 'json', choices: ['json', 'text'] },
});

test('defaults apply when nothing is given', () => {
  const cfg = flags.parse([], {});
  assert.deepEqual(cfg, {
    port: 6443,
    etcdServers: ['http://127.0.0.1:2379'],
    bindAddress: '0.0.0.0',
    verbose: false,
    syncPeriod: 10_000,
    nodeName: undefined,
    logFormat: 'json',
  });
});

test('types are inferred from the spec', () => {
  const cfg = flags.parse([], {});
  const port: number = cfg.port;
  const servers: string[] = cfg.etcdServers;
  const verbose: boolean = cfg.verbose;
  const node: string | undefined = cfg.nodeName;
  // @ts-expect-error nodeName has no default, so it may be undefined
  const nodeStrict: string = cfg.nodeName;
  assert.equal(typeof port, 'number');
  assert.ok(Array.isArray(servers));
  assert.equal(verbose, false);
  assert.equal(node, nodeStrict);
});

test('--flag=value and --flag value forms', () => {
  const cfg = flags.parse(['--port=7000', '--bind-address', '127.0.0.1', '--hostname-override', 'node-1', '--sync-period=1m30s'], {});
  assert.equal(cfg.port, 7000);
  assert.equal(cfg.bindAddress, '127.0.0.1');
  assert.equal(cfg.nodeName, 'node-1');
  assert.equal(cfg.syncPeriod, 90_000);
});

test('booleans: bare flag is true, =false works, the next argument is not consumed', () => {
  assert.equal(flags.parse(['--verbose'], {}).verbose, true);
  assert.equal(flags.parse(['--verbose=false'], {}).verbose, false);
  assert.equal(flags.parse(['--verbose=1'], {}).verbose, true);
  assert.throws(() => flags.parse(['--verbose', 'false'], {}), (e) => e instanceof ConfigError && /unexpected argument "false"/.test(e.message));
  assert.throws(() => flags.parse(['--verbose=yes'], {}), /invalid argument "yes" for "--verbose" flag/);
});

test('string lists: comma separated, repeats append, first use replaces the default', () => {
  assert.deepEqual(flags.parse(['--etcd-servers=a,b', '--etcd-servers', 'c'], {}).etcdServers, ['a', 'b', 'c']);
  assert.deepEqual(flags.parse([], { KUBEMU_ETCD_SERVERS: 'x, y' }).etcdServers, ['x', 'y']);
  assert.deepEqual(flags.parse(['--etcd-servers='], {}).etcdServers, []);
});

test('the default array is not shared between parses', () => {
  const a = flags.parse([], {});
  a.etcdServers.push('mutated');
  assert.deepEqual(flags.parse([], {}).etcdServers, ['http://127.0.0.1:2379']);
});

test('precedence: flag > env > default; empty env counts as unset', () => {
  assert.equal(flags.parse([], { KUBEMU_API_PORT: '7001' }).port, 7001);
  assert.equal(flags.parse(['--port=7002'], { KUBEMU_API_PORT: '7001' }).port, 7002);
  assert.equal(flags.parse([], { KUBEMU_API_PORT: '' }).port, 6443);
  assert.equal(flags.parse(['--port=1', '--port=2'], {}).port, 2);
});

test('unknown flags, missing arguments and positionals are errors', () => {
  assert.throws(() => flags.parse(['--nope'], {}), (e) => e instanceof ConfigError && e.message === 'unknown flag: --nope');
  assert.throws(() => flags.parse(['--nope=1'], {}), /unknown flag: --nope/);
  assert.throws(() => flags.parse(['--port'], {}), /flag needs an argument: --port/);
  assert.throws(() => flags.parse(['-p', '1'], {}), /unknown shorthand flag: "-p"/);
  assert.throws(() => flags.parse(['serve'], {}), /unexpected argument "serve"/);
  assert.throws(() => flags.parse(['--', 'x'], {}), /unexpected argument "x"/);
});

test('bad values name the flag or the environment variable', () => {
  assert.throws(() => flags.parse(['--port=abc'], {}), (e) => e instanceof ConfigError && e.message === 'invalid argument "abc" for "--port" flag: not a number');
  assert.throws(() => flags.parse(['--port='], {}), /not a number/);
  assert.throws(() => flags.parse(['--port=1.5'], {}), /not an integer/);
  assert.throws(() => flags.parse(['--port=70000'], {}), /must be at most 65535/);
  assert.throws(() => flags.parse([], { KUBEMU_API_PORT: 'x' }), /invalid argument "x" for environment variable KUBEMU_API_PORT \(--port\): not a number/);
  assert.throws(() => flags.parse(['--sync-period=10'], {}), /not a duration/);
  assert.throws(() => flags.parse([], { KUBEMU_SYNC_PERIOD: '5 minutes' }), /KUBEMU_SYNC_PERIOD/);
  assert.throws(() => flags.parse(['--log-format=xml'], {}), /must be one of "json", "text"/);
});

test('required options', () => {
  const req = defineConfig({ kubeconfig: { type: 'string', required: true }, master: { type: 'string', required: true, env: 'M' } });
  assert.throws(() => req.parse([], {}), (e) => e instanceof ConfigError && e.message === 'required flag(s) "kubeconfig", "master" not set');
  const cfg = req.parse(['--kubeconfig=/k'], { M: 'http://x' });
  const k: string = cfg.kubeconfig;
  assert.equal(k, '/k');
  assert.equal(cfg.master, 'http://x');
});

test('--help throws HelpRequested with generated text', () => {
  let text = '';
  try {
    flags.parse(['--port=1', '--help'], {});
  } catch (e) {
    assert.ok(e instanceof HelpRequested);
    text = e.text;
  }
  assert.match(text, /^Usage:\n {2}kubemu \[flags\]\n\nFlags:\n/);
  assert.match(text, /--port number +port to serve on \(default 6443; env KUBEMU_API_PORT\)/);
  assert.match(text, /--etcd-servers strings +etcd endpoints \(default \[http:\/\/127\.0\.0\.1:2379\]; env KUBEMU_ETCD_SERVERS\)/);
  assert.match(text, /--verbose +more logs/);
  assert.match(text, /--sync-period duration +\(default 10s; env KUBEMU_SYNC_PERIOD\)/);
  assert.match(text, /--hostname-override string\n/);
  assert.match(text, /-h, --help +show this help/);
  assert.throws(() => flags.parse(['-h'], {}), HelpRequested);
  assert.match(flags.help('kube-scheduler'), /kube-scheduler \[flags\]/);
});

test('definition errors are caught early', () => {
  assert.throws(() => defineConfig({ a: { type: 'string', flag: 'x' }, b: { type: 'string', flag: 'x' } }), /defined twice/);
  assert.throws(() => defineConfig({ help: { type: 'boolean' } }), /reserved/);
  assert.throws(() => defineConfig({ t: { type: 'duration', default: 'soon' } }), /not a duration/);
});

test('parseDuration follows Go time.ParseDuration', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('10s'), 10_000);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('.5s'), 500);
  assert.equal(parseDuration('-1s'), -1000);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('1500us'), 1.5);
  assert.equal(parseDuration('10'), undefined);
  assert.equal(parseDuration(''), undefined);
  assert.equal(parseDuration('1d'), undefined);
  assert.equal(parseDuration('s'), undefined);
  assert.equal(parseDuration('1s2'), undefined);
});

test('formatDuration prints like Go', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(500), '500ms');
  assert.equal(formatDuration(10_000), '10s');
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(3_600_000), '1h0m0s');
  assert.equal(formatDuration(1500), '1.5s');
});
