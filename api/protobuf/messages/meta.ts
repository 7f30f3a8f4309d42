/**
 * Protobuf field table, meta.k8s.io/v1 (apimachinery pkg/apis/meta/v1): ObjectMeta and what it holds, LabelSelector, DeleteOptions, Condition.
 * Field numbers and names are those of the wire format (k8s.io/api and apimachinery v0.32 `generated.proto`);
 * modes follow the Go types' `json` tags (see ../schema.ts).
 */
import type { MessageTable } from '../schema.js';

export const META_V1: MessageTable = {
  'meta.DeleteOptions': {
    1: ['gracePeriodSeconds', 'int64', 'ptr'],
    2: ['preconditions', 'meta.Preconditions'],
    3: ['orphanDependents', 'bool', 'ptr'],
    4: ['propagationPolicy', 'string', 'ptr'],
    5: ['dryRun', 'string', 'list'],
    6: ['ignoreStoreReadErrorWithClusterBreakingPotential', 'bool', 'ptr'],
  },
  'meta.ObjectMeta': {
    1: ['name', 'string'],
    2: ['generateName', 'string'],
    3: ['namespace', 'string'],
    4: ['selfLink', 'string'],
    5: ['uid', 'string'],
    6: ['resourceVersion', 'string'],
    7: ['generation', 'int64'],
    8: ['creationTimestamp', 'Time'],
    9: ['deletionTimestamp', 'Time'],
    10: ['deletionGracePeriodSeconds', 'int64', 'ptr'],
    11: ['labels', 'string', 'map'],
    12: ['annotations', 'string', 'map'],
    13: ['ownerReferences', 'meta.OwnerReference', 'list'],
    14: ['finalizers', 'string', 'list'],
    17: ['managedFields', 'meta.ManagedFieldsEntry', 'list'],
  },
  'meta.Preconditions': {
    1: ['uid', 'string', 'ptr'],
    2: ['resourceVersion', 'string', 'ptr'],
  },
  'meta.OwnerReference': {
    1: ['kind', 'string', 'keep'],
    3: ['name', 'string', 'keep'],
    4: ['uid', 'string', 'keep'],
    5: ['apiVersion', 'string', 'keep'],
    6: ['controller', 'bool', 'ptr'],
    7: ['blockOwnerDeletion', 'bool', 'ptr'],
  },
  'meta.ManagedFieldsEntry': {
    1: ['manager', 'string'],
    2: ['operation', 'string'],
    3: ['apiVersion', 'string'],
    4: ['time', 'Time'],
    6: ['fieldsType', 'string'],
    7: ['fieldsV1', 'RawJSON'],
    8: ['subresource', 'string'],
  },
  'meta.LabelSelector': {
    1: ['matchLabels', 'string', 'map'],
    2: ['matchExpressions', 'meta.LabelSelectorRequirement', 'list'],
  },
  'meta.Condition': {
    1: ['type', 'string', 'keep'],
    2: ['status', 'string', 'keep'],
    3: ['observedGeneration', 'int64'],
    4: ['lastTransitionTime', 'Time'],
    5: ['reason', 'string', 'keep'],
    6: ['message', 'string', 'keep'],
  },
  'meta.LabelSelectorRequirement': {
    1: ['key', 'string', 'keep'],
    2: ['operator', 'string', 'keep'],
    3: ['values', 'string', 'list'],
  },
};
