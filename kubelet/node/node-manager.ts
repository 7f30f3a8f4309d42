/**
 * Registers the Node and keeps its status current: computed every `updateFrequencyMs` (10 s), written when it
 * changed (ignoring heartbeat times) or when `reportFrequencyMs` (5 min) passed since the last write — the Lease
 * is the frequent heartbeat. `poke()` computes at once (e.g. when the runtime goes down or comes back).
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../api/errors.js';
import { requireResource } from '../../api/resources.js';
import type { RestClient } from '../../client/rest.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { initialNode, nodeStatus, sameStatus, type NodeFacts } from './node-status.js';

export const NODES = requireResource('', 'v1', 'nodes');

export interface NodeManagerOptions {
  rest: RestClient;
  facts: () => NodeFacts;
  clock: Clock;
  log: Logger;
  updateFrequencyMs: number;
  reportFrequencyMs: number;
}

export class NodeManager {
  private node: Node | undefined;
  private lastReportAt = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly o: NodeManagerOptions) {}

  get uid(): string | undefined {
    return this.node?.metadata?.uid;
  }

  /** Creates the Node, or adopts an existing one (labels merged, status replaced). Retries until it works. */
  async register(signal: AbortSignal): Promise<void> {
    let delay = 200;
    while (!signal.aborted) {
      try {
        await this.tryRegister(signal);
        this.o.log.info({ node: this.o.facts().name }, 'node registered');
        return;
      } catch (e) {
        if (signal.aborted) return;
        this.o.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'unable to register the node; retrying');
        await this.o.clock.sleep(delay, signal);
        delay = Math.min(delay * 2, 7000);
      }
    }
  }

  private async tryRegister(signal: AbortSignal): Promise<void> {
    const facts = this.o.facts();
    const want = initialNode(facts, this.o.clock.now());
    try {
      this.node = await this.o.rest.create<Node>(NODES, undefined, want, { signal });
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
      const existing = await this.o.rest.get<Node>(NODES, undefined, facts.name, { signal });
      const labels = { ...(existing.metadata?.labels ?? {}), ...(want.metadata?.labels ?? {}) };
      this.node = await this.o.rest.update<Node>(NODES, undefined, { ...existing, metadata: { ...existing.metadata, labels } }, { signal });
    }
    await this.update(signal, true);
  }

  /** Computes the status and writes it if needed. */
  async update(signal?: AbortSignal, force = false): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (!this.node) this.node = await this.o.rest.get<Node>(NODES, undefined, this.o.facts().name, { signal });
      const now = this.o.clock.now();
      const status = nodeStatus(this.o.facts(), this.node.status, now);
      if (!force && sameStatus(status, this.node.status) && now - this.lastReportAt < this.o.reportFrequencyMs) return;
      try {
        this.node = await this.o.rest.updateStatus<Node>(NODES, undefined, { ...this.node, status }, { signal });
        this.lastReportAt = now;
        return;
      } catch (e) {
        if (!(e instanceof ApiError) || (e.reason !== 'Conflict' && e.reason !== 'NotFound')) throw e;
        if (e.reason === 'NotFound') {
          // deleted under us: register again
          this.node = await this.o.rest.create<Node>(NODES, undefined, initialNode(this.o.facts(), now), { signal });
          continue;
        }
        this.node = undefined;
      }
    }
  }

  /** Runs the update loop until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const wait = new AbortController();
      const onAbort = (): void => wait.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.wake = onAbort;
      await this.o.clock.sleep(this.o.updateFrequencyMs, wait.signal);
      this.wake = undefined;
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return;
      try {
        await this.update(signal);
      } catch (e) {
        if (!signal.aborted) this.o.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'failed to update the node status');
      }
    }
  }

  /** Updates soon instead of at the next period. */
  poke(): void {
    this.wake?.();
  }
}
