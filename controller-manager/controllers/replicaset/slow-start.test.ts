import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slowStartBatch } from './slow-start.js';

void test('batches grow 1, 2, 4, … and run in parallel within a batch', async () => {
  const batches: number[] = [];
  let group = 0;
  const r = await slowStartBatch(10, 1, async () => {
    // a batch's calls are all started before any of them is awaited
    if (group++ === 0) queueMicrotask(() => {
      batches.push(group);
      group = 0;
    });
    await new Promise((res) => setImmediate(res));
  });
  assert.deepEqual(r, { successes: 10, error: undefined });
  assert.deepEqual(batches, [1, 2, 4, 3]);
});

void test('stops after the first batch with a failure and counts its successes', async () => {
  let calls = 0;
  const r = await slowStartBatch(20, 1, async () => {
    calls++;
    if (calls === 5) throw new Error('quota');
  });
  // batches 1, 2, then 4 of which one fails: 3 + 3 = 6 successes, 7 calls
  assert.equal(calls, 7);
  assert.equal(r.successes, 6);
  assert.match((r.error as Error).message, /quota/);
});
