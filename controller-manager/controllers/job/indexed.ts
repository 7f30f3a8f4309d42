/** Indexed Jobs (k/k pkg/controller/job/indexed_job_utils.go): one succeeded pod per index 0…completions-1. */
import type { Container, Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { JOB_COMPLETION_INDEX } from '../../../api/validation/jobs.js';
import { mutableCopy } from '../util/kinds.js';

/** Parses status.completedIndexes ("1,3-5"); bad parts are ignored. */
export function parseIndexes(s: string | undefined | null): Set<number> {
  const out = new Set<number>();
  for (const part of (s ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let i = from; i <= to && i - from < 1_000_000; i++) out.add(i);
  }
  return out;
}

/** The compressed form: sorted, consecutive runs as `a-b`. */
export function formatIndexes(set: ReadonlySet<number>): string {
  const sorted = [...set].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return parts.join(',');
}

/** The completion index of a pod (annotation, else label), if it is a valid one below `completions`. */
export function podIndex(pod: Pod, completions: number): number | undefined {
  const raw = pod.metadata?.annotations?.[JOB_COMPLETION_INDEX] ?? pod.metadata?.labels?.[JOB_COMPLETION_INDEX];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  const i = Number(raw);
  return i < completions ? i : undefined;
}

function withIndexEnv(c: Container): Container {
  const env = (c.env ?? []).filter((e) => e.name !== 'JOB_COMPLETION_INDEX');
  env.push({ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX}']` } } });
  return { ...c, env };
}

/** The template of the pod for `index`: annotation and label, hostname `<job>-<index>`, JOB_COMPLETION_INDEX. */
export function indexedTemplate(template: PodTemplateSpec, jobName: string, index: number): PodTemplateSpec {
  const t = mutableCopy(template);
  const meta = (t.metadata ??= {});
  meta.annotations = { ...(meta.annotations ?? {}), [JOB_COMPLETION_INDEX]: String(index) };
  meta.labels = { ...(meta.labels ?? {}), [JOB_COMPLETION_INDEX]: String(index) };
  const spec = (t.spec ??= { containers: [] });
  spec.hostname = `${jobName}-${index}`;
  spec.containers = spec.containers.map(withIndexEnv);
  if (spec.initContainers) spec.initContainers = spec.initContainers.map(withIndexEnv);
  return t;
}

/**
 * Which indexes get a new pod (the lowest pending ones, up to parallelism) and which active pods go (index done,
 * invalid or duplicated, or beyond parallelism).
 */
export function planIndexed(completions: number, parallelism: number, completed: ReadonlySet<number>, active: readonly Pod[]): { create: number[]; remove: Pod[] } {
  const remove: Pod[] = [];
  const running = new Map<number, Pod>();
  for (const p of active) {
    const i = podIndex(p, completions);
    if (i === undefined || completed.has(i) || running.has(i)) remove.push(p);
    else running.set(i, p);
  }
  const kept = [...running.entries()].sort((a, b) => a[0] - b[0]);
  while (kept.length > parallelism) remove.push(kept.pop()![1]);
  const create: number[] = [];
  for (let i = 0; i < completions && kept.length + create.length < parallelism; i++) {
    if (!completed.has(i) && !running.has(i)) create.push(i);
  }
  return { create, remove };
}
