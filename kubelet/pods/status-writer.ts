/**
 * Writes pod status to the API only when it changed: PUT pods/{name}/status carrying the resourceVersion it was
 * computed against; on 409 Conflict the pod is read again and the status recomputed against it (a few attempts).
 * What was last written is remembered, so an informer cache that has not caught up yet does not cause rewrites.
 */
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../api/errors.js';
import { requireResource } from '../../api/resources.js';
import type { RestClient } from '../../client/rest.js';
import { compareResourceVersions } from '../../client/types.js';
import type { Logger } from '../../common/logger.js';
import { stableJson } from './stable-json.js';

export const PODS = requireResource('', 'v1', 'pods');

const MAX_ATTEMPTS = 5;

interface Written {
  rv: string;
  json: string;
}

export class StatusWriter {
  private readonly written = new Map<string, Written>();

  constructor(
    private readonly rest: RestClient,
    private readonly log: Logger,
  ) {}

  /**
   * Computes the status against `pod` and writes it if it differs. Returns the pod as last written (or as read),
   * or undefined when the pod no longer exists (or was replaced by another with the same name).
   */
  async write(pod: Pod, compute: (pod: Pod) => PodStatus): Promise<Pod | undefined> {
    const uid = pod.metadata?.uid ?? '';
    let cur = pod;
    for (let attempt = 1; ; attempt++) {
      const status = compute(cur);
      const json = stableJson(status);
      const last = this.written.get(uid);
      const cacheBehind = last !== undefined && compareResourceVersions(cur.metadata?.resourceVersion, last.rv) === -1;
      if (json === stableJson(cur.status ?? {}) || (cacheBehind && last.json === json)) return cur;
      try {
        const next = await this.rest.updateStatus<Pod>(PODS, cur.metadata?.namespace, { ...cur, apiVersion: 'v1', kind: 'Pod', status });
        this.written.set(uid, { rv: next.metadata?.resourceVersion ?? '', json: stableJson(next.status ?? {}) });
        return next;
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        if (e.reason === 'NotFound') return undefined;
        if (e.reason !== 'Conflict' || attempt >= MAX_ATTEMPTS) throw e;
        this.log.debug({ pod: cur.metadata?.name, attempt }, 'status update conflicted; re-reading the pod');
        try {
          cur = await this.rest.get<Pod>(PODS, cur.metadata?.namespace, cur.metadata?.name ?? '');
        } catch (ge) {
          if (ge instanceof ApiError && ge.reason === 'NotFound') return undefined;
          throw ge;
        }
        if (cur.metadata?.uid !== uid) return undefined;
      }
    }
  }

  forget(uid: string): void {
    this.written.delete(uid);
  }
}
