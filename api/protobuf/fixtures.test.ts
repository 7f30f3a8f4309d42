/**
 * Request bodies captured from the real kubectl v1.32 (test/fixtures/protobuf/<name>.bin), decoded and compared
 * with kubectl's own JSON rendering of the same object (<name>.json: `--dry-run=client -o json` of the same
 * command; for pod-debug-copy, the live pod `kubectl debug --copy-to --profile=legacy` copied, with the debug
 * container added; for deleteoptions-drain, `kubectl drain --grace-period=1`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { decodeProtobufObject } from './envelope.js';

const DIR = new URL('../../../test/fixtures/protobuf/', import.meta.url);

const names = readdirSync(DIR)
  .filter((f) => f.endsWith('.bin'))
  .map((f) => f.slice(0, -'.bin'.length));

test('every captured kubectl body has its expected JSON', () => {
  assert.ok(names.length >= 12, `found ${names.length} fixtures`);
});

for (const name of names) {
  test(`kubectl body ${name} decodes to kubectl's JSON`, () => {
    const got = decodeProtobufObject(readFileSync(new URL(`${name}.bin`, DIR)));
    const want = JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as unknown;
    assert.deepStrictEqual(got, want);
  });
}
