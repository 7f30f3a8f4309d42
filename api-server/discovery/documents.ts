import { createHash } from 'node:crypto';
import { ApiError } from '../../api/errors.js';
import { AGGREGATED_DISCOVERY_CONTENT_TYPE, apiGroupDiscoveryList } from './aggregated.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './legacy.js';
import { discoveryGroups, type GroupDescriptor } from './model.js';
import { VERSION_INFO } from './version.js';

export interface DiscoveryDocument {
  contentType: string;
  body: string;
  /** set for aggregated documents, which clients revalidate with If-None-Match (upstream: a SHA-512 hex digest) */
  etag?: string;
  /** /api and /apis answer in two formats depending on Accept */
  varyAccept: boolean;
}

/**
 * The discovery endpoints: /version, /api, /apis, /api/{v}, /apis/{g}, /apis/{g}/{v}. The resource set is fixed
 * for the life of the server, so each document is serialized once.
 */
export class DiscoveryDocuments {
  private readonly groups: GroupDescriptor[];
  private readonly cache = new Map<string, DiscoveryDocument>();

  constructor(private readonly serverAddress: () => string) {
    this.groups = discoveryGroups();
  }

  /** The document served at `path`; undefined when `path` is not a discovery path, ApiError 404 for an unknown group or version. */
  lookup(path: string, aggregated: boolean): DiscoveryDocument | undefined {
    if (path === '/api' || path === '/apis') {
      const core = path === '/api';
      if (aggregated) return this.cached(`aggregated:${path}`, () => apiGroupDiscoveryList(core, this.groups), true);
      if (core) return json(apiVersions(this.serverAddress()), true);
      return this.cached(path, () => apiGroupList(this.groups), false, true);
    }
    if (path === '/version') return this.cached(path, () => VERSION_INFO, false);
    const coreVersion = /^\/api\/([^/]+)$/.exec(path);
    if (coreVersion) return this.cached(path, () => apiResourceList('', coreVersion[1], this.groups) ?? notFound(), false);
    const group = /^\/apis\/([^/]+)$/.exec(path);
    if (group) return this.cached(path, () => apiGroup(group[1], this.groups) ?? notFound(), false);
    const gv = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (gv) return this.cached(path, () => apiResourceList(gv[1], gv[2], this.groups) ?? notFound(), false);
    return undefined;
  }

  private cached(key: string, build: () => object, aggregated: boolean, varyAccept = aggregated): DiscoveryDocument {
    let doc = this.cache.get(key);
    if (!doc) {
      doc = aggregated ? aggregatedDocument(build()) : json(build(), varyAccept);
      this.cache.set(key, doc);
    }
    return doc;
  }
}

function json(body: object, varyAccept: boolean): DiscoveryDocument {
  return { contentType: 'application/json', body: JSON.stringify(body), varyAccept };
}

function aggregatedDocument(body: object): DiscoveryDocument {
  const text = JSON.stringify(body);
  const etag = `"${createHash('sha512').update(text).digest('hex').toUpperCase()}"`;
  return { contentType: AGGREGATED_DISCOVERY_CONTENT_TYPE, body: text, etag, varyAccept: true };
}

function notFound(): never {
  throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}
