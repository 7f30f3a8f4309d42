/**
 * CronJob schedules as upstream parses them (robfig/cron ParseStandard): five fields, or a descriptor
 * (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>), evaluated in an IANA
 * time zone. Field parsing and calendar arithmetic come from cron-parser.
 */
import { CronExpressionParser } from 'cron-parser';

export interface Schedule {
  /** the first activation strictly after t */
  next(t: Date): Date;
}

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const GO_DURATION_UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration for the positive durations @every takes ("1h30m", "90s"); undefined if invalid. */
export function parseGoDuration(s: string): number | undefined {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let ms = 0;
  let pos = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    ms += Number(m[1]) * GO_DURATION_UNITS[m[2]];
    pos = re.lastIndex;
  }
  return s.length > 0 && pos === s.length ? ms : undefined;
}

/** Throws an Error with upstream's wording when the schedule does not parse. */
export function parseSchedule(schedule: string, timeZone?: string): Schedule {
  const spec = schedule.trim();
  if (spec.startsWith('@every ')) {
    const d = parseGoDuration(spec.slice('@every '.length).trim());
    if (d === undefined) throw new Error(`failed to parse duration ${spec}`);
    // robfig: a constant delay, rounded to whole seconds (at least one)
    const delay = Math.max(1000, Math.floor(d / 1000) * 1000);
    return { next: (t) => new Date(Math.floor(t.getTime() / 1000) * 1000 + delay) };
  }
  let expr = spec;
  if (spec.startsWith('@')) {
    const d = DESCRIPTORS[spec];
    if (!d) throw new Error(`unrecognized descriptor: ${spec}`);
    expr = d;
  } else {
    const fields = spec.split(/\s+/).filter(Boolean);
    if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  }
  // validates now, so a bad field fails at create rather than in the controller
  CronExpressionParser.parse(expr, { tz: timeZone });
  return {
    next: (t) => CronExpressionParser.parse(expr, { currentDate: t, tz: timeZone }).next().toDate(),
  };
}

/** Whether the IANA zone name is known to this runtime (time.LoadLocation succeeding). */
export function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
