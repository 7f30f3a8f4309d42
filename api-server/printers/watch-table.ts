import type { KubeObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import { objectTable, type TableOptions } from './table.js';

/**
 * Encodes the objects of one watch stream as one-row Tables, with column definitions on the first event only
 * (upstream watchEmbeddedEncoder; kubectl reuses the last headers when they are empty).
 * Throws if a Table cannot be built; the headers then still go out with the next Table.
 */
export function tableWatchEncoder(
  info: Pick<ResourceInfo, 'group' | 'resource'>,
  opts: Omit<TableOptions, 'noHeaders'>,
  now: () => Date,
): (obj: KubeObject) => string {
  let headersSent = false;
  return (obj) => {
    const text = JSON.stringify(objectTable(info, obj, { ...opts, noHeaders: headersSent }, now()));
    headersSent = true;
    return text;
  };
}
