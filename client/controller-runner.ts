/**
 * Runs a level-triggered controller's workers (client-go's `wait.Until(c.worker, …)` × N + processNextWorkItem):
 * each worker takes a key, calls `sync(key)`, and on error re-queues it rate-limited, on success forgets it.
 * The queue guarantees a key is never synced by two workers at once.
 */
import type { Logger } from '../common/logger.js';
import type { WorkQueue } from './workqueue.js';

export interface ControllerRunOptions<K = string> {
  name: string;
  queue: WorkQueue<K>;
  /** Number of concurrent workers (≥ 1). */
  workers: number;
  sync: (key: K) => Promise<void>;
  log: Logger;
  /** Abort to stop: the queue is shut down and runController resolves once in-flight syncs have finished. */
  signal: AbortSignal;
  /** After this many consecutive failures a key is dropped (forgotten, not re-queued). Default: unlimited. */
  maxRetries?: number;
}

export async function runController<K = string>(opts: ControllerRunOptions<K>): Promise<void> {
  const { name, queue, sync, signal } = opts;
  const log = opts.log.child({ controller: name });
  const workers = Math.max(1, Math.floor(opts.workers));
  const onAbort = (): void => queue.shutDown();
  if (signal.aborted) queue.shutDown();
  else signal.addEventListener('abort', onAbort, { once: true });
  log.info({ workers }, 'starting workers');

  const worker = async (id: number): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await sync(key);
        queue.forget(key);
      } catch (e) {
        const retries = queue.numRequeues(key);
        if (opts.maxRetries !== undefined && retries >= opts.maxRetries) {
          log.error({ err: e, key, retries, worker: id }, 'sync failed; dropping key after too many retries');
          queue.forget(key);
        } else {
          log.warn({ err: e instanceof Error ? e.message : String(e), key, retries, worker: id }, 'sync failed; requeueing with backoff');
          queue.addRateLimited(key);
        }
      } finally {
        queue.done(key);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: workers }, (_, i) => worker(i)));
  } finally {
    signal.removeEventListener('abort', onAbort);
    log.info('workers stopped');
  }
}
