import http from 'node:http';
import { createInterface } from 'node:readline';

export interface WatchLine {
  type: string;
  object: Record<string, unknown> & { metadata?: { name?: string; resourceVersion?: string } };
}

export interface TestWatch {
  status: number;
  contentType: string | undefined;
  /** resolves with the next event, or rejects after timeoutMs */
  next(timeoutMs?: number): Promise<WatchLine>;
  /** resolves when the server ends the stream */
  ended: Promise<void>;
  close(): void;
}

/** Opens a raw chunked watch (GET …?watch=1) and yields its newline-delimited JSON events. */
export function openWatch(base: string, path: string): Promise<TestWatch> {
  return new Promise((resolve, reject) => {
    const req = http.get(base + path, (res) => {
      const queue: WatchLine[] = [];
      const waiters: ((e: WatchLine) => void)[] = [];
      let endResolve!: () => void;
      const ended = new Promise<void>((r) => (endResolve = r));
      const rl = createInterface({ input: res });
      rl.on('line', (line) => {
        if (!line.trim()) return;
        const ev = JSON.parse(line) as WatchLine;
        const w = waiters.shift();
        if (w) w(ev);
        else queue.push(ev);
      });
      res.on('end', () => endResolve());
      res.on('close', () => endResolve());
      // closing our side aborts the response; that is the expected way a test ends a watch
      res.on('error', () => endResolve());
      rl.on('error', () => endResolve());
      resolve({
        status: res.statusCode ?? 0,
        contentType: res.headers['content-type'],
        ended,
        next: (timeoutMs = 5000) =>
          new Promise<WatchLine>((ok, fail) => {
            const e = queue.shift();
            if (e) return ok(e);
            const t = setTimeout(() => {
              const i = waiters.indexOf(got);
              if (i >= 0) waiters.splice(i, 1);
              fail(new Error(`no watch event within ${timeoutMs} ms on ${path}`));
            }, timeoutMs);
            const got = (ev: WatchLine) => {
              clearTimeout(t);
              ok(ev);
            };
            waiters.push(got);
          }),
        close: () => {
          req.destroy();
        },
      });
    });
    req.on('error', (e) => {
      if (!req.destroyed) reject(e);
    });
  });
}
