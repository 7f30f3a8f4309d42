import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatResolvConf, parseResolvConf } from './resolv-conf.js';

test('nameservers accumulate, the last search and options lines win, comments are skipped', () => {
  const c = parseResolvConf(
    ['# generated', 'nameserver 10.0.0.1', 'search a.example. b.example', '; also a comment', 'nameserver 10.0.0.2', 'search c.example . d.example.', 'options ndots:1', 'options edns0 timeout:2', 'nameserver'].join('\n'),
  );
  assert.deepEqual(c, { nameservers: ['10.0.0.1', '10.0.0.2'], searches: ['c.example', 'd.example'], options: ['edns0', 'timeout:2'] });
});

test('an empty file has nothing', () => {
  assert.deepEqual(parseResolvConf(''), { nameservers: [], searches: [], options: [] });
  assert.equal(formatResolvConf({ nameservers: [], searches: [], options: [] }), '');
});

test('formats search, nameservers, options in that order', () => {
  assert.equal(
    formatResolvConf({ nameservers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] }),
    'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
  );
});
