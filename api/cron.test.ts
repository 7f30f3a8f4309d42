import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration, parseSchedule } from './cron.js';

const at = (s: string) => new Date(s);
const iso = (d: Date) => d.toISOString();

test('five-field schedules, descriptors and @every, in UTC or a time zone', () => {
  const t = at('2026-01-01T00:00:30Z');
  assert.equal(iso(parseSchedule('*/5 * * * *').next(t)), '2026-01-01T00:05:00.000Z');
  assert.equal(iso(parseSchedule('@hourly').next(t)), '2026-01-01T01:00:00.000Z');
  assert.equal(iso(parseSchedule('@weekly').next(t)), '2026-01-04T00:00:00.000Z');
  assert.equal(iso(parseSchedule('0 9 * * *', 'America/New_York').next(t)), '2026-01-01T14:00:00.000Z');
  assert.equal(iso(parseSchedule('@every 90s').next(t)), '2026-01-01T00:02:00.000Z');
});

test('upstream parse errors', () => {
  assert.throws(() => parseSchedule('* * * *'), /^Error: expected exactly 5 fields, found 4: \[\* \* \* \*\]$/);
  assert.throws(() => parseSchedule('@fortnightly'), /unrecognized descriptor: @fortnightly/);
  assert.throws(() => parseSchedule('@every soon'), /failed to parse duration @every soon/);
  assert.throws(() => parseSchedule('61 * * * *'));
});

test('Go durations', () => {
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('5'), undefined);
  assert.equal(parseGoDuration(''), undefined);
});
