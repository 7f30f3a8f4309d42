/**
 * Counts unexpected API answers by status and message, so a scenario reports exactly what the server
 * said under load instead of retrying around it.
 */
export class ErrorTally {
  private readonly counts = new Map<string, number>();

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** records a non-expected HTTP answer; the Status message is taken from the body when it is JSON */
  http(what: string, status: number, body: string): void {
    this.add(`${what}: HTTP ${status} ${statusMessage(body)}`);
  }

  thrown(what: string, e: unknown): void {
    this.add(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }

  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** distinct errors, most frequent first */
  summary(): { error: string; count: number }[] {
    return [...this.counts].map(([error, count]) => ({ error, count })).sort((a, b) => b.count - a.count).slice(0, 20);
  }
}

function statusMessage(body: string): string {
  try {
    const s = JSON.parse(body) as { reason?: unknown; message?: unknown };
    return `${typeof s.reason === 'string' ? s.reason : ''}: ${typeof s.message === 'string' ? s.message : ''}`.slice(0, 300);
  } catch {
    return `(non-JSON body) ${body.slice(0, 200)}`;
  }
}
