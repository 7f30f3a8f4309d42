/**
 * Defaults for core/v1 kinds other than pods (k/k pkg/apis/core/v1/defaults.go) and discovery/v1.
 * Functions mutate in place.
 */
import type {
  Endpoints,
  Namespace,
  Node,
  PersistentVolumeClaim,
  PodTemplate,
  ReplicationController,
  Secret,
  Service,
} from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { isObj } from './util.js';
import { defaultPodTemplateSpec, defaultResourceList } from './pod.js';

function arr<T>(v: T[] | undefined | null): T[] {
  return Array.isArray(v) ? v : [];
}

/** A Service is externally accessible when NodePort/LoadBalancer, or ClusterIP with externalIPs. */
export function externallyAccessible(svc: Service): boolean {
  const t = svc.spec?.type;
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && arr(svc.spec?.externalIPs).length > 0);
}

export interface ServiceDefaultOptions {
  /**
   * Also set what upstream's Service REST storage sets while allocating IPs: ipFamilyPolicy SingleStack and
   * ipFamilies [IPv4] (except for ExternalName services). Default true.
   */
  ipFamilies?: boolean;
}

/** SetDefaults_Service */
export function defaultService(svc: Service, opts: ServiceDefaultOptions = {}): void {
  if (!isObj(svc)) return;
  if (!isObj(svc.spec)) svc.spec = {};
  const spec = svc.spec;
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of arr(spec.ports)) {
    if (!isObj(p)) continue;
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(svc) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (!spec.internalTrafficPolicy && (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP')) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer' && (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)) {
    spec.allocateLoadBalancerNodePorts = true;
  }
  if ((opts.ipFamilies ?? true) && spec.type !== 'ExternalName') {
    if (!spec.ipFamilyPolicy) spec.ipFamilyPolicy = 'SingleStack';
    if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = ['IPv4'];
  }
}

export const LABEL_METADATA_NAME = 'kubernetes.io/metadata.name';
/** The finalizer the namespace strategy puts in spec.finalizers on create. */
export const FINALIZER_KUBERNETES = 'kubernetes';

export interface NamespaceDefaultOptions {
  /** also set spec.finalizers ['kubernetes'] (the namespace strategy's PrepareForCreate). Default false. */
  forCreate?: boolean;
}

/** SetDefaults_Namespace + SetDefaults_NamespaceStatus */
export function defaultNamespace(ns: Namespace, opts: NamespaceDefaultOptions = {}): void {
  if (!isObj(ns)) return;
  if (!isObj(ns.metadata)) ns.metadata = {};
  const name = ns.metadata.name;
  if (name) {
    if (!isObj(ns.metadata.labels)) ns.metadata.labels = {};
    ns.metadata.labels[LABEL_METADATA_NAME] = name;
  }
  if (!isObj(ns.status)) ns.status = {};
  if (!ns.status.phase) ns.status.phase = 'Active';
  if (opts.forCreate) {
    if (!isObj(ns.spec)) ns.spec = {};
    ns.spec.finalizers = [FINALIZER_KUBERNETES];
  }
}

/**
 * SetDefaults_Secret (type Opaque) plus the v1→internal conversion that merges `stringData` into
 * `data` (base64) and drops `stringData`, as the API never returns it.
 */
export function defaultSecret(secret: Secret): void {
  if (!isObj(secret)) return;
  if (!secret.type) secret.type = 'Opaque';
  if (isObj(secret.stringData)) {
    if (!isObj(secret.data)) secret.data = {};
    for (const [k, v] of Object.entries(secret.stringData)) {
      secret.data[k] = Buffer.from(typeof v === 'string' ? v : String(v), 'utf8').toString('base64');
    }
  }
  delete secret.stringData;
}

/** SetDefaults_NodeStatus (allocatable from capacity) and ResourceList rounding. */
export function defaultNode(node: Node): void {
  if (!isObj(node)) return;
  const st = node.status;
  if (!isObj(st)) return;
  if (isObj(st.capacity) && !isObj(st.allocatable)) st.allocatable = { ...st.capacity };
  defaultResourceList(st.capacity);
  defaultResourceList(st.allocatable);
}

/** SetDefaults_EndpointPort: protocol TCP. */
export function defaultEndpoints(ep: Endpoints): void {
  if (!isObj(ep)) return;
  for (const ss of arr(ep.subsets)) for (const p of arr(ss?.ports)) if (isObj(p) && !p.protocol) p.protocol = 'TCP';
}

/** discovery/v1 SetDefaults_EndpointPort: name "" and protocol TCP. */
export function defaultEndpointSlice(es: EndpointSlice): void {
  if (!isObj(es)) return;
  for (const p of arr(es.ports)) {
    if (!isObj(p)) continue;
    if (p.name === undefined || p.name === null) p.name = '';
    if (!p.protocol) p.protocol = 'TCP';
  }
}

/** SetDefaults_PersistentVolumeClaim (volumeMode Filesystem) and status phase Pending. */
export function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): void {
  if (!isObj(pvc)) return;
  if (!isObj(pvc.spec)) pvc.spec = {};
  if (!pvc.spec.volumeMode) pvc.spec.volumeMode = 'Filesystem';
  defaultResourceList(pvc.spec.resources?.requests);
  defaultResourceList(pvc.spec.resources?.limits);
  const w = pvc as { status?: { phase?: string } };
  if (!isObj(w.status)) w.status = {};
  if (!w.status.phase) w.status.phase = 'Pending';
}

export function defaultPodTemplate(pt: PodTemplate): void {
  if (!isObj(pt)) return;
  if (!isObj(pt.template)) pt.template = {};
  defaultPodTemplateSpec(pt.template);
}

/** SetDefaults_ReplicationController: replicas 1, selector/labels from the template labels. */
export function defaultReplicationController(rc: ReplicationController): void {
  if (!isObj(rc)) return;
  if (!isObj(rc.spec)) rc.spec = {};
  const spec = rc.spec;
  const tl = spec.template?.metadata?.labels;
  if (isObj(tl) && Object.keys(tl).length) {
    if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...tl };
    if (!isObj(rc.metadata)) rc.metadata = {};
    if (!isObj(rc.metadata.labels) || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...tl };
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (spec.template) defaultPodTemplateSpec(spec.template);
}
