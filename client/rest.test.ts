import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, isApiError } from '../api/errors.js';
import { requireResource } from '../api/resources.js';
import { ClientNetworkError, RestClient } from './rest.js';

const PODS = requireResource('', 'v1', 'pods');
const NODES = requireResource('', 'v1', 'nodes');
const DEPLOYMENTS = requireResource('apps', 'v1', 'deployments');

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void;

let server: http.Server;
let base: string;
let handler: Handler = (_req, res) => res.end('{}');
const seen: Seen[] = [];
const openSockets = new Set<import('node:net').Socket>();
let closedRequests = 0;

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const s: Seen = { method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(s);
      res.on('close', () => closedRequests++);
      handler(req, res, s);
    });
  });
  server.on('connection', (s) => {
    openSockets.add(s);
    s.on('close', () => openSockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const s of openSockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

function json(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function client(): RestClient {
  return new RestClient({ server: base, userAgent: 'kubemu-test/1', timeoutMs: 2000 });
}

function last(): Seen {
  return seen[seen.length - 1];
}

void test('get builds core and group paths and sends Accept/User-Agent', async () => {
  handler = (_q, res, s) => json(res, 200, { kind: 'Pod', apiVersion: 'v1', metadata: { name: s.path } });
  const c = client();
  const p = await c.get(PODS, 'ns 1', 'p1');
  assert.equal(last().method, 'GET');
  assert.equal(last().path, '/api/v1/namespaces/ns%201/pods/p1');
  assert.equal(last().headers.accept, 'application/json');
  assert.equal(last().headers['user-agent'], 'kubemu-test/1');
  assert.equal(p.kind, 'Pod');
  await c.get(DEPLOYMENTS, 'default', 'web');
  assert.equal(last().path, '/apis/apps/v1/namespaces/default/deployments/web');
  await c.get(NODES, undefined, 'node-1');
  assert.equal(last().path, '/api/v1/nodes/node-1');
  c.close();
});

void test('list passes every list option and normalises items/metadata', async () => {
  handler = (_q, res) => json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '9', continue: 'abc' }, items: null });
  const c = client();
  const l = await c.list(PODS, 'ns', { labelSelector: 'app in (a,b)', fieldSelector: 'spec.nodeName=n1', limit: 500, continue: 'tok', resourceVersion: '0', resourceVersionMatch: 'NotOlderThan' });
  assert.deepEqual(last().query, { labelSelector: 'app in (a,b)', fieldSelector: 'spec.nodeName=n1', limit: '500', continue: 'tok', resourceVersion: '0', resourceVersionMatch: 'NotOlderThan' });
  assert.deepEqual(l.items, []);
  assert.equal(l.metadata.continue, 'abc');
  await c.list(PODS, undefined, { resourceVersion: '' });
  assert.equal(last().path, '/api/v1/pods');
  assert.deepEqual(last().query, {}, 'empty resourceVersion is omitted');
  c.close();
});

void test('create / update / updateStatus send JSON bodies and write options', async () => {
  handler = (_q, res, s) => json(res, 201, JSON.parse(s.body) as unknown);
  const c = client();
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [] } };
  const created = await c.create(PODS, 'ns', pod, { dryRun: true, fieldManager: 'me', fieldValidation: 'Strict' });
  assert.deepEqual(created, pod);
  assert.equal(last().method, 'POST');
  assert.equal(last().path, '/api/v1/namespaces/ns/pods');
  assert.deepEqual(last().query, { dryRun: 'All', fieldManager: 'me', fieldValidation: 'Strict' });
  assert.equal(last().headers['content-type'], 'application/json');
  await c.update(PODS, 'ns', pod);
  assert.equal(last().method, 'PUT');
  assert.equal(last().path, '/api/v1/namespaces/ns/pods/p');
  await c.updateStatus(PODS, 'ns', pod);
  assert.equal(last().path, '/api/v1/namespaces/ns/pods/p/status');
  await assert.rejects(c.update(PODS, 'ns', { metadata: {} }), (e: unknown) => isApiError(e, 'BadRequest'));
  c.close();
});

