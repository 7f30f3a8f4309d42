/**
 * Accept-header negotiation, as apiserver/pkg/endpoints/handlers/negotiation: clauses are tried in order of
 * preference and the first one this server can produce wins. kubemu produces plain JSON, meta.k8s.io Tables
 * (`application/json;as=Table;v=v1;g=meta.k8s.io`, also v1beta1) and, on /api and /apis, aggregated discovery
 * (`application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`). Anything else (protobuf, YAML,
 * PartialObjectMetadata) is skipped; when nothing matches, the answer is plain JSON, never 406.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../api/errors.js';
import type { KubeList, KubeObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import { listTable, objectTable, type IncludeObject, type TableApiVersion, type TableOptions } from '../printers/table.js';
import { tableWatchEncoder } from '../printers/watch-table.js';
import { writeJson } from './responses.js';

export interface AcceptClause {
  type: string;
  subtype: string;
  params: Record<string, string>;
  q: number;
}

/** goautoneg.ParseAccept: clauses sorted by q (highest first), then concrete types before wildcards. */
export function parseAccept(header: string | undefined): AcceptClause[] {
  const out: AcceptClause[] = [];
  for (const raw of (header ?? '').split(',')) {
    const [range, ...params] = raw.trim().split(';');
    const sp = range.split('/');
    const type = sp[0].trim();
    let subtype: string;
    if (sp.length === 1 && type === '*') subtype = '*';
    else if (sp.length === 2) subtype = sp[1].trim();
    else continue;
    const clause: AcceptClause = { type, subtype, params: {}, q: 1 };
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const key = p.slice(0, eq).trim();
      const value = p.slice(eq + 1).trim();
      if (key === 'q') clause.q = Number.parseFloat(value) || 0;
      else clause.params[key] = value;
    }
    out.push(clause);
  }
  const rank = (c: AcceptClause) => (c.type === '*' ? 2 : c.subtype === '*' ? 1 : 0);
  // Array.prototype.sort is stable, as Go's sort.Sort is on these short slices
  return out.sort((a, b) => b.q - a.q || rank(a) - rank(b));
}

function isJson(c: AcceptClause): boolean {
  return (c.type === 'application' && (c.subtype === 'json' || c.subtype === '*')) || (c.type === '*' && c.subtype === '*');
}

/** The conversion target a clause asks for (`as`, `g`, `v`), or undefined for the plain media type. */
function target(c: AcceptClause): { as: string; g: string; v: string } | undefined {
  const { as, g, v } = c.params;
  if (as === undefined && g === undefined && v === undefined) return undefined;
  return { as: as ?? '', g: g ?? '', v: v ?? '' };
}

export type ObjectFormat = { kind: 'json' } | { kind: 'table'; apiVersion: TableApiVersion };

/** What to answer a GET of an object or list with. */
export function negotiateObjectFormat(accept: string | undefined): ObjectFormat {
  for (const c of parseAccept(accept)) {
    if (!isJson(c)) continue;
    const t = target(c);
    if (!t) return { kind: 'json' };
    if (t.as === 'Table' && t.g === 'meta.k8s.io' && (t.v === 'v1' || t.v === 'v1beta1')) {
      return { kind: 'table', apiVersion: `meta.k8s.io/${t.v}` };
    }
  }
  return { kind: 'json' };
}

/** Whether /api or /apis should answer with the aggregated discovery document (apidiscovery.k8s.io/v2). */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  for (const c of parseAccept(accept)) {
    if (!isJson(c)) continue;
    const t = target(c);
    if (!t) return false;
    if (t.as === 'APIGroupDiscoveryList' && t.g === 'apidiscovery.k8s.io' && t.v === 'v2') return true;
  }
  return false;
}

/** metav1.TableOptions.includeObject from the query; Metadata by default. */
export function includeObjectFrom(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject') ?? '';
  switch (v) {
    case '':
      return 'Metadata';
    case 'None':
    case 'Metadata':
    case 'Object':
      return v;
    default:
      throw ApiError.badRequest(`unrecognized includeObject value: ${JSON.stringify(v)}`);
  }
}

/** Writes a GET result (one object or a list) as JSON or, when the client asks for one, as a Table. */
export function writeObject(
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  info: Pick<ResourceInfo, 'group' | 'resource'>,
  body: KubeObject | KubeList,
  now: Date,
): void {
  const format = negotiateObjectFormat(req.headers.accept);
  if (format.kind === 'json') return writeJson(res, 200, body);
  const opts: TableOptions = { apiVersion: format.apiVersion, includeObject: includeObjectFrom(query) };
  const table = isList(body) ? listTable(info, body, opts, now) : objectTable(info, body, opts, now);
  writeJson(res, 200, table);
}

function isList(body: KubeObject | KubeList): body is KubeList {
  return Array.isArray((body as { items?: unknown }).items);
}

/**
 * How a watch encodes its event objects: undefined for plain JSON (the shared serialization), otherwise a
 * one-row Table per event. The encoder throws when a Table cannot be built; the watch then sends JSON.
 */
export function watchObjectEncoder(req: IncomingMessage, info: ResourceInfo, now: () => Date): ((obj: KubeObject) => string) | undefined {
  const format = negotiateObjectFormat(req.headers.accept);
  if (format.kind === 'json') return undefined;
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  return tableWatchEncoder(info, { apiVersion: format.apiVersion, includeObject: includeObjectFrom(query) }, now);
}
