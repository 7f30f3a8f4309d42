/**
 * The scheduler's view of the cluster (upstream internal/cache): NodeInfos built from the node and pod informers
 * plus *assumed* pods — pods this scheduler has decided to place and is binding, counted on their node before the
 * binding is observed so back-to-back decisions never over-commit a node. An assumed pod is confirmed when the
 * informer shows it bound, and forgotten when its binding fails.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { NodeInfo } from './node-info.js';
import { PodInfo } from './pod-info.js';

interface PodState {
  info: PodInfo;
  nodeName: string;
  assumed: boolean;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();
  private list: NodeInfo[] | undefined;
  /** Nodes holding pods with (anti-)affinity, kept up to date as pods come and go. */
  private readonly affinityNodes = new Set<NodeInfo>();
  private withAffinity: NodeInfo[] | undefined;

  /** Nodes that have a Node object, in a stable order. */
  nodeInfos(): readonly NodeInfo[] {
    this.list ??= [...this.nodes.values()].filter((n) => n.node !== undefined);
    return this.list;
  }

  numNodes(): number {
    return this.nodeInfos().length;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    const n = this.nodes.get(name);
    return n?.node ? n : undefined;
  }

  /** Nodes hosting at least one pod with (anti-)affinity (upstream HavePodsWithAffinityList). */
  nodesWithAffinityPods(): readonly NodeInfo[] {
    this.withAffinity ??= [...this.affinityNodes].filter((n) => n.node !== undefined);
    return this.withAffinity;
  }

  addNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    let ni = this.nodes.get(name);
    if (!ni) {
      ni = new NodeInfo(name);
      this.nodes.set(name, ni);
    }
    const had = ni.node !== undefined;
    ni.setNode(node);
    if (!had) this.nodesChanged();
  }

  updateNode(node: Node): void {
    this.addNode(node);
  }

  removeNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const ni = this.nodes.get(name);
    if (!ni) return;
    ni.removeNode();
    if (ni.pods.size === 0) this.nodes.delete(name);
    this.nodesChanged();
  }

  isAssumed(uid: string): boolean {
    return this.podStates.get(uid)?.assumed === true;
  }

  /** Whether the cache counts this pod on some node (bound or assumed). */
  hasPod(uid: string): boolean {
    return this.podStates.has(uid);
  }

  /** Counts `pi` on `nodeName` before its binding is observed; returns the assumed PodInfo (spec.nodeName set). */
  assumePod(pi: PodInfo, nodeName: string): PodInfo {
    const pod: Pod = { ...pi.pod, spec: { ...pi.pod.spec!, nodeName } };
    const assumed = new PodInfo(pod);
    this.place(assumed, nodeName, true);
    return assumed;
  }

  /** Drops an assumption (binding failed). A pod already confirmed by the informer is left alone. */
  forgetPod(uid: string): void {
    const st = this.podStates.get(uid);
    if (!st?.assumed) return;
    this.unplace(uid);
  }

  /** An assigned pod seen by the informer (add or update): confirms an assumption or (re)places it. */
  addOrUpdatePod(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const nodeName = pod.spec?.nodeName ?? '';
    if (!uid || !nodeName) return;
    this.place(new PodInfo(pod), nodeName, false);
  }

  removePod(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    if (this.podStates.has(uid)) this.unplace(uid);
  }

  private place(pi: PodInfo, nodeName: string, assumed: boolean): void {
    if (this.podStates.has(pi.uid)) this.unplace(pi.uid);
    let ni = this.nodes.get(nodeName);
    if (!ni) {
      ni = new NodeInfo(nodeName);
      this.nodes.set(nodeName, ni);
    }
    ni.addPod(pi);
    this.podStates.set(pi.uid, { info: pi, nodeName, assumed });
    this.trackAffinity(ni);
  }

  private unplace(uid: string): void {
    const st = this.podStates.get(uid);
    if (!st) return;
    this.podStates.delete(uid);
    const ni = this.nodes.get(st.nodeName);
    if (ni) {
      ni.removePod(uid);
      if (!ni.node && ni.pods.size === 0) this.nodes.delete(st.nodeName);
      this.trackAffinity(ni);
    }
  }

  private trackAffinity(ni: NodeInfo): void {
    const has = ni.podsWithAffinity.size > 0;
    if (has === this.affinityNodes.has(ni)) return;
    if (has) this.affinityNodes.add(ni);
    else this.affinityNodes.delete(ni);
    this.withAffinity = undefined;
  }

  private nodesChanged(): void {
    this.list = undefined;
    this.withAffinity = undefined;
  }
}
