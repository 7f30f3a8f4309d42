/**
 * GET /containerLogs/{namespace}/{pod}/{container}: the container's stdout+stderr as text/plain, chunked, with
 * the query parameters of PodLogOptions (follow, previous, timestamps, tailLines, sinceSeconds|sinceTime,
 * limitBytes). `follow` keeps the response open until the container exits or the client goes away.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../api/errors.js';
import type { Logger } from '../../common/logger.js';
import type { LogOptions, RuntimeContainer } from '../runtime/types.js';
import { findTarget, type StreamingBackend, type Target } from './target.js';

function intParam(q: URLSearchParams, name: string, min: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw ApiError.badRequest(`invalid ${name}: ${v}`);
  return n;
}

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

/** Parses the log options; `now` is epoch ms. */
export function logOptions(q: URLSearchParams, now: number): LogOptions & { limitBytes?: number; previous: boolean } {
  const opts: LogOptions & { limitBytes?: number; previous: boolean } = {
    follow: boolParam(q, 'follow'),
    timestamps: boolParam(q, 'timestamps'),
    previous: boolParam(q, 'previous'),
  };
  const tail = intParam(q, 'tailLines', 0);
  if (tail !== undefined) opts.tailLines = tail;
  const limit = intParam(q, 'limitBytes', 1);
  if (limit !== undefined) opts.limitBytes = limit;
  const sinceSeconds = intParam(q, 'sinceSeconds', 1);
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw ApiError.badRequest('at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (sinceSeconds !== undefined) opts.since = Math.floor(now / 1000) - sinceSeconds;
  if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw ApiError.badRequest(`invalid sinceTime: ${sinceTime}`);
    opts.since = Math.floor(t / 1000);
  }
  return opts;
}

/** The instance whose logs are asked for, as upstream reads it from the container status. */
export function logInstance(t: Target, previous: boolean): RuntimeContainer {
  const podName = t.pod.metadata?.name ?? '';
  const status = [...(t.pod.status?.containerStatuses ?? []), ...(t.pod.status?.initContainerStatuses ?? [])].find((s) => s.name === t.spec.name);
  if (previous) {
    const id = status?.lastState?.terminated?.containerID?.replace(/^docker:\/\//, '');
    const prev = (id && t.instances.find((c) => c.id === id)) || (t.instances[0]?.state === 'running' ? t.instances[1] : undefined);
    if (!prev) throw ApiError.badRequest(`previous terminated container "${t.spec.name}" in pod "${podName}" not found`);
    return prev;
  }
  const latest = t.instances[0];
  if (!latest) {
    const reason = status?.state?.waiting?.reason ?? 'ContainerCreating';
    throw ApiError.badRequest(`container "${t.spec.name}" in pod "${podName}" is waiting to start: ${reason}`);
  }
  return latest;
}

export async function serveLogs(
  req: IncomingMessage,
  res: ServerResponse,
  path: { namespace: string; pod: string; container: string | null },
  query: URLSearchParams,
  backend: StreamingBackend,
  log: Logger,
): Promise<void> {
  const opts = logOptions(query, Date.now());
  const target = await findTarget(backend, path.namespace, path.pod, path.container);
  const inst = logInstance(target, opts.previous);
  const ac = new AbortController();
  const stream = await backend.runtime.logs(inst.id, opts, ac.signal);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/plain');
  res.setHeader('Transfer-Encoding', 'chunked');
  res.flushHeaders();
  let sent = 0;
  const limit = opts.limitBytes;
  const stop = (): void => {
    ac.abort();
    stream.destroy();
  };
  req.on('close', stop);
  res.on('close', stop);
  await new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      let out = chunk;
      if (limit !== undefined) {
        if (sent + out.length > limit) out = out.subarray(0, limit - sent);
        sent += out.length;
      }
      if (out.length > 0) res.write(out);
      if (limit !== undefined && sent >= limit) stop();
    });
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', (e) => {
      if (!ac.signal.aborted) log.debug({ err: e.message }, 'log stream failed');
      resolve();
    });
  });
  res.end();
}
