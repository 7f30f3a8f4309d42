import type { KubeObject } from '../../api/object.js';

/** One cell of a Table row; kubectl prints each with Go's %v. */
export type Cell = string | number | boolean;

/** metav1.TableColumnDefinition (every field is always serialized, as upstream). */
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** metav1.TableRowCondition */
export interface RowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface PrintedRow {
  cells: Cell[];
  conditions?: RowCondition[];
}

/**
 * How one resource is printed: its columns and a row per object, as a handler registered in upstream's
 * printers.go AddHandlers. The server always prints wide rows (pkg/printers/storage TableConvertor passes
 * Wide: true); kubectl hides the priority ≠ 0 columns unless `-o wide`.
 */
export interface Printer {
  readonly columns: readonly ColumnDefinition[];
  print(obj: KubeObject, now: Date): PrintedRow;
}

/** A column definition; `priority: 1` marks a wide-only column, `format: 'name'` the object-name column. */
export function column(name: string, type: string, description: string, opts: { priority?: number; format?: string } = {}): ColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}
