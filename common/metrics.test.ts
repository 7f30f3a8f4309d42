import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, register as globalRegistry } from 'prom-client';
import { createMetricsRegistry } from './metrics.js';

test('a registry per process with default metrics and the component label', async () => {
  const reg = createMetricsRegistry('scheduler');
  const text = await reg.metrics();
  assert.match(text, /^process_cpu_user_seconds_total\{component="scheduler"\} /m);
  assert.match(text, /^nodejs_heap_size_total_bytes\{component="scheduler"\} /m);
  assert.match(reg.contentType, /^text\/plain; version=0\.0\.4/);
});

test('registries are independent of each other and of the global one', async () => {
  const a = createMetricsRegistry('a');
  const b = createMetricsRegistry('b');
  // The same metric name in two registries must not collide.
  const ca = new Counter({ name: 'kubemu_test_total', help: 'test', registers: [a] });
  const cb = new Counter({ name: 'kubemu_test_total', help: 'test', registers: [b] });
  ca.inc(2);
  cb.inc(5);
  assert.match(await a.metrics(), /^kubemu_test_total\{component="a"\} 2$/m);
  assert.match(await b.metrics(), /^kubemu_test_total\{component="b"\} 5$/m);
  assert.equal(globalRegistry.getSingleMetric('kubemu_test_total'), undefined);
  assert.equal(globalRegistry.getSingleMetric('process_cpu_user_seconds_total'), undefined);
});
