import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpv4Cidr } from './cidr.js';

test('a CIDR contains exactly the addresses under its mask', () => {
  const c = parseIpv4Cidr('10.96.0.0/12');
  assert.equal(c.text, '10.96.0.0/12');
  assert.equal(c.firstHost, '10.96.0.1');
  for (const ip of ['10.96.0.1', '10.96.0.10', '10.111.255.254']) assert.equal(c.contains(ip), true, ip);
  for (const ip of ['10.112.0.1', '10.95.255.255', '192.168.0.1', 'None', '', '10.96.0', '10.96.0.256']) assert.equal(c.contains(ip), false, ip);
});

test('host bits are masked off; /32 and /0 work; malformed input throws', () => {
  assert.equal(parseIpv4Cidr('10.200.7.9/24').text, '10.200.7.0/24');
  assert.equal(parseIpv4Cidr('10.200.7.9/24').firstHost, '10.200.7.1');
  const one = parseIpv4Cidr('10.1.2.3/32');
  assert.equal(one.contains('10.1.2.3'), true);
  assert.equal(one.contains('10.1.2.4'), false);
  assert.equal(parseIpv4Cidr('0.0.0.0/0').contains('8.8.8.8'), true);
  for (const bad of ['10.96.0.0', '10.96.0.0/33', 'fd00::/64', '10.96.0.300/12', 'x']) assert.throws(() => parseIpv4Cidr(bad), /invalid IPv4 CIDR/, bad);
});
