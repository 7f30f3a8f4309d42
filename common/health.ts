import * as http from 'node:http';
import express, { type Request, type Response, type Router } from 'express';
import type { Registry } from 'prom-client';
import { realClock, type Clock, type TimerHandle } from './clock.js';
import type { Logger } from './logger.js';
import { closeServer, hardenServer, listen } from './http.js';

/**
 * Health endpoints shaped like kube-apiserver's (apiserver/pkg/server/healthz/healthz.go):
 *
 * - `GET /healthz`, `/livez`, `/readyz` → 200 `ok` when every check passes;
 *   `?verbose` lists the checks (`[+]ping ok` … `readyz check passed`).
 * - On failure: 500 with one line per check (`[+]name ok` / `[-]name failed: reason withheld`) and a last
 *   line `<endpoint> check failed`. The reasons are logged, never served: the endpoint is unauthenticated.
 * - `?exclude=name` (repeatable) skips a check (`[+]name excluded: ok`).
 * - `GET /<endpoint>/<name>` runs one check: `ok`, or 500 `internal server error: <reason>`.
 * - `GET /metrics` serves the registry in the Prometheus text format when one is given.
 *
 * `/livez` runs the liveness checks, `/readyz` the readiness checks and `/healthz` both (like upstream,
 * where healthz is the deprecated union). Every endpoint also has the built-in `ping` check.
 */
export interface HealthCheck {
  name: string;
  /** Resolves when healthy, throws (or rejects) when not. The signal aborts when the check times out. */
  check(signal?: AbortSignal): Promise<void>;
  /** Overrides the router's per-check timeout. */
  timeoutMs?: number;
}

export interface HealthRouterOptions {
  livez?: HealthCheck[];
  readyz?: HealthCheck[];
  registry?: Registry;
  /** Per-check timeout, default 2 s: a hanging dependency makes the probe fail fast. */
  timeoutMs?: number;
  /** Failed checks are logged here with their real reason. */
  log?: Logger;
  /** Time source for the check timeouts; tests pass a FakeClock. */
  clock?: Clock;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

/** Always passes; proves the process can serve HTTP (upstream `healthz.PingHealthz`). */
export const pingCheck: HealthCheck = { name: 'ping', check: async () => {} };

/** Turns a synchronous predicate into a check, e.g. `checkFn('informer-sync', () => synced ? undefined : 'not synced')`. */
export function checkFn(name: string, fn: () => string | undefined | void): HealthCheck {
  return {
    name,
    check: async () => {
      const problem = fn();
      if (typeof problem === 'string') throw new Error(problem);
    },
  };
}

interface CheckResult {
  name: string;
  error?: string;
  excluded?: boolean;
}

/** Runs one check bounded by `timeoutMs`: undefined when healthy, else the reason. */
export async function runCheck(c: HealthCheck, timeoutMs: number, clock: Clock = realClock): Promise<string | undefined> {
  const ac = new AbortController();
  let timer: TimerHandle | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = clock.setTimeout(() => {
      ac.abort(new Error(`timed out after ${timeoutMs}ms`));
      resolve(`timed out after ${timeoutMs}ms`);
    }, timeoutMs);
  });
  const run = (async (): Promise<string | undefined> => {
    try {
      await c.check(ac.signal);
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clock.clearTimeout(timer);
  }
}

function uniqueByName(checks: HealthCheck[]): HealthCheck[] {
  const seen = new Set<string>();
  return checks.filter((c) => (seen.has(c.name) ? false : (seen.add(c.name), true)));
}

function queryOf(req: Request): URLSearchParams {
  return new URL(req.originalUrl, 'http://localhost').searchParams;
}

function sendText(res: Response, status: number, body: string): void {
  res.status(status);
  res.set('Content-Type', 'text/plain; charset=utf-8');
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Cache-Control', 'no-cache, private');
  res.send(body);
}

export function healthRouter(opts: HealthRouterOptions = {}): Router {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const clock = opts.clock ?? realClock;
  const livez = uniqueByName([pingCheck, ...(opts.livez ?? [])]);
  const readyz = uniqueByName([pingCheck, ...(opts.readyz ?? [])]);
  const healthz = uniqueByName([...livez, ...readyz]);
  const router = express.Router();

  const endpoint = (name: 'healthz' | 'livez' | 'readyz', checks: HealthCheck[]): void => {
    router.get(`/${name}`, async (req, res) => {
      const query = queryOf(req);
      const excluded = new Set(query.getAll('exclude').flatMap((e) => e.split(',')).filter(Boolean));
      const results: CheckResult[] = await Promise.all(
        checks.map(async (c): Promise<CheckResult> => {
          if (excluded.has(c.name)) {
            excluded.delete(c.name);
            return { name: c.name, excluded: true };
          }
          return { name: c.name, error: await runCheck(c, c.timeoutMs ?? timeoutMs, clock) };
        }),
      );
      let body = '';
      const failed: CheckResult[] = [];
      for (const r of results) {
        if (r.excluded) body += `[+]${r.name} excluded: ok\n`;
        else if (r.error !== undefined) {
          body += `[-]${r.name} failed: reason withheld\n`;
          failed.push(r);
        } else body += `[+]${r.name} ok\n`;
      }
      if (excluded.size > 0) {
        const names = [...excluded].sort().map((n) => `"${n}"`).join(',');
        body += `warn: some health checks cannot be excluded: no matches for ${names}\n`;
      }
      if (failed.length > 0) {
        opts.log?.warn(
          { endpoint: name, failed: Object.fromEntries(failed.map((f) => [f.name, f.error])) },
          `${name} check failed: ${failed.map((f) => f.name).join(',')}`,
        );
        // http.Error in Go appends a newline.
        sendText(res, 500, `${body}${name} check failed\n`);
        return;
      }
      if (!query.has('verbose')) {
        sendText(res, 200, 'ok');
        return;
      }
      sendText(res, 200, `${body}${name} check passed\n`);
    });

    router.get(`/${name}/:check`, async (req, res) => {
      const c = checks.find((x) => x.name === req.params.check);
      if (!c) {
        sendText(res, 404, '404 page not found\n');
        return;
      }
      const error = await runCheck(c, c.timeoutMs ?? timeoutMs, clock);
      if (error === undefined) sendText(res, 200, 'ok');
      else {
        opts.log?.warn({ endpoint: name, check: c.name, err: error }, `${name} check ${c.name} failed`);
        sendText(res, 500, `internal server error: ${error}\n`);
      }
    });
  };
  endpoint('healthz', healthz);
  endpoint('livez', livez);
  endpoint('readyz', readyz);

  const registry = opts.registry;
  if (registry) {
    router.get('/metrics', async (_req, res) => {
      try {
        const text = await registry.metrics();
        res.status(200).set('Content-Type', registry.contentType).send(text);
      } catch (err) {
        opts.log?.error({ err }, 'collecting metrics failed');
        sendText(res, 500, 'internal server error\n');
      }
    });
  }
  return router;
}

export interface HealthServerOptions extends HealthRouterOptions {
  /** 0 picks a free port; the real one is returned. */
  port: number;
  host?: string;
  log: Logger;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** Serves {@link healthRouter} on its own express app and port (components other than the api-server). */
export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(opts));
  app.use((_req, res) => sendText(res, 404, '404 page not found\n'));
  const server = hardenServer(http.createServer(app));
  const host = opts.host ?? '127.0.0.1';
  const port = await listen(server, opts.port, host);
  opts.log.info({ host, port }, 'health server listening');
  return {
    port,
    close: () => closeServer(server, 1000),
  };
}
