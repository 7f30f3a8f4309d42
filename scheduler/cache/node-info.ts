/**
 * Node-level aggregate the filters and scores read (upstream framework.NodeInfo): the Node, the pods on it
 * (bound and assumed), their summed requests, host ports in use and the pods carrying (anti-)affinity.
 * A NodeInfo may exist without a Node while pods that name it are known and the Node is not (yet).
 */
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import { addVector, allocatableOf, emptyVector, type Allocatable, type ResourceVector } from '../framework/resources.js';
import { HostPortInfo } from './host-ports.js';
import type { PodInfo } from './pod-info.js';

const EMPTY_LABELS: Readonly<Record<string, string>> = Object.freeze({});

export class NodeInfo {
  readonly name: string;
  node: Node | undefined;
  labels: Readonly<Record<string, string>> = EMPTY_LABELS;
  taints: readonly Taint[] = [];
  unschedulable = false;
  allocatable: Allocatable = { ...emptyVector(), allowedPodNumber: 0 };
  /** Pods on the node by UID, bound and assumed. */
  readonly pods = new Map<string, PodInfo>();
  readonly podsWithAffinity = new Set<PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();
  readonly requested: ResourceVector = emptyVector();
  /** cpu / memory requested with the scoring defaults for containers without requests. */
  readonly nonZeroRequested = { milliCPU: 0, memory: 0 };
  readonly usedPorts = new HostPortInfo();
  /** Bumped on every change. */
  generation = 0;

  constructor(name: string) {
    this.name = name;
  }

  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata?.labels ?? EMPTY_LABELS;
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    this.allocatable = allocatableOf(node.status?.allocatable);
    this.generation++;
  }

  removeNode(): void {
    this.node = undefined;
    this.generation++;
  }

  addPod(pi: PodInfo): void {
    if (this.pods.has(pi.uid)) this.removePod(pi.uid);
    this.pods.set(pi.uid, pi);
    if (pi.hasAffinity()) this.podsWithAffinity.add(pi);
    if (pi.hasRequiredAntiAffinity()) this.podsWithRequiredAntiAffinity.add(pi);
    this.account(pi, 1);
  }

  /** Returns the removed pod, if it was here. */
  removePod(uid: string): PodInfo | undefined {
    const pi = this.pods.get(uid);
    if (!pi) return undefined;
    this.pods.delete(uid);
    this.podsWithAffinity.delete(pi);
    this.podsWithRequiredAntiAffinity.delete(pi);
    this.account(pi, -1);
    return pi;
  }

  /** A copy with the same node and pods, for what-if evaluation (preemption dry run). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    if (this.node) c.setNode(this.node);
    for (const pi of this.pods.values()) c.addPod(pi);
    return c;
  }

  private account(pi: PodInfo, sign: 1 | -1): void {
    addVector(this.requested, pi.requests, sign);
    this.nonZeroRequested.milliCPU += sign * pi.nonZeroMilliCPU;
    this.nonZeroRequested.memory += sign * pi.nonZeroMemory;
    for (const p of pi.hostPorts) {
      if (sign > 0) this.usedPorts.add(p);
      else this.usedPorts.remove(p);
    }
    this.generation++;
  }
}
