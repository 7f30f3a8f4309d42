import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import { parseSchedule } from '../../../api/cron.js';
import { formatInZone, jobNameFor, scheduleDecision } from './schedule.js';

const cj = (created: string, status: CronJob['status'] = {}, startingDeadlineSeconds?: number): CronJob => ({
  metadata: { name: 'tick', creationTimestamp: created },
  spec: { schedule: '*/5 * * * *', jobTemplate: {}, startingDeadlineSeconds },
  status,
});
const every5 = parseSchedule('*/5 * * * *');

test('the most recent due time since the last schedule (or creation), and the next one', () => {
  const d = scheduleDecision(cj('2026-01-01T00:01:00Z'), every5, new Date('2026-01-01T00:12:00Z'));
  assert.deepEqual([d.mostRecent?.toISOString(), d.missed, d.next.toISOString()], ['2026-01-01T00:10:00.000Z', 1, '2026-01-01T00:15:00.000Z']);
  const none = scheduleDecision(cj('2026-01-01T00:01:00Z', { lastScheduleTime: '2026-01-01T00:10:00Z' }), every5, new Date('2026-01-01T00:12:00Z'));
  assert.equal(none.mostRecent, undefined);
});

test('startingDeadlineSeconds bounds how far back it looks; a long gap is skipped, not walked', () => {
  const d = scheduleDecision(cj('2026-01-01T00:00:00Z', {}, 60), every5, new Date('2026-01-01T00:12:00Z'));
  assert.equal(d.mostRecent, undefined, 'the 00:10 run is more than 60 s late');
  const far = scheduleDecision(cj('2025-01-01T00:00:00Z'), every5, new Date('2026-01-01T00:12:00Z'));
  assert.equal(far.mostRecent?.toISOString(), '2026-01-01T00:10:00.000Z');
  assert.ok(far.missed > 100);
});

test('Job names and the scheduled-timestamp annotation', () => {
  assert.equal(jobNameFor('tick', new Date('2026-01-01T00:10:00Z')), `tick-${Date.parse('2026-01-01T00:10:00Z') / 60_000}`);
  assert.equal(formatInZone(new Date('2026-01-01T00:10:00Z'), undefined), '2026-01-01T00:10:00Z');
  assert.equal(formatInZone(new Date('2026-01-01T00:10:00Z'), 'Europe/Berlin'), '2026-01-01T01:10:00+01:00');
  assert.equal(formatInZone(new Date('2026-07-01T00:10:00Z'), 'America/New_York'), '2026-06-30T20:10:00-04:00');
});
