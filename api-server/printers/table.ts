/**
 * meta.k8s.io Table responses, as upstream's TableConvertor plus the row-object handling of
 * apiserver/pkg/endpoints/handlers/response.go asTable (includeObject=None|Metadata|Object).
 */
import type { KubeList, KubeObject, ListMeta } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import { printerFor } from './registry.js';
import type { Cell, ColumnDefinition, RowCondition } from './types.js';

export type TableApiVersion = 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  apiVersion: TableApiVersion;
  includeObject: IncludeObject;
  /** leave columnDefinitions out (watch events after the first) */
  noHeaders?: boolean;
}

export interface TableRow {
  cells: Cell[];
  conditions?: RowCondition[];
  object: KubeObject | null;
}

export interface Table {
  kind: 'Table';
  apiVersion: TableApiVersion;
  metadata: ListMeta;
  /** null when headers are omitted (upstream serializes the nil slice as null) */
  columnDefinitions: ColumnDefinition[] | null;
  rows: TableRow[];
}

/** The Table of one object; its metadata.resourceVersion is the object's. */
export function objectTable(info: Pick<ResourceInfo, 'group' | 'resource'>, obj: KubeObject, opts: TableOptions, now: Date): Table {
  const meta: ListMeta = {};
  if (obj.metadata?.resourceVersion) meta.resourceVersion = obj.metadata.resourceVersion;
  return buildTable(info, [obj], meta, opts, now);
}

/** The Table of a list page, keeping its resourceVersion, continue token and remaining count. */
export function listTable(info: Pick<ResourceInfo, 'group' | 'resource'>, list: KubeList, opts: TableOptions, now: Date): Table {
  const meta: ListMeta = {};
  if (list.metadata.resourceVersion) meta.resourceVersion = list.metadata.resourceVersion;
  if (list.metadata.continue) meta.continue = list.metadata.continue;
  if (list.metadata.remainingItemCount !== undefined) meta.remainingItemCount = list.metadata.remainingItemCount;
  return buildTable(info, list.items, meta, opts, now);
}

function buildTable(info: Pick<ResourceInfo, 'group' | 'resource'>, objs: readonly KubeObject[], metadata: ListMeta, opts: TableOptions, now: Date): Table {
  const printer = printerFor(info);
  const rows = objs.map((obj): TableRow => {
    const printed = printer.print(obj, now);
    // key order as upstream's JSON: cells, conditions, object
    return printed.conditions
      ? { cells: printed.cells, conditions: printed.conditions, object: rowObject(obj, opts) }
      : { cells: printed.cells, object: rowObject(obj, opts) };
  });
  return {
    kind: 'Table',
    apiVersion: opts.apiVersion,
    metadata,
    columnDefinitions: opts.noHeaders ? null : printer.columns.map((c) => ({ ...c })),
    rows,
  };
}

function rowObject(obj: KubeObject, opts: TableOptions): KubeObject | null {
  switch (opts.includeObject) {
    case 'Object':
      return obj;
    case 'None':
      return null;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: opts.apiVersion, metadata: obj.metadata ?? {} };
  }
}
