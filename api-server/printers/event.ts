/**
 * Event rows, as upstream printEvent. Both core/v1 and events.k8s.io/v1 Events print through the core shape
 * (upstream prints the shared internal type).
 */
import type { Event } from 'kubernetes-types/core/v1.js';
import type { KubeObject, StoredObject } from '../../api/object.js';
import { eventsV1ToCore } from '../registry/events/convert.js';
import { DOC } from './descriptions.js';
import { ageSince } from './duration.js';
import { int } from './format.js';
import { column, type Printer, type PrintedRow } from './types.js';

export const eventPrinter: Printer = {
  columns: [
    column('Last Seen', 'string', DOC.evLastTimestamp),
    column('Type', 'string', DOC.evType),
    column('Reason', 'string', DOC.evReason),
    column('Object', 'string', DOC.evInvolvedObject),
    column('Subobject', 'string', DOC.evFieldPath, { priority: 1 }),
    column('Source', 'string', DOC.evSource, { priority: 1 }),
    column('Message', 'string', DOC.evMessage),
    column('First Seen', 'string', DOC.evFirstTimestamp, { priority: 1 }),
    column('Count', 'string', DOC.evCount, { priority: 1 }),
    column('Name', 'string', DOC.name, { priority: 1, format: 'name' }),
  ],
  print: (obj, now) => printEvent(asCoreEvent(obj), now),
};

function asCoreEvent(obj: KubeObject): Event {
  if (obj.apiVersion === 'events.k8s.io/v1' && obj.metadata) return eventsV1ToCore(obj as StoredObject) as unknown as Event;
  return obj as unknown as Event;
}

function printEvent(ev: Event, now: Date): PrintedRow {
  let first = ageSince(ev.firstTimestamp, now);
  if (!ev.firstTimestamp) first = ageSince(ev.eventTime, now);
  let last = ev.lastTimestamp ? ageSince(ev.lastTimestamp, now) : first;
  let count = int(ev.count);
  if (ev.series) {
    last = ageSince(ev.series.lastObservedTime, now);
    count = int(ev.series.count);
  } else if (count === 0) {
    // singleton events of the new API have no count
    count = 1;
  }
  const io = ev.involvedObject ?? {};
  const kind = (io.kind ?? '').toLowerCase();
  const target = io.name ? `${kind}/${io.name}` : kind;
  return {
    cells: [
      last,
      ev.type ?? '',
      ev.reason ?? '',
      target,
      io.fieldPath ?? '',
      formatEventSource(ev),
      (ev.message ?? '').trim(),
      first,
      count,
      ev.metadata?.name ?? '',
    ],
  };
}

/** formatEventSource: `component[, host]`, falling back to reportingComponent / reportingInstance. */
function formatEventSource(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}
