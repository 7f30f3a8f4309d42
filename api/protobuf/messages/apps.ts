/**
 * Protobuf field table, apps/v1: Deployment and ReplicaSet.
 * Field numbers and names are those of the wire format (k8s.io/api and apimachinery v0.32 `generated.proto`);
 * modes follow the Go types' `json` tags (see ../schema.ts).
 */
import type { MessageTable } from '../schema.js';

export const APPS_V1: MessageTable = {
  'apps.Deployment': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['spec', 'apps.DeploymentSpec'],
    3: ['status', 'apps.DeploymentStatus'],
  },
  'apps.ReplicaSet': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['spec', 'apps.ReplicaSetSpec'],
    3: ['status', 'apps.ReplicaSetStatus'],
  },
  'apps.DeploymentSpec': {
    1: ['replicas', 'int32', 'ptr'],
    2: ['selector', 'meta.LabelSelector'],
    3: ['template', 'core.PodTemplateSpec'],
    4: ['strategy', 'apps.DeploymentStrategy'],
    5: ['minReadySeconds', 'int32'],
    6: ['revisionHistoryLimit', 'int32', 'ptr'],
    7: ['paused', 'bool'],
    9: ['progressDeadlineSeconds', 'int32', 'ptr'],
  },
  'apps.DeploymentStatus': {
    1: ['observedGeneration', 'int64'],
    2: ['replicas', 'int32'],
    3: ['updatedReplicas', 'int32'],
    4: ['availableReplicas', 'int32'],
    5: ['unavailableReplicas', 'int32'],
    6: ['conditions', 'apps.DeploymentCondition', 'list'],
    7: ['readyReplicas', 'int32'],
    8: ['collisionCount', 'int32', 'ptr'],
  },
  'apps.ReplicaSetSpec': {
    1: ['replicas', 'int32', 'ptr'],
    2: ['selector', 'meta.LabelSelector'],
    3: ['template', 'core.PodTemplateSpec'],
    4: ['minReadySeconds', 'int32'],
  },
  'apps.ReplicaSetStatus': {
    1: ['replicas', 'int32', 'keep'],
    2: ['fullyLabeledReplicas', 'int32'],
    3: ['observedGeneration', 'int64'],
    4: ['readyReplicas', 'int32'],
    5: ['availableReplicas', 'int32'],
    6: ['conditions', 'apps.ReplicaSetCondition', 'list'],
  },
  'apps.DeploymentStrategy': {
    1: ['type', 'string'],
    2: ['rollingUpdate', 'apps.RollingUpdateDeployment'],
  },
  'apps.DeploymentCondition': {
    1: ['type', 'string', 'keep'],
    2: ['status', 'string', 'keep'],
    4: ['reason', 'string'],
    5: ['message', 'string'],
    6: ['lastUpdateTime', 'Time'],
    7: ['lastTransitionTime', 'Time'],
  },
  'apps.ReplicaSetCondition': {
    1: ['type', 'string', 'keep'],
    2: ['status', 'string', 'keep'],
    3: ['lastTransitionTime', 'Time'],
    4: ['reason', 'string'],
    5: ['message', 'string'],
  },
  'apps.RollingUpdateDeployment': {
    1: ['maxUnavailable', 'IntOrString'],
    2: ['maxSurge', 'IntOrString'],
  },
};
