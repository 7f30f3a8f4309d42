/**
 * Protobuf field table, autoscaling/v1: Scale (the scale subresource).
 * Field numbers and names are those of the wire format (k8s.io/api and apimachinery v0.32 `generated.proto`);
 * modes follow the Go types' `json` tags (see ../schema.ts).
 */
import type { MessageTable } from '../schema.js';

export const AUTOSCALING_V1: MessageTable = {
  'autoscaling.Scale': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['spec', 'autoscaling.ScaleSpec'],
    3: ['status', 'autoscaling.ScaleStatus'],
  },
  'autoscaling.ScaleSpec': {
    1: ['replicas', 'int32'],
  },
  'autoscaling.ScaleStatus': {
    1: ['replicas', 'int32', 'keep'],
    2: ['selector', 'string'],
  },
};
