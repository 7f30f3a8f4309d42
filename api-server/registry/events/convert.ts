import type { StoredObject } from '../../../api/object.js';

/**
 * events.k8s.io/v1 Events share storage with core/v1 Events (as upstream); these convert between the
 * two shapes (k/k pkg/apis/events/v1/conversion.go).
 */
const FIELD_MAP: [events: string, core: string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

export function eventsV1ToCore(obj: StoredObject): StoredObject {
  const out: StoredObject = { ...obj, apiVersion: 'v1', kind: 'Event' };
  for (const [ev, core] of FIELD_MAP) {
    if (ev in out) {
      out[core] = out[ev];
      delete out[ev];
    }
  }
  return out;
}

export function coreToEventsV1(obj: StoredObject): StoredObject {
  const out: StoredObject = { ...obj, apiVersion: 'events.k8s.io/v1', kind: 'Event' };
  for (const [ev, core] of FIELD_MAP) {
    if (core in out) {
      out[ev] = out[core];
      delete out[core];
    }
  }
  return out;
}
