import { performance } from 'node:perf_hooks';
import { ErrorTally } from './error-tally.js';
import type { HttpClient } from './http-client.js';
import { runPool } from './pool.js';

export interface BulkResult {
  /** wall time of the whole batch */
  ms: number;
  /** answers with the expected status */
  ok: number;
  /** per-request latency of every answered request, ms */
  latencies: number[];
  errors: ErrorTally;
}

/** POSTs `count` bodies to `path` with `concurrency` requests in flight; anything but 201 is tallied, not retried. */
export async function createMany(
  http: HttpClient,
  path: string,
  count: number,
  concurrency: number,
  body: (i: number) => string,
): Promise<BulkResult> {
  const errors = new ErrorTally();
  const latencies: number[] = [];
  let ok = 0;
  const t0 = performance.now();
  await runPool(count, concurrency, async (i) => {
    try {
      const reply = await http.request('POST', path, body(i));
      latencies.push(reply.ms);
      if (reply.status === 201) ok++;
      else errors.http(`POST ${path}`, reply.status, reply.body);
    } catch (e) {
      errors.thrown(`POST ${path}`, e);
    }
  });
  return { ms: performance.now() - t0, ok, latencies, errors };
}
