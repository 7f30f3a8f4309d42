import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { writeAtomically } from './atomic-writer.js';
import type { Payload } from './payload.js';

const root = mkdtempSync(path.join(tmpdir(), 'kubemu-aw-'));
after(() => rmSync(root, { recursive: true, force: true }));

const file = (s: string, mode = 0o644): { data: Buffer; mode: number } => ({ data: Buffer.from(s), mode });

void test('files appear through ..data symlinks; an unchanged payload is not rewritten', async () => {
  const dir = path.join(root, 'cm');
  const payload: Payload = new Map([
    ['a.txt', file('A')],
    ['conf/b.yaml', file('B', 0o600)],
  ]);
  assert.equal(await writeAtomically(dir, payload), true);
  assert.equal(readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'A');
  assert.equal(readFileSync(path.join(dir, 'conf/b.yaml'), 'utf8'), 'B');
  assert.equal(readlinkSync(path.join(dir, 'a.txt')), '..data/a.txt');
  assert.equal(statSync(path.join(dir, 'conf/b.yaml')).mode & 0o777, 0o600);
  const target = readlinkSync(path.join(dir, '..data'));
  assert.equal(await writeAtomically(dir, new Map(payload)), false);
  assert.equal(readlinkSync(path.join(dir, '..data')), target);
});

void test('an update swaps ..data, drops removed keys and the old version', async () => {
  const dir = path.join(root, 'cm2');
  await writeAtomically(dir, new Map([['old', file('1')], ['keep', file('k')]]));
  await writeAtomically(dir, new Map([['keep', file('k2')], ['new', file('n')]]));
  assert.equal(readFileSync(path.join(dir, 'keep'), 'utf8'), 'k2');
  assert.equal(readFileSync(path.join(dir, 'new'), 'utf8'), 'n');
  const entries = readdirSync(dir).sort();
  assert.deepEqual(entries.filter((e) => !e.startsWith('..2')), ['..data', 'keep', 'new']);
  assert.equal(entries.filter((e) => e.startsWith('..2')).length, 1, 'only the current version remains');
});

void test('paths escaping the volume are refused', async () => {
  await assert.rejects(writeAtomically(path.join(root, 'bad'), new Map([['../x', file('x')]])), /invalid path/);
  await assert.rejects(writeAtomically(path.join(root, 'bad'), new Map([['/etc/x', file('x')]])), /invalid path/);
});
