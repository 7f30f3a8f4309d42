/**
 * Protobuf field table, events.k8s.io/v1: Event.
 * Field numbers and names are those of the wire format (k8s.io/api and apimachinery v0.32 `generated.proto`);
 * modes follow the Go types' `json` tags (see ../schema.ts).
 */
import type { MessageTable } from '../schema.js';

export const EVENTS_V1: MessageTable = {
  'events.Event': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['eventTime', 'MicroTime'],
    3: ['series', 'events.EventSeries'],
    4: ['reportingController', 'string'],
    5: ['reportingInstance', 'string'],
    6: ['action', 'string'],
    7: ['reason', 'string'],
    8: ['regarding', 'core.ObjectReference'],
    9: ['related', 'core.ObjectReference'],
    10: ['note', 'string'],
    11: ['type', 'string'],
    12: ['deprecatedSource', 'core.EventSource'],
    13: ['deprecatedFirstTimestamp', 'Time'],
    14: ['deprecatedLastTimestamp', 'Time'],
    15: ['deprecatedCount', 'int32'],
  },
  'events.EventSeries': {
    1: ['count', 'int32', 'keep'],
    2: ['lastObservedTime', 'MicroTime'],
  },
};
