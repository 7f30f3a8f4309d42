/**
 * A pod plus what scheduling needs from it, computed once (upstream framework.PodInfo): its requests, the
 * non-zero requests used for scoring, host ports and parsed inter-pod affinity terms.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parsePodAffinityTerms, type PodAffinityTerms } from '../framework/affinity-terms.js';
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, podRequests, type ResourceVector } from '../framework/resources.js';
import { podHostPorts, type HostPort } from './host-ports.js';

export class PodInfo {
  readonly pod: Pod;
  /** The UID (the cache key; upstream GetPodKey). */
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly requests: ResourceVector;
  /** cpu / memory requests with 100m / 200Mi for containers that request none (NonZeroRequested). */
  readonly nonZeroMilliCPU: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: HostPort[];
  readonly terms: PodAffinityTerms;

  constructor(pod: Pod) {
    this.pod = pod;
    this.uid = pod.metadata?.uid ?? '';
    this.namespace = pod.metadata?.namespace ?? '';
    this.name = pod.metadata?.name ?? '';
    this.requests = podRequests(pod);
    const nz = podRequests(pod, { milliCPU: DEFAULT_MILLI_CPU_REQUEST, memory: DEFAULT_MEMORY_REQUEST });
    this.nonZeroMilliCPU = nz.milliCPU;
    this.nonZeroMemory = nz.memory;
    this.hostPorts = podHostPorts(pod);
    this.terms = parsePodAffinityTerms(pod);
  }

  get labels(): Readonly<Record<string, string>> {
    return this.pod.metadata?.labels ?? {};
  }

  /** `namespace/name`, the queue key. */
  get key(): string {
    return `${this.namespace}/${this.name}`;
  }

  hasAffinity(): boolean {
    const a = this.pod.spec?.affinity;
    return !!a && (!!a.podAffinity || !!a.podAntiAffinity);
  }

  hasRequiredAntiAffinity(): boolean {
    return this.terms.requiredAntiAffinity.length > 0;
  }

  /** spec.priority, 0 when unset (corev1helpers.PodPriority). */
  get priority(): number {
    return this.pod.spec?.priority ?? 0;
  }
}
