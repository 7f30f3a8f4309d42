/**
 * A small typed flag/env parser for the components' main.ts.
 *
 * Precedence: command-line flag > environment variable > default. Flags follow pflag habits:
 * `--name=value` or `--name value`; booleans take no separate argument (`--verbose`, `--verbose=false`);
 * list flags take comma-separated values and may repeat (the first use replaces the default);
 * a repeated scalar flag keeps its last value.
 *
 * ```ts
 * const flags = defineConfig({
 *   port: { type: 'number', default: 6443, env: 'KUBEMU_API_PORT', help: 'port to serve on', integer: true },
 *   etcdServers: { type: 'string[]', default: ['http://127.0.0.1:2379'], help: 'etcd endpoints' },
 *   syncPeriod: { type: 'duration', default: '10s' },   // parsed to milliseconds
 * });
 * const cfg = flags.parse();   // { port: number; etcdServers: string[]; syncPeriod: number }
 * ```
 */

export type OptionType = 'number' | 'string' | 'boolean' | 'string[]' | 'duration';

/** The TypeScript type a parsed option has. Durations are milliseconds. */
export type ValueOf<T extends OptionType> = T extends 'number'
  ? number
  : T extends 'string'
    ? string
    : T extends 'boolean'
      ? boolean
      : T extends 'string[]'
        ? string[]
        : T extends 'duration'
          ? number
          : never;

/** What a default may be written as: durations also accept Go-style strings such as `'10s'`. */
type DefaultOf<T extends OptionType> = T extends 'duration' ? number | string : T extends 'string[]' ? readonly string[] : ValueOf<T>;

interface OptionBase<T extends OptionType> {
  type: T;
  default?: DefaultOf<T>;
  /** Environment variable read when the flag is absent. Empty values count as unset. */
  env?: string;
  /** Flag name without dashes; defaults to the kebab-case of the key (`etcdServers` → `etcd-servers`). */
  flag?: string;
  help?: string;
  /** Fail when neither flag, env nor default supplies a value. */
  required?: boolean;
}

export interface NumberOption extends OptionBase<'number'> {
  integer?: boolean;
  min?: number;
  max?: number;
}
export interface StringOption extends OptionBase<'string'> {
  /** Allowed values. */
  choices?: readonly string[];
}
export type BooleanOption = OptionBase<'boolean'>;
export type StringListOption = OptionBase<'string[]'>;
export interface DurationOption extends OptionBase<'duration'> {
  /** Minimum in milliseconds. */
  min?: number;
}

export type OptionSpec = NumberOption | StringOption | BooleanOption | StringListOption | DurationOption;
export type ConfigSpec = Record<string, OptionSpec>;

/** `undefined` only for options with neither a default nor `required: true`. */
export type ConfigValues<S extends ConfigSpec> = {
  [K in keyof S]: S[K] extends { default: unknown } | { required: true }
    ? ValueOf<S[K]['type']>
    : S[K]['type'] extends 'boolean'
      ? boolean
      : ValueOf<S[K]['type']> | undefined;
};

