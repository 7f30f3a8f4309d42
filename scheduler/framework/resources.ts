/**
 * Resource arithmetic for scheduling, as upstream's framework.Resource and component-helpers' PodRequests:
 * quantities are summed exactly (api/quantity.ts), then turned into numbers (milli-CPU, bytes, counts) once
 * per pod or node so the per-node filter and score loops work on plain numbers.
 */
import type { Pod, ResourceRequirements } from 'kubernetes-types/core/v1.js';
import { Quantity, tryParseQuantity } from '../../api/quantity.js';
import { isQualifiedName } from '../../api/validation/names.js';

/** Requests or allocatable amounts: cpu in milli-cores, memory and ephemeral-storage in bytes. */
export interface ResourceVector {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended resources, hugepages-*, attachable-volumes-*: whole units. */
  scalar: Map<string, number>;
}

/** What the scheduler assumes for a container without a cpu / memory request when scoring (schedutil). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const DEFAULT_NAMESPACE_PREFIX = 'kubernetes.io/';
const REQUESTS_PREFIX = 'requests.';

export function emptyVector(): ResourceVector {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() };
}

/** v1helper.IsNativeResource: no domain, or the kubernetes.io domain. */
function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes(DEFAULT_NAMESPACE_PREFIX);
}

/** v1helper.IsExtendedResourceName: domain-prefixed, not kubernetes.io, valid as a quota name. */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith(REQUESTS_PREFIX)) return false;
  return isQualifiedName(REQUESTS_PREFIX + name).length === 0;
}

/** schedutil.IsScalarResourceName: extended, hugepages-* or attachable-volumes-*. */
export function isScalarResourceName(name: string): boolean {
  return isExtendedResourceName(name) || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}

type QuantityMap = Map<string, Quantity>;

function toQuantities(list: Readonly<Record<string, unknown>> | undefined): QuantityMap {
  const out: QuantityMap = new Map();
  if (!list) return out;
  for (const [k, v] of Object.entries(list)) {
    const q = tryParseQuantity(v);
    if (q) out.set(k, q);
  }
  return out;
}

function addInto(into: QuantityMap, add: QuantityMap): void {
  for (const [k, q] of add) {
    const cur = into.get(k);
    into.set(k, cur ? cur.add(q) : q);
  }
}

function maxInto(into: QuantityMap, other: QuantityMap): void {
  for (const [k, q] of other) {
    const cur = into.get(k);
    if (!cur || q.cmp(cur) > 0) into.set(k, q);
  }
}

/** The requests of one container, with `nonMissing` filled in for resources it does not request. */
function containerRequests(res: ResourceRequirements | undefined, nonMissing: QuantityMap | undefined): QuantityMap {
  const reqs = toQuantities(res?.requests);
  if (nonMissing) for (const [k, q] of nonMissing) if (!reqs.has(k)) reqs.set(k, q);
  return reqs;
}

export interface NonMissingRequests {
  milliCPU: number;
  memory: number;
}

/**
 * resourcehelper.PodRequests: sum of the app containers and restartable (sidecar) init containers, at least
 * the largest init container (each counted with the sidecars started before it), plus pod overhead.
 * `nonMissing` gives the value used for containers that request no cpu / memory (scoring uses 100m / 200Mi).
 */
export function podRequestQuantities(pod: Pod, nonMissing?: NonMissingRequests): QuantityMap {
  const defaults: QuantityMap | undefined = nonMissing
    ? new Map([
        ['cpu', Quantity.fromMilli(nonMissing.milliCPU)],
        ['memory', Quantity.fromInt(nonMissing.memory, 'BinarySI')],
      ])
    : undefined;
  const reqs: QuantityMap = new Map();
  for (const c of pod.spec?.containers ?? []) addInto(reqs, containerRequests(c.resources, defaults));
  const sidecars: QuantityMap = new Map();
  const initMax: QuantityMap = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    let creqs = containerRequests(c.resources, defaults);
    if (c.restartPolicy === 'Always') {
      addInto(reqs, creqs);
      addInto(sidecars, creqs);
      creqs = sidecars;
    } else {
      const tmp: QuantityMap = new Map();
      addInto(tmp, creqs);
      addInto(tmp, sidecars);
      creqs = tmp;
    }
    maxInto(initMax, creqs);
  }
  maxInto(reqs, initMax);
  addInto(reqs, toQuantities(pod.spec?.overhead));
  return reqs;
}

/** framework.Resource.Add over a quantity map (pods are ignored: they are not requested). */
export function vectorOf(q: QuantityMap): ResourceVector {
  const v = emptyVector();
  for (const [name, qty] of q) {
    switch (name) {
      case 'cpu':
        v.milliCPU += Number(qty.milliValue());
        break;
      case 'memory':
        v.memory += Number(qty.value());
        break;
      case 'ephemeral-storage':
        v.ephemeralStorage += Number(qty.value());
        break;
      case 'pods':
        break;
      default:
        if (isScalarResourceName(name)) v.scalar.set(name, (v.scalar.get(name) ?? 0) + Number(qty.value()));
    }
  }
  return v;
}

export function podRequests(pod: Pod, nonMissing?: NonMissingRequests): ResourceVector {
  return vectorOf(podRequestQuantities(pod, nonMissing));
}

export interface Allocatable extends ResourceVector {
  allowedPodNumber: number;
}

/** framework.NewResource(node.status.allocatable). */
export function allocatableOf(list: Readonly<Record<string, unknown>> | undefined): Allocatable {
  const q = toQuantities(list);
  const pods = q.get('pods');
  return { ...vectorOf(q), allowedPodNumber: pods ? Number(pods.value()) : 0 };
}

export function addVector(into: ResourceVector, v: ResourceVector, sign: 1 | -1): void {
  into.milliCPU += sign * v.milliCPU;
  into.memory += sign * v.memory;
  into.ephemeralStorage += sign * v.ephemeralStorage;
  for (const [k, n] of v.scalar) into.scalar.set(k, (into.scalar.get(k) ?? 0) + sign * n);
}

export function isZeroVector(v: ResourceVector): boolean {
  if (v.milliCPU !== 0 || v.memory !== 0 || v.ephemeralStorage !== 0) return false;
  for (const n of v.scalar.values()) if (n !== 0) return false;
  return true;
}