void test('patch uses the right content type per patch type; apply takes force; subresource', async () => {
  handler = (_q, res) => json(res, 200, { kind: 'Deployment' });
  const c = client();
  const types = { merge: 'application/merge-patch+json', json: 'application/json-patch+json', strategic: 'application/strategic-merge-patch+json', apply: 'application/apply-patch+yaml' } as const;
  for (const [t, ct] of Object.entries(types)) {
    await c.patch(DEPLOYMENTS, 'ns', 'web', t as keyof typeof types, t === 'json' ? [{ op: 'replace', path: '/spec/replicas', value: 3 }] : { spec: { replicas: 3 } });
    assert.equal(last().method, 'PATCH');
    assert.equal(last().headers['content-type'], ct);
  }
  assert.deepEqual(JSON.parse(last().body), { spec: { replicas: 3 } });
  await c.patch(DEPLOYMENTS, 'ns', 'web', 'apply', '{"spec":{}}', { fieldManager: 'kubectl', force: true });
  assert.deepEqual(last().query, { fieldManager: 'kubectl', force: 'true' });
  assert.equal(last().body, '{"spec":{}}');
  await c.patch(DEPLOYMENTS, 'ns', 'web', 'merge', {}, { subresource: 'scale', force: true });
  assert.equal(last().path, '/apis/apps/v1/namespaces/ns/deployments/web/scale');
  assert.deepEqual(last().query, {}, 'force only for apply');
  c.close();
});

void test('delete and deleteCollection send DeleteOptions as a JSON body', async () => {
  handler = (_q, res) => json(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 });
  const c = client();
  const r = await c.delete(PODS, 'ns', 'p', { propagationPolicy: 'Foreground', gracePeriodSeconds: 0, preconditions: { uid: 'u' } });
  assert.equal((r as { status?: string }).status, 'Success');
  assert.equal(last().method, 'DELETE');
  assert.equal(last().path, '/api/v1/namespaces/ns/pods/p');
  assert.deepEqual(JSON.parse(last().body), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground', gracePeriodSeconds: 0, preconditions: { uid: 'u' } });
  await c.deleteCollection(PODS, 'ns', { labelSelector: 'app=x', propagationPolicy: 'Background' });
  assert.equal(last().path, '/api/v1/namespaces/ns/pods');
  assert.deepEqual(last().query, { labelSelector: 'app=x' });
  assert.deepEqual(JSON.parse(last().body), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
  c.close();
});

void test('subresources: GET/PUT scale, POST binding', async () => {
  handler = (_q, res) => json(res, 200, { kind: 'Scale', spec: { replicas: 2 } });
  const c = client();
  const s = await c.getSubresource<{ spec: { replicas: number } }>(DEPLOYMENTS, 'ns', 'web', 'scale');
  assert.equal(s.spec.replicas, 2);
  assert.equal(last().path, '/apis/apps/v1/namespaces/ns/deployments/web/scale');
  await c.updateSubresource(DEPLOYMENTS, 'ns', 'web', 'scale', { spec: { replicas: 5 } });
  assert.equal(last().method, 'PUT');
  await c.createSubresource(PODS, 'ns', 'p', 'binding', { kind: 'Binding', target: { kind: 'Node', name: 'n1' } });
  assert.equal(last().method, 'POST');
  assert.equal(last().path, '/api/v1/namespaces/ns/pods/p/binding');
  c.close();
});

void test('non-2xx Status bodies become ApiError with code, reason, message and details', async () => {
  handler = (_q, res) => json(res, 404, ApiError.notFound({ group: 'apps', resource: 'deployments' }, 'web').toStatus());
  const c = client();
  await assert.rejects(c.get(DEPLOYMENTS, 'ns', 'web'), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 404);
    assert.equal(e.reason, 'NotFound');
    assert.equal(e.message, 'deployments.apps "web" not found');
    assert.deepEqual(e.details, { name: 'web', group: 'apps', kind: 'deployments' });
    return true;
  });
  handler = (_q, res) => json(res, 409, ApiError.modified({ group: '', resource: 'pods' }, 'p').toStatus());
  await assert.rejects(c.update(PODS, 'ns', { metadata: { name: 'p', resourceVersion: '1' } }), (e: unknown) => isApiError(e, 'Conflict'));
  c.close();
});

