/**
 * Why a container's last start attempt failed (ErrImagePull, CrashLoopBackOff, CreateContainerConfigError, …),
 * per pod and container, as upstream's ReasonCache: shown as the container's waiting state until it starts.
 */
import type { WaitingReason } from './status.js';

export class ReasonCache {
  private readonly byPod = new Map<string, Map<string, WaitingReason>>();

  set(uid: string, container: string, reason: WaitingReason): void {
    let m = this.byPod.get(uid);
    if (!m) {
      m = new Map<string, WaitingReason>();
      this.byPod.set(uid, m);
    }
    m.set(container, reason);
  }

  clear(uid: string, container: string): void {
    this.byPod.get(uid)?.delete(container);
  }

  forPod(uid: string): ReadonlyMap<string, WaitingReason> {
    return this.byPod.get(uid) ?? new Map<string, WaitingReason>();
  }

  forget(uid: string): void {
    this.byPod.delete(uid);
  }
}
