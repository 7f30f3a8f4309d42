import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UdpSessionTable } from './udp-sessions.js';

function table(max = 3, idleMs = 30_000) {
  const clock = { t: 1000 };
  return { clock, t: new UdpSessionTable<string>({ idleMs, max }, () => clock.t) };
}

test('a session is found while used within the idle time, and expires after it', () => {
  const { clock, t } = table();
  assert.deepEqual(t.add('10.0.0.1:5000', 's1'), []);
  clock.t += 29_000;
  assert.equal(t.touch('10.0.0.1:5000'), 's1');
  clock.t += 29_000; // touched 29 s ago: still live
  assert.equal(t.touch('10.0.0.1:5000'), 's1');
  assert.deepEqual(t.expire(), []);
  clock.t += 30_001;
  assert.equal(t.touch('10.0.0.1:5000'), undefined, 'idle too long');
  assert.deepEqual(t.expire(), ['s1']);
  assert.equal(t.size, 0);
  assert.equal(t.touch('10.0.0.9:1'), undefined);
});

test('expire stops at the first live session (least recently used first)', () => {
  const { clock, t } = table(10, 1000);
  t.add('a', 'A');
  clock.t += 500;
  t.add('b', 'B');
  t.add('c', 'C');
  clock.t += 400;
  t.touch('a'); // a is now the most recent
  clock.t += 700; // b, c idle 1100 ms; a idle 700 ms
  assert.deepEqual(t.expire(), ['B', 'C']);
  assert.equal(t.touch('a'), 'A');
});

test('the count is bounded: the least recently used session makes room', () => {
  const { clock, t } = table(3);
  t.add('a', 'A');
  t.add('b', 'B');
  t.add('c', 'C');
  clock.t += 1;
  t.touch('a');
  assert.deepEqual(t.add('d', 'D'), ['B']);
  assert.equal(t.size, 3);
  assert.deepEqual(t.add('e', 'E'), ['C']);
  assert.equal(t.touch('a'), 'A');
  assert.equal(t.touch('b'), undefined);
});

test('re-adding a client hands back its old session; removeWhere and clear hand back what they remove', () => {
  const { t } = table(5);
  t.add('a', 'A1');
  assert.deepEqual(t.add('a', 'A2'), ['A1']);
  t.add('b', 'B');
  t.add('c', 'C');
  assert.deepEqual(t.removeWhere((s) => s.startsWith('A') || s === 'C'), ['A2', 'C']);
  assert.deepEqual(t.clear(), ['B']);
  assert.equal(t.size, 0);
});