void test('a non-Status error body still yields an ApiError from the HTTP code', async () => {
  handler = (_q, res) => {
    res.writeHead(502, { 'Content-Type': 'text/plain' });
    res.end('bad gateway');
  };
  const c = client();
  await assert.rejects(c.get(PODS, 'ns', 'p'), (e: unknown) => e instanceof ApiError && e.code === 502 && e.reason === 'InternalError' && /bad gateway/.test(e.message));
  handler = (_q, res) => json(res, 429, { kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'slow down' });
  await assert.rejects(c.get(PODS, 'ns', 'p'), (e: unknown) => isApiError(e, 'TooManyRequests'));
  handler = (_q, res) => {
    res.writeHead(200);
    res.end('{not json');
  };
  await assert.rejects(c.get(PODS, 'ns', 'p'), (e: unknown) => e instanceof ClientNetworkError);
  c.close();
});

void test('connection refused → ClientNetworkError (ApiError 503 ServiceUnavailable)', async () => {
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const c = new RestClient({ server: `http://127.0.0.1:${port}` });
  await assert.rejects(c.get(PODS, 'ns', 'p'), (e: unknown) => {
    assert.ok(e instanceof ClientNetworkError);
    assert.ok(isApiError(e, 'ServiceUnavailable'));
    assert.equal(e.code, 503);
    return true;
  });
  const it = c.watch(PODS, 'ns')[Symbol.asyncIterator]();
  await assert.rejects(it.next(), (e: unknown) => e instanceof ClientNetworkError);
  c.close();
});

void test('request timeout → ClientNetworkError; caller abort → AbortError (not an ApiError)', async () => {
  handler = () => undefined; // never answers
  const c = new RestClient({ server: base, timeoutMs: 50 });
  await assert.rejects(c.get(PODS, 'ns', 'p'), (e: unknown) => e instanceof ClientNetworkError && /timed out/.test(e.message));
  const c2 = new RestClient({ server: base, timeoutMs: 60_000 });
  const ac = new AbortController();
  const p = c2.get(PODS, 'ns', 'p', { signal: ac.signal });
  ac.abort();
  await assert.rejects(p, (e: unknown) => !(e instanceof ApiError) && (e as Error).name === 'AbortError');
  const already = new AbortController();
  already.abort();
  await assert.rejects(c2.get(PODS, 'ns', 'p', { signal: already.signal }), (e: unknown) => (e as Error).name === 'AbortError');
  c.close();
  c2.close();
});

function streamEvents(chunks: string[], opts: { end?: boolean } = {}): Handler {
  return (_q, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    for (const ch of chunks) res.write(ch);
    if (opts.end !== false) res.end();
  };
}

const ev = (type: string, name: string, rv: string): string => JSON.stringify({ type, object: { kind: 'Pod', apiVersion: 'v1', metadata: { name, namespace: 'ns', resourceVersion: rv } } });

void test('watch reads newline-delimited events across arbitrary chunk boundaries and ends with the stream', async () => {
  const all = `${ev('ADDED', 'a', '1')}\n${ev('MODIFIED', 'a', '2')}\n${ev('BOOKMARK', '', '3')}\n${ev('DELETED', 'ä-ünïcödé', '4')}`; // last line without \n
  const bytes = Buffer.from(all);
  const chunks: string[] = [];
  handler = (_q, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    for (let i = 0; i < bytes.length; i += 7) res.write(bytes.subarray(i, i + 7)); // splits multi-byte characters too
    res.end();
  };
  void chunks;
  const c = client();
  const got: string[] = [];
  for await (const e of c.watch(PODS, 'ns', { resourceVersion: '0', allowWatchBookmarks: true, timeoutSeconds: 300, labelSelector: 'a=b', fieldSelector: 'x=y' })) {
    got.push(`${e.type}:${e.object.metadata?.name}@${e.object.metadata?.resourceVersion}`);
  }
  assert.deepEqual(got, ['ADDED:a@1', 'MODIFIED:a@2', 'BOOKMARK:@3', 'DELETED:ä-ünïcödé@4']);
  assert.deepEqual(last().query, { watch: 'true', resourceVersion: '0', allowWatchBookmarks: 'true', timeoutSeconds: '300', labelSelector: 'a=b', fieldSelector: 'x=y' });
  c.close();
});

