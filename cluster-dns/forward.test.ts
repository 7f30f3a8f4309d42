import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUpstream } from './forward.js';

test('upstream nameserver addresses, with and without ports', () => {
  assert.deepEqual(parseUpstream('10.0.0.1'), { host: '10.0.0.1', port: 53 });
  assert.deepEqual(parseUpstream(' 127.0.0.1:5353 '), { host: '127.0.0.1', port: 5353 });
  assert.deepEqual(parseUpstream('::1'), { host: '::1', port: 53 });
  assert.deepEqual(parseUpstream('[fd00::1]:5300'), { host: 'fd00::1', port: 5300 });
  assert.throws(() => parseUpstream('dns.example.com'), /not an IP address/);
});
