/** batch/v1 CronJob rows, as upstream printCronJob (pkg/printers/internalversion/printers.go). */
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import { trySelectorFromLabelSelector } from '../../api/labels.js';
import { DOC } from './descriptions.js';
import { ageSince } from './duration.js';
import { layoutContainerCells } from './format.js';
import { column, type Printer } from './types.js';

export const cronJobPrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    column('Timezone', 'string', DOC.cronJobTimeZone),
    column('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.'),
    column('Active', 'integer', 'A list of pointers to currently running jobs.'),
    column('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
    column('Age', 'string', DOC.creationTimestamp),
    column('Containers', 'string', 'Names of each container in the template.', { priority: 1 }),
    column('Images', 'string', 'Images referenced by each container in the template.', { priority: 1 }),
    column('Selector', 'string', DOC.jobSelector, { priority: 1 }),
  ],
  print: (obj, now) => {
    const cj = obj as CronJob;
    const spec = cj.spec;
    const suspend = spec?.suspend;
    const [names, images] = layoutContainerCells(spec?.jobTemplate?.spec?.template?.spec?.containers);
    // metav1.LabelSelectorAsSelector(nil) is labels.Nothing(), printed as ''
    const sel = spec?.jobTemplate?.spec?.selector ? trySelectorFromLabelSelector(spec.jobTemplate.spec.selector) : undefined;
    return {
      cells: [
        cj.metadata?.name ?? '',
        spec?.schedule ?? '',
        spec?.timeZone ?? '<none>',
        suspend === undefined || suspend === null ? '<unset>' : suspend ? 'True' : 'False',
        cj.status?.active?.length ?? 0,
        cj.status?.lastScheduleTime ? ageSince(cj.status.lastScheduleTime, now) : '<none>',
        ageSince(cj.metadata?.creationTimestamp, now),
        names,
        images,
        sel ? sel.toString() : '',
      ],
    };
  },
};