void test('an ERROR event with a 410 Status is thrown as ApiError 410 Expired after earlier events', async () => {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 5 (800)', reason: 'Expired', code: 410 };
  handler = streamEvents([`${ev('ADDED', 'a', '6')}\n`, `${JSON.stringify({ type: 'ERROR', object: status })}\n`]);
  const c = client();
  const got: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const e of c.watch(PODS, 'ns', { resourceVersion: '5' })) got.push(e.type);
    })(),
    (e: unknown) => e instanceof ApiError && e.code === 410 && e.reason === 'Expired' && e.message.startsWith('too old'),
  );
  assert.deepEqual(got, ['ADDED']);
  c.close();
});

void test('an HTTP 410 answer to a watch is thrown as ApiError 410', async () => {
  handler = (_q, res) => json(res, 410, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Gone', code: 410, message: 'gone' });
  const c = client();
  const it = c.watch(PODS, 'ns', { resourceVersion: '1' })[Symbol.asyncIterator]();
  await assert.rejects(it.next(), (e: unknown) => e instanceof ApiError && e.code === 410 && e.reason === 'Gone');
  c.close();
});

void test('malformed watch lines and unknown types are ClientNetworkErrors', async () => {
  const c = client();
  handler = streamEvents(['{"type":"ADDED"\n']);
  await assert.rejects(c.watch(PODS, 'ns')[Symbol.asyncIterator]().next(), (e: unknown) => e instanceof ClientNetworkError);
  handler = streamEvents([`${JSON.stringify({ type: 'WAT', object: {} })}\n`]);
  await assert.rejects(c.watch(PODS, 'ns')[Symbol.asyncIterator]().next(), (e: unknown) => e instanceof ClientNetworkError);
  c.close();
});

void test('aborting a watch ends the iteration quietly and closes the connection', async () => {
  handler = streamEvents([`${ev('ADDED', 'a', '1')}\n`], { end: false });
  const c = client();
  const ac = new AbortController();
  const before = closedRequests;
  const got: string[] = [];
  for await (const e of c.watch(PODS, 'ns', {}, ac.signal)) {
    got.push(e.type);
    ac.abort();
  }
  assert.deepEqual(got, ['ADDED']);
  await waitFor(() => closedRequests > before);
  c.close();
});

void test('breaking out of a watch loop closes the connection', async () => {
  handler = streamEvents([`${ev('ADDED', 'a', '1')}\n${ev('ADDED', 'b', '2')}\n`], { end: false });
  const c = client();
  const before = closedRequests;
  for await (const e of c.watch(PODS, 'ns')) {
    assert.equal(e.type, 'ADDED');
    break;
  }
  await waitFor(() => closedRequests > before);
  c.close();
});

void test('a watch connection reset mid-stream throws ClientNetworkError', async () => {
  handler = (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(`${ev('ADDED', 'a', '1')}\n`, () => setImmediate(() => req.socket.destroy()));
  };
  const c = client();
  const got: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const e of c.watch(PODS, 'ns')) got.push(e.type);
    })(),
    (e: unknown) => e instanceof ClientNetworkError,
  );
  assert.deepEqual(got, ['ADDED']);
  c.close();
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond(), 'condition not reached');
}

void test('restListWatcher adds the selectors to list and watch calls', async () => {
  const { restListWatcher } = await import('./informer.js');
  handler = (_q, res, s) => {
    if (s.query.watch) streamEvents([`${ev('ADDED', 'a', '2')}\n`])(_q, res, s);
    else json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] });
  };
  const c = client();
  const lw = restListWatcher(c, PODS, 'ns', { labelSelector: 'app=x', fieldSelector: 'spec.nodeName=n1' });
  await lw.list({ limit: 500, resourceVersion: '0' });
  assert.deepEqual(last().query, { limit: '500', resourceVersion: '0', labelSelector: 'app=x', fieldSelector: 'spec.nodeName=n1' });
  const types: string[] = [];
  for await (const e of lw.watch({ resourceVersion: '1', allowWatchBookmarks: true, timeoutSeconds: 400 }, new AbortController().signal)) types.push(e.type);
  assert.deepEqual(types, ['ADDED']);
  assert.deepEqual(last().query, { watch: 'true', resourceVersion: '1', allowWatchBookmarks: 'true', timeoutSeconds: '400', labelSelector: 'app=x', fieldSelector: 'spec.nodeName=n1' });
  c.close();
});