/** Bad flags, values or environment variables. The message is meant for the user as is. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Thrown by `parse` for `--help`/`-h`; main.ts prints `text` and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly text: string) {
    super('help requested');
    this.name = 'HelpRequested';
  }
}

export interface ConfigParser<S extends ConfigSpec> {
  readonly spec: S;
  parse(argv?: readonly string[], env?: NodeJS.ProcessEnv | Readonly<Record<string, string | undefined>>): ConfigValues<S>;
  help(program?: string): string;
}

export function defineConfig<const S extends ConfigSpec>(spec: S): ConfigParser<S> {
  const byFlag = new Map<string, string>();
  for (const [key, opt] of Object.entries(spec)) {
    const name = flagName(key, opt);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`config: invalid flag name "${name}" for option ${key}`);
    if (name === 'help') throw new Error('config: --help is reserved');
    if (byFlag.has(name)) throw new Error(`config: flag --${name} is defined twice`);
    byFlag.set(name, key);
    if (opt.default !== undefined) {
      // Fail at definition time, not at the first parse, when a default is unusable.
      defaultValue(key, opt);
    }
  }
  return {
    spec,
    parse: (argv = process.argv.slice(2), env = process.env) => parseConfig(spec, byFlag, argv, env),
    help: (program) => helpText(spec, program),
  };
}

function flagName(key: string, opt: OptionSpec): string {
  return opt.flag ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function parseConfig<S extends ConfigSpec>(
  spec: S,
  byFlag: Map<string, string>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ConfigValues<S> {
  const fromFlags = new Map<string, unknown>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      if (i + 1 < argv.length) throw new ConfigError(`unexpected argument "${argv[i + 1]}"`);
      break;
    }
    if (arg === '--help' || arg === '-h') throw new HelpRequested(helpText(spec));
    if (!arg.startsWith('--') || arg === '--') {
      throw new ConfigError(arg.startsWith('-') ? `unknown shorthand flag: ${JSON.stringify(arg)}` : `unexpected argument "${arg}"`);
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const key = byFlag.get(name);
    if (key === undefined) throw new ConfigError(`unknown flag: --${name}`);
    const opt = spec[key];
    let raw: string;
    if (eq >= 0) {
      raw = arg.slice(eq + 1);
    } else if (opt.type === 'boolean') {
      raw = 'true';
    } else {
      if (i + 1 >= argv.length) throw new ConfigError(`flag needs an argument: --${name}`);
      raw = argv[++i];
    }
    const where = `for "--${name}" flag`;
    const value = convert(opt, raw, where);
    if (opt.type === 'string[]' && fromFlags.has(key)) {
      fromFlags.set(key, [...(fromFlags.get(key) as string[]), ...(value as string[])]);
    } else {
      fromFlags.set(key, value);
    }
  }

  const out: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [key, opt] of Object.entries(spec)) {
    let value: unknown;
    if (fromFlags.has(key)) {
      value = fromFlags.get(key);
    } else if (opt.env !== undefined && env[opt.env] !== undefined && env[opt.env] !== '') {
      value = convert(opt, env[opt.env] as string, `for environment variable ${opt.env} (--${flagName(key, opt)})`);
    } else if (opt.default !== undefined) {
      value = defaultValue(key, opt);
    } else if (opt.type === 'boolean') {
      value = false;
    }
    if (value === undefined && opt.required) missing.push(`"${flagName(key, opt)}"`);
    out[key] = value;
  }
  if (missing.length) throw new ConfigError(`required flag(s) ${missing.join(', ')} not set`);
  return out as ConfigValues<S>;
}

function defaultValue(key: string, opt: OptionSpec): unknown {
  const d = opt.default;
  if (opt.type === 'duration' && typeof d === 'string') return convert(opt, d, `as default of ${key}`);
  if (Array.isArray(d)) return [...(d as string[])];
  return d;
}

function convert(opt: OptionSpec, raw: string, where: string): unknown {
  const bad = (why: string): ConfigError => new ConfigError(`invalid argument ${JSON.stringify(raw)} ${where}: ${why}`);
  switch (opt.type) {
    case 'string':
      if (opt.choices && !opt.choices.includes(raw)) throw bad(`must be one of ${opt.choices.map((c) => JSON.stringify(c)).join(', ')}`);
      return raw;
    case 'string[]':
      return raw === '' ? [] : raw.split(',').map((s) => s.trim());
    case 'boolean': {
      const v = parseBool(raw);
      if (v === undefined) throw bad('not a boolean (use true or false)');
      return v;
    }
    case 'number': {
      const n = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(n)) throw bad('not a number');
      if (opt.integer && !Number.isInteger(n)) throw bad('not an integer');
      if (opt.min !== undefined && n < opt.min) throw bad(`must be at least ${opt.min}`);
      if (opt.max !== undefined && n > opt.max) throw bad(`must be at most ${opt.max}`);
      return n;
    }
    case 'duration': {
      const ms = parseDuration(raw);
      if (ms === undefined) throw bad('not a duration (e.g. 500ms, 10s, 2m, 1h30m)');
      if (opt.min !== undefined && ms < opt.min) throw bad(`must be at least ${opt.min}ms`);
      return ms;
    }
  }
}

function parseBool(raw: string): boolean | undefined {
  // strconv.ParseBool's spellings
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(raw)) return false;
  return undefined;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Go `time.ParseDuration` string (`300ms`, `1.5h`, `2h45m`, `-1s`) into milliseconds.
 * A bare `0` is allowed; other numbers need a unit. Returns undefined when malformed.
 */
export function parseDuration(s: string): number | undefined {
  let rest = s.trim();
  if (rest === '0' || rest === '+0' || rest === '-0') return 0;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '') return undefined;
  let total = 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (rest.length > 0) {
    const m = re.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]];
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

/** Renders milliseconds the way Go prints a time.Duration (`1m30s`, `500ms`, `0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

function helpText(spec: ConfigSpec, program = 'kubemu'): string {
  const rows: [string, string][] = [];
  for (const [key, opt] of Object.entries(spec)) {
    const typeName = opt.type === 'boolean' ? '' : ` ${opt.type === 'string[]' ? 'strings' : opt.type}`;
    const left = `--${flagName(key, opt)}${typeName}`;
    const notes: string[] = [];
    if (opt.default !== undefined) notes.push(`default ${renderDefault(opt)}`);
    if (opt.required) notes.push('required');
    if (opt.env) notes.push(`env ${opt.env}`);
    if (opt.type === 'string' && opt.choices) notes.push(`one of ${opt.choices.join('|')}`);
    rows.push([left, `${opt.help ?? ''}${notes.length ? `${opt.help ? ' ' : ''}(${notes.join('; ')})` : ''}`]);
  }
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([l]) => l.length));
  const lines = rows.map(([l, r]) => `  ${l.padEnd(width)}   ${r}`.trimEnd());
  return `Usage:\n  ${program} [flags]\n\nFlags:\n${lines.join('\n')}\n`;
}

function renderDefault(opt: OptionSpec): string {
  const d = opt.default;
  if (opt.type === 'duration') return typeof d === 'number' ? formatDuration(d) : String(d);
  if (Array.isArray(d)) return `[${(d as string[]).join(',')}]`;
  if (typeof d === 'string') return JSON.stringify(d);
  return String(d);
}

/**
 * A component's flags for its main.ts: the parsed values, or the process exit code after printing the help
 * text (0) or the flag error prefixed with the program name (2).
 */
export function parseFlagsOrExitCode<S extends ConfigSpec>(parser: ConfigParser<S>, program: string, argv: readonly string[] = process.argv.slice(2)): ConfigValues<S> | number {
  try {
    return parser.parse(argv);
  } catch (e) {
    if (e instanceof HelpRequested) {
      process.stdout.write(`${parser.help(program)}\n`);
      return 0;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`${program}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
