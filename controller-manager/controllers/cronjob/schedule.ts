/** Which scheduled time a CronJob should run now (k/k pkg/controller/cronjob/utils.go mostRecentScheduleTime). */
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import type { Schedule } from '../../../api/cron.js';

/** More missed start times than this are reported (upstream's "too many missed start times"). */
export const MANY_MISSED = 100;

export interface ScheduleDecision {
  /** the latest activation in (earliest, now], if any */
  mostRecent?: Date;
  /** how many activations were missed before it */
  missed: number;
  /** the next activation after now */
  next: Date;
}

/**
 * The earliest time considered is the last schedule time (or creation), moved up to now −
 * startingDeadlineSeconds when that is later, so a controller that was down does not replay old runs.
 */
export function scheduleDecision(cj: CronJob, schedule: Schedule, now: Date): ScheduleDecision {
  let earliest = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata?.creationTimestamp ?? '');
  if (Number.isNaN(earliest)) earliest = now.getTime();
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (deadline !== undefined && deadline !== null) earliest = Math.max(earliest, now.getTime() - deadline * 1000);
  let mostRecent: Date | undefined;
  let missed = 0;
  for (let t = schedule.next(new Date(earliest)); t.getTime() <= now.getTime(); t = schedule.next(t)) {
    if (mostRecent) missed++;
    mostRecent = t;
    if (missed === MANY_MISSED) {
      // far behind (a long suspension): skip ahead to the last two intervals instead of walking every one
      const interval = Math.max(1000, schedule.next(t).getTime() - t.getTime());
      const skipFrom = new Date(now.getTime() - 2 * interval);
      if (skipFrom.getTime() > t.getTime()) t = skipFrom;
    }
  }
  return { mostRecent, missed, next: schedule.next(now) };
}

/** getJobName: `<cronjob>-<minutes since the epoch of the scheduled time>`. */
export function jobNameFor(cronJobName: string, scheduled: Date): string {
  return `${cronJobName}-${Math.floor(scheduled.getTime() / 60_000)}`;
}

/** The scheduled time as RFC 3339 in the CronJob's zone (upstream formats it with the zone's offset). */
export function formatInZone(t: Date, timeZone: string | undefined): string {
  if (!timeZone) return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(t);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  const local = Date.UTC(Number(get('year')), Number(get('month')) - 1, Number(get('day')), Number(get('hour')), Number(get('minute')), Number(get('second')));
  const offsetMin = Math.round((local - Math.floor(t.getTime() / 1000) * 1000) / 60_000);
  const stamp = `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
  if (offsetMin === 0) return `${stamp}Z`;
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${stamp}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
