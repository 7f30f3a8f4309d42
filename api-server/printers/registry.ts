/** Which printer serves each resource (upstream: each REST storage's TableConvertor). */
import type { ResourceInfo } from '../../api/resources.js';
import { configMapPrinter, leasePrinter, namespacePrinter, secretPrinter, serviceAccountPrinter } from './core.js';
import { DOC } from './descriptions.js';
import { eventPrinter } from './event.js';
import { cronJobPrinter } from './cronjob.js';
import { jobPrinter } from './job.js';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './network.js';
import { nodePrinter } from './node.js';
import { podPrinter } from './pod.js';
import { column, type Printer } from './types.js';
import { deploymentPrinter, replicaSetPrinter, scalePrinter } from './workloads.js';

const PRINTERS: ReadonlyMap<string, Printer> = new Map([
  ['/pods', podPrinter],
  ['/nodes', nodePrinter],
  ['/namespaces', namespacePrinter],
  ['/services', servicePrinter],
  ['/endpoints', endpointsPrinter],
  ['/configmaps', configMapPrinter],
  ['/secrets', secretPrinter],
  ['/serviceaccounts', serviceAccountPrinter],
  ['/events', eventPrinter],
  ['events.k8s.io/events', eventPrinter],
  ['apps/deployments', deploymentPrinter],
  ['apps/replicasets', replicaSetPrinter],
  ['batch/jobs', jobPrinter],
  ['batch/cronjobs', cronJobPrinter],
  ['coordination.k8s.io/leases', leasePrinter],
  ['discovery.k8s.io/endpointslices', endpointSlicePrinter],
  // the scale subresource of any scalable resource
  ['autoscaling/scale', scalePrinter],
]);

/** What `printerFor` needs to know of a scale subresource request. */
export const SCALE_RESOURCE: Pick<ResourceInfo, 'group' | 'resource'> = { group: 'autoscaling', resource: 'scale' };

const GO_ZERO_TIME_RFC3339 = '0001-01-01T00:00:00Z';

/**
 * apiserver/pkg/registry/rest/table.go defaultTableConvertor: Name and "Created At" (RFC 3339, UTC), for
 * resources without a dedicated printer.
 */
export const defaultPrinter: Printer = {
  columns: [column('Name', 'string', DOC.name, { format: 'name' }), column('Created At', 'date', DOC.creationTimestamp)],
  print: (obj) => {
    const t = Date.parse(obj.metadata?.creationTimestamp ?? '');
    const created = Number.isNaN(t) ? GO_ZERO_TIME_RFC3339 : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { cells: [obj.metadata?.name ?? '', created] };
  },
};

export function printerFor(info: Pick<ResourceInfo, 'group' | 'resource'>): Printer {
  return PRINTERS.get(`${info.group}/${info.resource}`) ?? defaultPrinter;
}
