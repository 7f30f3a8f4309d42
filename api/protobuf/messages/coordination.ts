/**
 * Protobuf field table, coordination.k8s.io/v1: Lease.
 * Field numbers and names are those of the wire format (k8s.io/api and apimachinery v0.32 `generated.proto`);
 * modes follow the Go types' `json` tags (see ../schema.ts).
 */
import type { MessageTable } from '../schema.js';

export const COORDINATION_V1: MessageTable = {
  'coordination.Lease': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['spec', 'coordination.LeaseSpec'],
  },
  'coordination.LeaseSpec': {
    1: ['holderIdentity', 'string', 'ptr'],
    2: ['leaseDurationSeconds', 'int32', 'ptr'],
    3: ['acquireTime', 'MicroTime'],
    4: ['renewTime', 'MicroTime'],
    5: ['leaseTransitions', 'int32', 'ptr'],
    6: ['strategy', 'string', 'ptr'],
    7: ['preferredHolder', 'string', 'ptr'],
  },
};
