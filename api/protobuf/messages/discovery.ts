/**
 * Protobuf field table, discovery.k8s.io/v1: EndpointSlice.
 * Field numbers and names are those of the wire format (k8s.io/api and apimachinery v0.32 `generated.proto`);
 * modes follow the Go types' `json` tags (see ../schema.ts).
 */
import type { MessageTable } from '../schema.js';

export const DISCOVERY_V1: MessageTable = {
  'discovery.EndpointSlice': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['endpoints', 'discovery.Endpoint', 'list'],
    3: ['ports', 'discovery.EndpointPort', 'list'],
    4: ['addressType', 'string', 'keep'],
  },
  'discovery.Endpoint': {
    1: ['addresses', 'string', 'list'],
    2: ['conditions', 'discovery.EndpointConditions'],
    3: ['hostname', 'string', 'ptr'],
    4: ['targetRef', 'core.ObjectReference'],
    5: ['deprecatedTopology', 'string', 'map'],
    6: ['nodeName', 'string', 'ptr'],
    7: ['zone', 'string', 'ptr'],
    8: ['hints', 'discovery.EndpointHints'],
  },
  'discovery.EndpointPort': {
    1: ['name', 'string', 'ptr'],
    2: ['protocol', 'string', 'ptr'],
    3: ['port', 'int32', 'ptr'],
    4: ['appProtocol', 'string', 'ptr'],
  },
  'discovery.EndpointConditions': {
    1: ['ready', 'bool', 'ptr'],
    2: ['serving', 'bool', 'ptr'],
    3: ['terminating', 'bool', 'ptr'],
  },
  'discovery.EndpointHints': {
    1: ['forZones', 'discovery.ForZone', 'list'],
  },
  'discovery.ForZone': {
    1: ['name', 'string', 'keep'],
  },
};
