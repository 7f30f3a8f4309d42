/**
 * Pod defaulting, as k/k pkg/apis/core/v1/defaults.go (SetDefaults_Pod, SetDefaults_PodSpec,
 * SetDefaults_Container, probes, volumes, ResourceList rounding). Functions mutate in place.
 */
import type {
  Container,
  HTTPGetAction,
  Lifecycle,
  Pod,
  PodSpec,
  PodTemplateSpec,
  Probe,
  ResourceRequirements,
  Volume,
} from 'kubernetes-types/core/v1.js';
import { canonicalResourceQuantity, tryParseQuantity } from '../quantity.js';
import { isObj } from './util.js';

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const TERMINATION_MESSAGE_PATH_DEFAULT = '/dev/termination-log';
/** 0644 */
export const DEFAULT_VOLUME_MODE = 420;
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;

function arr<T>(v: T[] | undefined | null): T[] {
  return Array.isArray(v) ? v : [];
}

/** SetDefaults_ResourceList: every quantity rounded up to milli precision and written canonically. */
export function defaultResourceList(list: Record<string, string> | undefined | null): void {
  if (!isObj(list)) return;
  for (const [k, v] of Object.entries(list)) {
    if (tryParseQuantity(v) === undefined) continue; // left for validation to report
    list[k] = canonicalResourceQuantity(v);
  }
}

function defaultResources(r: ResourceRequirements | undefined): void {
  if (!isObj(r)) return;
  defaultResourceList(r.limits);
  defaultResourceList(r.requests);
}

/**
 * The tag of an image reference as parsers.ParseImageName reports it: 'latest' when neither tag nor
 * digest is given, '' for a digest-only reference.
 */
export function imageTag(image: string): string {
  let name = image;
  let digest = '';
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
  }
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : '';
  if (tag === '' && digest === '') return 'latest';
  return tag;
}

function defaultHTTPGet(h: HTTPGetAction | undefined): void {
  if (!isObj(h)) return;
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

export function defaultProbe(p: Probe | undefined): void {
  if (!isObj(p)) return;
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHTTPGet(p.httpGet);
}

function defaultLifecycle(l: Lifecycle | undefined): void {
  if (!isObj(l)) return;
  defaultHTTPGet(l.postStart?.httpGet);
  defaultHTTPGet(l.preStop?.httpGet);
}

export function defaultContainer(c: Container): void {
  if (!isObj(c)) return;
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  if (!c.terminationMessagePath) c.terminationMessagePath = TERMINATION_MESSAGE_PATH_DEFAULT;
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const p of arr(c.ports)) if (isObj(p) && !p.protocol) p.protocol = 'TCP';
  for (const e of arr(c.env)) {
    const fr = e?.valueFrom?.fieldRef;
    if (isObj(fr) && !fr.apiVersion) fr.apiVersion = 'v1';
    const rf = e?.valueFrom?.resourceFieldRef;
    if (isObj(rf) && rf.divisor !== undefined && tryParseQuantity(rf.divisor)) rf.divisor = canonicalResourceQuantity(rf.divisor);
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultLifecycle(c.lifecycle);
  defaultResources(c.resources);
}

const VOLUME_SOURCE_KEYS = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'configMap', 'csi', 'downwardAPI', 'emptyDir',
  'ephemeral', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk', 'gitRepo', 'glusterfs', 'hostPath', 'image', 'iscsi',
  'nfs', 'persistentVolumeClaim', 'photonPersistentDisk', 'portworxVolume', 'projected', 'quobyte', 'rbd', 'scaleIO',
  'secret', 'storageos', 'vsphereVolume',
] as const;
export { VOLUME_SOURCE_KEYS };

