/**
 * The node heartbeat: a Lease `kube-node-lease/<node>` owned by the Node, renewed every `renewIntervalMs`
 * (upstream: 10 s = ¼ of the 40 s lease duration). A failed renewal is retried soon (200 ms doubling, five times)
 * before waiting for the next interval, as upstream's lease controller.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { ApiError } from '../../api/errors.js';
import { LEASES, formatMicroTime } from '../../client/leader-election.js';
import type { RestClient } from '../../client/rest.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLeaseOptions {
  rest: RestClient;
  nodeName: string;
  /** The Node's uid, for the owner reference (the lease is garbage collected with the Node). */
  nodeUid: () => string | undefined;
  leaseDurationSeconds: number;
  renewIntervalMs: number;
  clock: Clock;
  log: Logger;
}

export class NodeLease {
  private lease: Lease | undefined;

  constructor(private readonly o: NodeLeaseOptions) {}

  /** Renews until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let delay = 200;
      for (let attempt = 0; attempt < 5 && !signal.aborted; attempt++) {
        try {
          await this.renew(signal);
          break;
        } catch (e) {
          if (signal.aborted) return;
          this.o.log.warn({ err: e instanceof Error ? e.message : String(e), attempt }, 'failed to renew the node lease');
          this.lease = undefined;
          await this.o.clock.sleep(delay, signal);
          delay *= 2;
        }
      }
      await this.o.clock.sleep(this.o.renewIntervalMs, signal);
    }
  }

  /** One renewal (creates the Lease when missing). */
  async renew(signal?: AbortSignal): Promise<Lease> {
    const now = formatMicroTime(this.o.clock.now());
    let cur = this.lease;
    if (!cur) {
      try {
        cur = await this.o.rest.get<Lease>(LEASES, NODE_LEASE_NAMESPACE, this.o.nodeName, { signal });
      } catch (e) {
        if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
        this.lease = await this.o.rest.create<Lease>(LEASES, NODE_LEASE_NAMESPACE, this.desired(undefined, now), { signal });
        return this.lease;
      }
    }
    this.lease = await this.o.rest.update<Lease>(LEASES, NODE_LEASE_NAMESPACE, this.desired(cur, now), { signal });
    return this.lease;
  }

  private desired(cur: Lease | undefined, renewTime: string): Lease {
    const uid = this.o.nodeUid();
    const lease: Lease = {
      ...(cur ?? {}),
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { ...(cur?.metadata ?? {}), name: this.o.nodeName, namespace: NODE_LEASE_NAMESPACE },
      spec: { ...(cur?.spec ?? {}), holderIdentity: this.o.nodeName, leaseDurationSeconds: this.o.leaseDurationSeconds, renewTime },
    };
    if (uid && !lease.metadata?.ownerReferences?.length) {
      lease.metadata = { ...lease.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.o.nodeName, uid }] };
    }
    return lease;
  }
}
