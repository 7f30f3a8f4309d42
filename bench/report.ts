import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeTarget } from './metrics.js';
import type { Metric, ScenarioResult } from './types.js';

export interface RunInfo {
  timestamp: string;
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  totalMemGiB: number;
  /** KUBEMU_BENCH_SCALE; targets are meant for scale 1 */
  scale: number;
  durationMs: number;
}

export function runInfo(startedAt: Date, durationMs: number, scale: number): RunInfo {
  return {
    timestamp: startedAt.toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    scale,
    durationMs,
  };
}

/** Writes `<scenario>.json` per scenario, `latest.json` for the run and `SUMMARY.md`; returns the summary text. */
export async function writeResults(dir: string, info: RunInfo, results: readonly ScenarioResult[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const r of results) {
    await writeFile(path.join(dir, `${r.scenario}.json`), `${JSON.stringify({ run: info, ...r }, null, 2)}\n`);
  }
  await writeFile(path.join(dir, 'latest.json'), `${JSON.stringify({ ...info, scenarios: results }, null, 2)}\n`);
  const summary = renderSummary(info, results);
  await writeFile(path.join(dir, 'SUMMARY.md'), summary);
  return summary;
}

export function renderSummary(info: RunInfo, results: readonly ScenarioResult[]): string {
  const lines = [
    '# kubemu benchmark summary',
    '',
    `${info.timestamp} · node ${info.node} · ${info.cpus} CPUs (${info.cpuModel}) · ${info.totalMemGiB} GiB · scale ${info.scale} · ${(info.durationMs / 1000).toFixed(1)} s`,
    '',
    'ratio = value ÷ baseline. Targets are recorded, not enforced.',
    '',
    '| scenario | metric | value | baseline | ratio | target | met? |',
    '|---|---|---|---|---|---|---|',
  ];
  const notes: string[] = [];
  for (const r of results) {
    if (r.error) {
      lines.push(`| ${r.scenario} | **crashed** | — | — | — | — | — |`);
      notes.push(`- **${r.scenario}** crashed: ${firstLine(r.error)}`);
    }
    for (const m of r.metrics) {
      lines.push(`| ${r.scenario} | ${m.name} | ${fmt(m.value, m.unit)} | ${baselineCell(m)} | ${m.ratio ?? '—'} | ${m.target ? describeTarget(m.target, m.unit) : '—'} | ${metCell(m)} |`);
      if (m.note) notes.push(`- ${r.scenario} / ${m.name}: ${m.note}`);
    }
    const errs = r.details?.errors;
    if (Array.isArray(errs) && errs.length > 0) notes.push(`- **${r.scenario}** saw API errors: ${JSON.stringify(errs).slice(0, 1000)}`);
  }
  if (notes.length > 0) lines.push('', '## Notes', '', ...notes);
  return `${lines.join('\n')}\n`;
}

function fmt(v: number, unit: string): string {
  return `${v} ${unit}`;
}

function baselineCell(m: Metric): string {
  if (m.baseline === undefined) return '—';
  return m.baselineLabel ? `${fmt(m.baseline, m.unit)} (${m.baselineLabel})` : fmt(m.baseline, m.unit);
}

function metCell(m: Metric): string {
  if (m.met === undefined) return '—';
  return m.met ? 'yes' : '**no**';
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
