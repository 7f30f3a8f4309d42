/**
 * A small typed REST + watch client for the Kubernetes API, as client-go's rest/dynamic clients use it.
 *
 * Errors: a non-2xx answer throws `ApiError.fromStatus(body, httpStatus)`; a transport failure (refused, reset,
 * timeout, bad JSON) throws `ClientNetworkError`, an ApiError with code 503 / reason ServiceUnavailable, so callers
 * retry on it like on any 503. Aborting through a caller's signal rejects with the signal's reason (AbortError).
 */
import http from 'node:http';
import https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import type { DeleteOptions } from 'kubernetes-types/meta/v1.js';
import { ApiError, type Status } from '../api/errors.js';
import { isRecord, type KubeObject } from '../api/object.js';
import { resourcePath, type ResourceInfo } from '../api/resources.js';
import type { ListOptions, ObjectLike, ObjectList, ObjectWatchEvent, WatchOptions } from './types.js';

export interface RestClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:6443`. */
  server: string;
  userAgent?: string;
  /** Timeout of ordinary (non-watch) requests; default 30 s. */
  timeoutMs?: number;
  /** Extra headers on every request (e.g. Authorization). */
  headers?: Record<string, string>;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface WriteOptions extends RequestOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

export interface PatchOptions extends WriteOptions {
  subresource?: string;
  /** Only for apply patches. */
  force?: boolean;
}

export type DeleteCollectionOptions = ListOptions & DeleteOptions & RequestOptions;

/** A transport-level failure. It is an ApiError 503 ServiceUnavailable so generic retry logic handles it. */
export class ClientNetworkError extends ApiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(503, 'ServiceUnavailable', message);
    this.name = 'ClientNetworkError';
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

type Query = Record<string, string | number | boolean | undefined>;

interface RawResponse {
  status: number;
  body: string;
}

function buildQuery(q: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ClientNetworkError(`invalid JSON in ${what}: ${(e as Error).message}`, { cause: e });
  }
}

function errorFromResponse(status: number, body: string): ApiError {
  let parsed: unknown;
  try {
    parsed = body ? (JSON.parse(body) as unknown) : undefined;
  } catch {
    parsed = undefined;
  }
  if (isRecord(parsed) && parsed.kind === 'Status') return ApiError.fromStatus(parsed, status);
  const text = body.trim().slice(0, 500);
  return ApiError.fromStatus({ message: text ? `the server responded with status ${status}: ${text}` : undefined }, status);
}

export class RestClient {
  readonly server: URL;
  private readonly userAgent: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;
  private readonly agent: http.Agent;

  /** the server URL's host for http.request (IPv6 literals without brackets) and its path prefix */
  private readonly hostname: string;
  private readonly basePath: string;

  constructor(opts: RestClientOptions) {
    this.server = new URL(opts.server);
    this.hostname = this.server.hostname.replace(/^\[(.*)\]$/, '$1');
    this.basePath = this.server.pathname.replace(/\/$/, '');
    this.userAgent = opts.userAgent ?? 'kubemu-client';
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.headers = opts.headers ?? {};
    const agentOpts = { keepAlive: true, maxSockets: 64 };
    this.agent = this.server.protocol === 'https:' ? new https.Agent(agentOpts) : new http.Agent(agentOpts);
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  async get<T extends ObjectLike = KubeObject>(r: ResourceInfo, ns: string | undefined, name: string, opts: RequestOptions = {}): Promise<T> {
    return (await this.json('GET', resourcePath(r, ns, name), {}, undefined, undefined, opts.signal)) as T;
  }

  async list<T extends ObjectLike = KubeObject>(r: ResourceInfo, ns: string | undefined, opts: ListOptions & RequestOptions = {}): Promise<ObjectList<T>> {
    const q: Query = {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      limit: opts.limit,
      continue: opts.continue,
      resourceVersion: opts.resourceVersion,
      resourceVersionMatch: opts.resourceVersionMatch,
    };
    const body = await this.json('GET', resourcePath(r, ns), q, undefined, undefined, opts.signal);
    if (!isRecord(body) || (body.items !== undefined && body.items !== null && !Array.isArray(body.items))) {
      throw new ClientNetworkError(`malformed list response for ${r.resource}`);
    }
    const list = body as unknown as ObjectList<T>;
    list.items ??= [];
    list.metadata ??= {};
    return list;
  }

  async create<T extends ObjectLike = KubeObject>(r: ResourceInfo, ns: string | undefined, obj: T, opts: WriteOptions = {}): Promise<T> {
    return (await this.json('POST', resourcePath(r, ns), writeQuery(opts), JSON.stringify(obj), 'application/json', opts.signal)) as T;
  }

  /** PUT of the whole object; `metadata.resourceVersion` (if set) makes it a compare-and-swap. */
  async update<T extends ObjectLike = KubeObject>(r: ResourceInfo, ns: string | undefined, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.updateSubresource(r, ns, nameOf(obj), '', obj, opts);
  }

  /** PUT …/status. */
  async updateStatus<T extends ObjectLike = KubeObject>(r: ResourceInfo, ns: string | undefined, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.updateSubresource(r, ns, nameOf(obj), 'status', obj, opts);
  }

  /** `body` is sent as is when it is a string, else as JSON. */
  async patch<T extends ObjectLike = KubeObject>(
    r: ResourceInfo,
    ns: string | undefined,
    name: string,
    patchType: PatchType,
    body: unknown,
    opts: PatchOptions = {},
  ): Promise<T> {
    const q: Query = writeQuery(opts);
    if (patchType === 'apply' && opts.force !== undefined) q.force = opts.force;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return (await this.json('PATCH', resourcePath(r, ns, name, opts.subresource), q, text, PATCH_CONTENT_TYPES[patchType], opts.signal)) as T;
  }

  /** DELETE with a DeleteOptions body. Returns the object (when deletion is graceful/finalized) or a Success Status. */
  async delete<T extends ObjectLike = KubeObject>(
    r: ResourceInfo,
    ns: string | undefined,
    name: string,
    opts: DeleteOptions & RequestOptions = {},
  ): Promise<T | Status> {
    const { signal, ...del } = opts;
    const body = JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', ...del });
    return (await this.json('DELETE', resourcePath(r, ns, name), {}, body, 'application/json', signal)) as T | Status;
  }

  async deleteCollection<T extends ObjectLike = KubeObject>(
    r: ResourceInfo,
    ns: string | undefined,
    opts: DeleteCollectionOptions = {},
  ): Promise<ObjectList<T> | Status> {
    const { signal, labelSelector, fieldSelector, limit, continue: cont, resourceVersion, resourceVersionMatch, ...del } = opts;
    const q: Query = { labelSelector, fieldSelector, limit, continue: cont, resourceVersion, resourceVersionMatch };
    const body = JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', ...del });
    return (await this.json('DELETE', resourcePath(r, ns), q, body, 'application/json', signal)) as ObjectList<T> | Status;
  }

  /** GET …/<name>/<subresource>, e.g. deployments/scale. */
  async getSubresource<T = KubeObject>(r: ResourceInfo, ns: string | undefined, name: string, subresource: string, opts: RequestOptions = {}): Promise<T> {
    return (await this.json('GET', resourcePath(r, ns, name, subresource), {}, undefined, undefined, opts.signal)) as T;
  }

  /** POST …/<name>/<subresource>, e.g. pods/binding. */
  async createSubresource<T = KubeObject>(
    r: ResourceInfo,
    ns: string | undefined,
    name: string,
    subresource: string,
    body: unknown,
    opts: WriteOptions = {},
  ): Promise<T> {
    return (await this.json('POST', resourcePath(r, ns, name, subresource), writeQuery(opts), JSON.stringify(body), 'application/json', opts.signal)) as T;
  }

  /** PUT …/<name>[/<subresource>], e.g. deployments/scale. */
  async updateSubresource<T = KubeObject>(
    r: ResourceInfo,
    ns: string | undefined,
    name: string,
    subresource: string,
    body: unknown,
    opts: WriteOptions = {},
  ): Promise<T> {
    return (await this.json('PUT', resourcePath(r, ns, name, subresource || undefined), writeQuery(opts), JSON.stringify(body), 'application/json', opts.signal)) as T;
  }

  /**
   * Streams watch events (newline-delimited JSON). The iterable ends when the server closes the stream (e.g. after
   * timeoutSeconds) or when `signal` aborts (then it ends quietly). An ERROR event is thrown as an ApiError built
   * from its Status (410 Expired/Gone → code 410). Breaking out of the loop closes the connection.
   */
  watch<T extends ObjectLike = KubeObject>(
    r: ResourceInfo,
    ns: string | undefined,
    opts: WatchOptions = {},
    signal?: AbortSignal,
  ): AsyncIterable<ObjectWatchEvent<T>> {
    const q: Query = {
      watch: 'true',
      resourceVersion: opts.resourceVersion,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      allowWatchBookmarks: opts.allowWatchBookmarks ? 'true' : undefined,
      timeoutSeconds: opts.timeoutSeconds,
    };
    const path = resourcePath(r, ns) + buildQuery(q);
    return { [Symbol.asyncIterator]: () => this.watchStream<T>(path, signal) };
  }

  private async *watchStream<T extends ObjectLike>(path: string, signal: AbortSignal | undefined): AsyncGenerator<ObjectWatchEvent<T>> {
    if (signal?.aborted) return;
    const ac = new AbortController();
    const onAbort = (): void => ac.abort(abortReason(signal as AbortSignal));
    signal?.addEventListener('abort', onAbort, { once: true });
    let res: http.IncomingMessage | undefined;
    try {
      try {
        res = await this.open('GET', path, undefined, undefined, ac.signal, 0);
      } catch (e) {
        if (signal?.aborted) return;
        throw new ClientNetworkError(`watch ${path} failed: ${(e as Error).message}`, { cause: e });
      }
      if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode > 299) {
        const body = await readBody(res);
        throw errorFromResponse(res.statusCode ?? 0, body);
      }
      const decoder = new StringDecoder('utf8');
      let buf = '';
      try {
        for await (const chunk of res) {
          buf += decoder.write(chunk as Buffer);
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (line) yield parseWatchLine<T>(line);
          }
        }
      } catch (e) {
        if (signal?.aborted) return;
        if (e instanceof ApiError) throw e;
        throw new ClientNetworkError(`watch stream ${path} failed: ${(e as Error).message}`, { cause: e });
      }
      buf += decoder.end();
      const rest = buf.trim();
      if (rest && !signal?.aborted) yield parseWatchLine<T>(rest);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (res && !res.complete) res.destroy();
    }
  }

  private async json(method: string, path: string, query: Query, body: string | undefined, contentType: string | undefined, signal?: AbortSignal): Promise<unknown> {
    const res = await this.send(method, path + buildQuery(query), body, contentType, signal);
    if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.body);
    if (!res.body) return {};
    return parseJson(res.body, `${method} ${path} response`);
  }

  private async send(method: string, pathAndQuery: string, body: string | undefined, contentType: string | undefined, signal?: AbortSignal): Promise<RawResponse> {
    if (signal?.aborted) throw abortReason(signal);
    try {
      const res = await this.open(method, pathAndQuery, body, contentType, signal, this.timeoutMs);
      const text = await readBody(res);
      return { status: res.statusCode ?? 0, body: text };
    } catch (e) {
      if (signal?.aborted) throw abortReason(signal);
      if (e instanceof ApiError) throw e;
      throw new ClientNetworkError(`${method} ${pathAndQuery} failed: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * Sends a request and resolves with the response head. `timeoutMs` 0 = no idle timeout (watches). An abort of
   * `signal` destroys the request and its response. (Handing the signal to http.request instead costs an
   * AbortSignal stream hook per request, which showed in profiles; most calls have no signal at all.)
   */
  private open(
    method: string,
    pathAndQuery: string,
    body: string | undefined,
    contentType: string | undefined,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<http.IncomingMessage> {
    const headers: Record<string, string | number> = {
      Accept: 'application/json',
      'User-Agent': this.userAgent,
      ...this.headers,
    };
    if (body !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const mod = this.server.protocol === 'https:' ? https : http;
    const target = { protocol: this.server.protocol, hostname: this.hostname, port: this.server.port, path: this.basePath + pathAndQuery };
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = mod.request({ ...target, method, headers, agent: this.agent }, (res) => {
        if (timeoutMs > 0) {
          res.setTimeout(timeoutMs, () => res.destroy(new Error(`timed out after ${timeoutMs}ms reading the response`)));
        }
        resolve(res);
      });
      req.on('error', reject);
      if (signal) {
        const onAbort = (): void => {
          const reason = abortReason(signal);
          req.destroy(reason instanceof Error ? reason : new Error(String(reason)));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        req.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      if (timeoutMs > 0) {
        req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${timeoutMs}ms`)));
      }
      req.end(body);
    });
  }
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('response aborted')));
  });
}

function writeQuery(opts: WriteOptions): Query {
  return {
    dryRun: opts.dryRun ? 'All' : undefined,
    fieldManager: opts.fieldManager,
    fieldValidation: opts.fieldValidation,
  };
}

function nameOf(obj: ObjectLike): string {
  const name = obj.metadata?.name;
  if (!name) throw ApiError.badRequest('metadata.name is required for an update');
  return name;
}

function parseWatchLine<T extends ObjectLike>(line: string): ObjectWatchEvent<T> {
  const ev = parseJson(line, 'watch event');
  if (!isRecord(ev) || typeof ev.type !== 'string' || !isRecord(ev.object)) {
    throw new ClientNetworkError(`malformed watch event: ${line.slice(0, 200)}`);
  }
  if (ev.type === 'ERROR') {
    const code = typeof ev.object.code === 'number' ? ev.object.code : 500;
    throw ApiError.fromStatus(ev.object, code);
  }
  if (!['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK'].includes(ev.type)) {
    throw new ClientNetworkError(`unknown watch event type ${ev.type}`);
  }
  return ev as unknown as ObjectWatchEvent<T>;
}
