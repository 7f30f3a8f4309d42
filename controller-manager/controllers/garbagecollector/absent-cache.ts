/** A bounded LRU set of owner uids confirmed absent by a live lookup (upstream's absentOwnerCache). */
export class AbsentOwnerCache {
  private readonly uids = new Map<string, true>();

  constructor(private readonly max = 500) {}

  has(uid: string): boolean {
    if (!this.uids.has(uid)) return false;
    this.uids.delete(uid);
    this.uids.set(uid, true);
    return true;
  }

  add(uid: string): void {
    this.uids.delete(uid);
    this.uids.set(uid, true);
    while (this.uids.size > this.max) {
      const oldest = this.uids.keys().next().value;
      if (oldest === undefined) break;
      this.uids.delete(oldest);
    }
  }
}
