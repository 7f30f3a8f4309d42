/**
 * Strategic-merge-patch metadata of fields: upstream's Go struct tags `patchStrategy:"…"` and
 * `patchMergeKey:"…"`, which upstream's OpenAPI publishes as `x-kubernetes-patch-strategy` and
 * `x-kubernetes-patch-merge-key`. The `kubernetes-types` package that the definitions are generated
 * from does not carry them, so they are listed here, copied from the sources at the v0.32.13 tags:
 * every tagged field of k8s.io/api {core,apps,batch,autoscaling,policy,storage}/…/types.go and of
 * k8s.io/apimachinery pkg/apis/meta/v1/types.go. Entries name the OpenAPI definition and JSON field
 * (the Go struct `EphemeralContainerCommon` is inlined into `EphemeralContainer`).
 */
export interface PatchStrategyEntry {
  readonly definition: string;
  readonly field: string;
  readonly strategy: string;
  readonly mergeKey?: string;
}

const CORE = 'io.k8s.api.core.v1';
const APPS = 'io.k8s.api.apps.v1';

function e(definition: string, field: string, strategy: string, mergeKey?: string): PatchStrategyEntry {
  return mergeKey === undefined ? { definition, field, strategy } : { definition, field, strategy, mergeKey };
}

export const PATCH_STRATEGIES: readonly PatchStrategyEntry[] = [
  // k8s.io/apimachinery/pkg/apis/meta/v1/types.go
  e('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'ownerReferences', 'merge', 'uid'),
  e('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers', 'merge'),
  // k8s.io/api/core/v1/types.go
  e(`${CORE}.PersistentVolumeClaimStatus`, 'conditions', 'merge', 'type'),
  e(`${CORE}.Container`, 'ports', 'merge', 'containerPort'),
  e(`${CORE}.Container`, 'env', 'merge', 'name'),
  e(`${CORE}.Container`, 'volumeMounts', 'merge', 'mountPath'),
  e(`${CORE}.Container`, 'volumeDevices', 'merge', 'devicePath'),
  e(`${CORE}.ContainerStatus`, 'volumeMounts', 'merge', 'mountPath'),
  e(`${CORE}.ContainerStatus`, 'allocatedResourcesStatus', 'merge', 'name'),
  e(`${CORE}.PodSpec`, 'volumes', 'merge,retainKeys', 'name'),
  e(`${CORE}.PodSpec`, 'initContainers', 'merge', 'name'),
  e(`${CORE}.PodSpec`, 'containers', 'merge', 'name'),
  e(`${CORE}.PodSpec`, 'ephemeralContainers', 'merge', 'name'),
  e(`${CORE}.PodSpec`, 'imagePullSecrets', 'merge', 'name'),
  e(`${CORE}.PodSpec`, 'hostAliases', 'merge', 'ip'),
  e(`${CORE}.PodSpec`, 'topologySpreadConstraints', 'merge', 'topologyKey'),
  e(`${CORE}.PodSpec`, 'schedulingGates', 'merge', 'name'),
  e(`${CORE}.PodSpec`, 'resourceClaims', 'merge,retainKeys', 'name'),
  e(`${CORE}.EphemeralContainer`, 'ports', 'merge', 'containerPort'),
  e(`${CORE}.EphemeralContainer`, 'env', 'merge', 'name'),
  e(`${CORE}.EphemeralContainer`, 'volumeMounts', 'merge', 'mountPath'),
  e(`${CORE}.EphemeralContainer`, 'volumeDevices', 'merge', 'devicePath'),
  e(`${CORE}.PodStatus`, 'conditions', 'merge', 'type'),
  e(`${CORE}.PodStatus`, 'hostIPs', 'merge', 'ip'),
  e(`${CORE}.PodStatus`, 'podIPs', 'merge', 'ip'),
  e(`${CORE}.PodStatus`, 'resourceClaimStatuses', 'merge,retainKeys', 'name'),
  e(`${CORE}.ReplicationControllerStatus`, 'conditions', 'merge', 'type'),
  e(`${CORE}.ServiceStatus`, 'conditions', 'merge', 'type'),
  e(`${CORE}.ServiceSpec`, 'ports', 'merge', 'port'),
  e(`${CORE}.ServiceAccount`, 'secrets', 'merge', 'name'),
  e(`${CORE}.NodeSpec`, 'podCIDRs', 'merge'),
  e(`${CORE}.NodeStatus`, 'conditions', 'merge', 'type'),
  e(`${CORE}.NodeStatus`, 'addresses', 'merge', 'type'),
  e(`${CORE}.NamespaceStatus`, 'conditions', 'merge', 'type'),
  e(`${CORE}.ComponentStatus`, 'conditions', 'merge', 'type'),
  // k8s.io/api/apps/v1/types.go
  e(`${APPS}.StatefulSetStatus`, 'conditions', 'merge', 'type'),
  e(`${APPS}.DeploymentSpec`, 'strategy', 'retainKeys'),
  e(`${APPS}.DeploymentStatus`, 'conditions', 'merge', 'type'),
  e(`${APPS}.DaemonSetStatus`, 'conditions', 'merge', 'type'),
  e(`${APPS}.ReplicaSetStatus`, 'conditions', 'merge', 'type'),
  // k8s.io/api/autoscaling/v2, batch/v1, policy/v1, storage/v1 types.go
  e('io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus', 'conditions', 'merge', 'type'),
  e('io.k8s.api.batch.v1.JobStatus', 'conditions', 'merge', 'type'),
  e('io.k8s.api.policy.v1.PodDisruptionBudgetSpec', 'selector', 'replace'),
  e('io.k8s.api.policy.v1.PodDisruptionBudgetStatus', 'conditions', 'merge', 'type'),
  e('io.k8s.api.storage.v1.CSINodeSpec', 'drivers', 'merge', 'name'),
];
