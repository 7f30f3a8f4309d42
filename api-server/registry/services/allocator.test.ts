import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RangeAllocator, clusterIPStaticBand, ipv4Range, nodePortStaticBand } from './allocator.js';

test('dynamic allocation leaves the static band free until the rest of the range is used', () => {
  const range = ipv4Range('10.0.0.0/27'); // 30 usable addresses, band of 16
  const band = clusterIPStaticBand(range.size);
  assert.equal(band, 16);
  const alloc = new RangeAllocator<string>(range.size, range.at, band);
  const used = new Set<string>();
  for (let i = 0; i < range.size - band; i++) {
    const ip = alloc.allocate(used)!;
    assert.ok(Number(ip.split('.')[3]) > band, `${ip} is in the static band`);
    used.add(ip);
  }
  const fallback = alloc.allocate(used)!;
  assert.ok(Number(fallback.split('.')[3]) <= band, `${fallback} should come from the static band once the rest is full`);
  for (let i = 1; i < band; i++) used.add(alloc.allocate(used)!);
  assert.equal(alloc.allocate(used), undefined);
});

test('static band sizes follow upstream', () => {
  assert.equal(clusterIPStaticBand(ipv4Range('10.96.0.0/12').size), 256);
  assert.equal(clusterIPStaticBand(254), 16);
  assert.equal(nodePortStaticBand(2768), 86);
  assert.equal(nodePortStaticBand(100), 16);
});
