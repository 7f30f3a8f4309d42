import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface ArrivedEvent {
  type: string;
  name: string;
  resourceVersion: string;
  /** performance.now() when the chunk carrying the event arrived */
  at: number;
}

export interface WatchStream {
  events: ArrivedEvent[];
  /** lines that were not a well-formed watch event, and stream errors */
  problems: string[];
  close(): void;
}

/**
 * Opens one chunked watch (`?watch=1`) on its own connection and records every event with its arrival
 * time. Resolves once the server answered 200 (headers), rejects on any other status.
 */
export function openWatchStream(base: string, path: string, timeoutMs = 10_000): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const events: ArrivedEvent[] = [];
    const problems: string[] = [];
    const req = http.get(base + path, { agent: false, headers: { accept: 'application/json' } }, (res) => {
      clearTimeout(timer);
      if (res.statusCode !== 200) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => reject(new Error(`watch ${path}: HTTP ${res.statusCode}: ${body.slice(0, 300)}`)));
        return;
      }
      onLines(res, (line, at) => parseLine(line, at, events, problems));
      res.on('error', (e) => problems.push(`stream error: ${e.message}`));
      resolve({ events, problems, close: () => req.destroy() });
    });
    const timer = setTimeout(() => req.destroy(new Error(`watch ${path}: no response within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Calls onLine(line, receivedAt) for each non-blank line of a chunked response, across chunk boundaries. */
function onLines(res: http.IncomingMessage, onLine: (line: string, at: number) => void): void {
  let buf = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    const at = performance.now();
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.trim()) onLine(line, at);
    }
  });
}

function parseLine(line: string, at: number, events: ArrivedEvent[], problems: string[]): void {
  try {
    const ev = JSON.parse(line) as { type?: unknown; object?: { metadata?: { name?: unknown; resourceVersion?: unknown } } };
    const md = ev.object?.metadata;
    if (typeof ev.type !== 'string' || typeof md?.resourceVersion !== 'string') {
      problems.push(`unexpected event: ${line.slice(0, 200)}`);
      return;
    }
    events.push({ type: ev.type, name: typeof md.name === 'string' ? md.name : '', resourceVersion: md.resourceVersion, at });
  } catch (e) {
    problems.push(`bad JSON line (${e instanceof Error ? e.message : String(e)}): ${line.slice(0, 200)}`);
  }
}

/**
 * A raw chunked watch on its own connection calling `onEvent(event, receivedAt)` for each line; a bad status,
 * unparsable lines and stream errors go to `problems`. Returns close().
 */
export function rawWatch<T>(base: string, path: string, onEvent: (ev: T, at: number) => void, problems: string[]): () => void {
  let closed = false;
  const req = http.get(`${base}${path}`, { agent: false }, (res) => {
    if (res.statusCode !== 200) problems.push(`watch ${path}: HTTP ${res.statusCode}`);
    onLines(res, (line, at) => {
      try {
        onEvent(JSON.parse(line) as T, at);
      } catch (e) {
        problems.push(`bad watch line: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    res.on('error', (e) => {
      if (!closed) problems.push(`watch stream: ${e.message}`);
    });
  });
  req.on('error', (e) => {
    if (!closed) problems.push(`watch: ${e.message}`);
  });
  return () => {
    closed = true;
    req.destroy();
  };
}
