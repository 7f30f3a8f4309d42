/** batch/v1 Job rows, as upstream printJob (pkg/printers/internalversion/printers.go). */
import type { Job } from 'kubernetes-types/batch/v1.js';
import { formatLabelSelector } from '../../api/labels.js';
import { DOC } from './descriptions.js';
import { ageSince, humanDuration } from './duration.js';
import { layoutContainerCells } from './format.js';
import { column, type Printer } from './types.js';

function hasCondition(job: Job, type: string): boolean {
  return (job.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** the Status column: the first of Complete, Failed, Terminating, Suspended, FailureTarget that holds, else Running */
export function jobStatusCell(job: Job): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** the Completions column: `succeeded/completions`, or for a work-queue Job (no completions) `succeeded/1 [of parallelism]` */
export function jobCompletionsCell(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const completions = job.spec?.completions;
  const parallelism = job.spec?.parallelism;
  if (completions !== undefined && completions !== null) return `${succeeded}/${completions}`;
  if (parallelism !== undefined && parallelism !== null && parallelism > 1) return `${succeeded}/1 of ${parallelism}`;
  return `${succeeded}/1`;
}

function durationCell(job: Job, now: Date): string {
  const start = Date.parse(job.status?.startTime ?? '');
  if (Number.isNaN(start)) return '';
  const end = Date.parse(job.status?.completionTime ?? '');
  return humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
}

export const jobPrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', DOC.jobSucceeded),
    column('Duration', 'string', 'Time required to complete the job.'),
    column('Age', 'string', DOC.creationTimestamp),
    column('Containers', 'string', 'Names of each container in the template.', { priority: 1 }),
    column('Images', 'string', 'Images referenced by each container in the template.', { priority: 1 }),
    column('Selector', 'string', DOC.jobSelector, { priority: 1 }),
  ],
  print: (obj, now) => {
    const job = obj as Job;
    const [names, images] = layoutContainerCells(job.spec?.template?.spec?.containers);
    return {
      cells: [
        job.metadata?.name ?? '',
        jobStatusCell(job),
        jobCompletionsCell(job),
        durationCell(job, now),
        ageSince(job.metadata?.creationTimestamp, now),
        names,
        images,
        formatLabelSelector(job.spec?.selector),
      ],
    };
  },
};
