/**
 * Protobuf field table, policy/v1: Eviction.
 * Field numbers and names are those of the wire format (k8s.io/api and apimachinery v0.32 `generated.proto`);
 * modes follow the Go types' `json` tags (see ../schema.ts).
 */
import type { MessageTable } from '../schema.js';

export const POLICY_V1: MessageTable = {
  'policy.Eviction': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['deleteOptions', 'meta.DeleteOptions'],
  },
};
