/**
 * All protobuf field tables, and the message of each top-level kind kubemu accepts as a protobuf body:
 * every kind it serves, plus the request-only kinds kubectl and client-go send (DeleteOptions, Eviction,
 * Binding, Scale).
 */
import type { MessageTable } from '../schema.js';
import { APPS_V1 } from './apps.js';
import { AUTOSCALING_V1 } from './autoscaling.js';
import { BATCH_V1 } from './batch.js';
import { COORDINATION_V1 } from './coordination.js';
import { CORE_V1 } from './core.js';
import { DISCOVERY_V1 } from './discovery.js';
import { EVENTS_V1 } from './events.js';
import { META_V1 } from './meta.js';
import { POD_V1 } from './pod.js';
import { POLICY_V1 } from './policy.js';

export const MESSAGES: MessageTable = {
  ...META_V1,
  ...POD_V1,
  ...CORE_V1,
  ...APPS_V1,
  ...AUTOSCALING_V1,
  ...BATCH_V1,
  ...POLICY_V1,
  ...COORDINATION_V1,
  ...DISCOVERY_V1,
  ...EVENTS_V1,
};

/** `<apiVersion>/<kind>` → message */
const ROOTS: Readonly<Record<string, string>> = {
  'v1/Pod': 'core.Pod',
  'v1/Binding': 'core.Binding',
  'v1/ConfigMap': 'core.ConfigMap',
  'v1/Secret': 'core.Secret',
  'v1/Namespace': 'core.Namespace',
  'v1/Service': 'core.Service',
  'v1/ServiceAccount': 'core.ServiceAccount',
  'v1/Node': 'core.Node',
  'v1/Endpoints': 'core.Endpoints',
  'v1/Event': 'core.Event',
  'apps/v1/Deployment': 'apps.Deployment',
  'apps/v1/ReplicaSet': 'apps.ReplicaSet',
  'autoscaling/v1/Scale': 'autoscaling.Scale',
  'batch/v1/Job': 'batch.Job',
  'batch/v1/CronJob': 'batch.CronJob',
  'policy/v1/Eviction': 'policy.Eviction',
  'coordination.k8s.io/v1/Lease': 'coordination.Lease',
  'discovery.k8s.io/v1/EndpointSlice': 'discovery.EndpointSlice',
  'events.k8s.io/v1/Event': 'events.Event',
};

/** The message of a top-level object. DeleteOptions is registered in every group version, as upstream does. */
export function rootMessage(apiVersion: string, kind: string): string | undefined {
  if (kind === 'DeleteOptions') return 'meta.DeleteOptions';
  return ROOTS[`${apiVersion}/${kind}`];
}