export function defaultVolume(v: Volume): void {
  if (!isObj(v)) return;
  const rv = v as unknown as Record<string, unknown>;
  if (!VOLUME_SOURCE_KEYS.some((k) => rv[k] !== undefined && rv[k] !== null)) v.emptyDir = {};
  if (isObj(v.secret) && v.secret.defaultMode === undefined) v.secret.defaultMode = DEFAULT_VOLUME_MODE;
  if (isObj(v.configMap) && v.configMap.defaultMode === undefined) v.configMap.defaultMode = DEFAULT_VOLUME_MODE;
  if (isObj(v.downwardAPI)) {
    if (v.downwardAPI.defaultMode === undefined) v.downwardAPI.defaultMode = DEFAULT_VOLUME_MODE;
    for (const item of arr(v.downwardAPI.items)) if (isObj(item?.fieldRef) && !item.fieldRef.apiVersion) item.fieldRef.apiVersion = 'v1';
  }
  if (isObj(v.projected)) {
    if (v.projected.defaultMode === undefined) v.projected.defaultMode = DEFAULT_VOLUME_MODE;
    for (const src of arr(v.projected.sources)) {
      if (isObj(src?.serviceAccountToken) && src.serviceAccountToken.expirationSeconds === undefined) {
        src.serviceAccountToken.expirationSeconds = DEFAULT_TOKEN_EXPIRATION_SECONDS;
      }
      for (const item of arr(src?.downwardAPI?.items)) if (isObj(item?.fieldRef) && !item.fieldRef.apiVersion) item.fieldRef.apiVersion = 'v1';
    }
  }
  if (isObj(v.hostPath) && v.hostPath.type === undefined) v.hostPath.type = '';
  if (isObj(v.emptyDir) && v.emptyDir.sizeLimit !== undefined && tryParseQuantity(v.emptyDir.sizeLimit)) {
    v.emptyDir.sizeLimit = String(tryParseQuantity(v.emptyDir.sizeLimit));
  }
}

function defaultHostNetworkPorts(containers: Container[]): void {
  for (const c of containers) {
    for (const p of arr(c?.ports)) if (isObj(p) && !p.hostPort) p.hostPort = p.containerPort;
  }
}

/** SetDefaults_PodSpec plus the per-container/volume defaults reached from it (pods and templates). */
export function defaultPodSpec(spec: PodSpec): void {
  if (!isObj(spec)) return;
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (spec.hostNetwork) {
    defaultHostNetworkPorts(arr(spec.containers));
    defaultHostNetworkPorts(arr(spec.initContainers));
  }
  if (!spec.securityContext) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    spec.terminationGracePeriodSeconds = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  }
  if (!spec.schedulerName) spec.schedulerName = DEFAULT_SCHEDULER_NAME;
  for (const c of arr(spec.containers)) defaultContainer(c);
  for (const c of arr(spec.initContainers)) defaultContainer(c);
  for (const c of arr(spec.ephemeralContainers)) defaultContainer(c);
  for (const v of arr(spec.volumes)) defaultVolume(v);
  defaultResourceList(spec.overhead);
}

export function defaultPodTemplateSpec(t: PodTemplateSpec | undefined): void {
  if (!isObj(t)) return;
  if (!isObj(t.spec)) t.spec = { containers: [] };
  defaultPodSpec(t.spec);
}

function requestsFromLimits(containers: Container[]): void {
  for (const c of containers) {
    const r = c?.resources;
    if (!isObj(r) || !isObj(r.limits)) continue;
    if (!isObj(r.requests)) r.requests = {};
    for (const [k, v] of Object.entries(r.limits)) if (!(k in r.requests)) r.requests[k] = v;
  }
}

export interface PodDefaultOptions {
  /**
   * Also apply what upstream's Priority admission plugin sets on every pod (priority 0 and
   * preemptionPolicy PreemptLowerPriority when no priorityClassName resolves them). Default true.
   */
  priorityAdmission?: boolean;
}

/** SetDefaults_Pod: the pod spec defaults, requests defaulted from limits, enableServiceLinks. */
export function defaultPod(pod: Pod, opts: PodDefaultOptions = {}): void {
  if (!isObj(pod)) return;
  if (!isObj(pod.spec)) pod.spec = { containers: [] };
  const spec = pod.spec;
  requestsFromLimits(arr(spec.containers));
  requestsFromLimits(arr(spec.initContainers));
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  defaultPodSpec(spec);
  if (opts.priorityAdmission ?? true) {
    if (spec.priority === undefined || spec.priority === null) spec.priority = 0;
    if (!spec.preemptionPolicy) spec.preemptionPolicy = 'PreemptLowerPriority';
  }
}
