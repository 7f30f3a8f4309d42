/**
 * The result of running a plugin, as upstream's framework.Status: a code, reasons and the plugin that said it.
 * Success is represented by `undefined` so the hot filter path allocates nothing for passing nodes.
 */
export type StatusCode = 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Skip';

export interface Status {
  readonly code: StatusCode;
  readonly reasons: readonly string[];
  /** Filled in by the framework runtime. */
  plugin?: string;
}

export function unschedulable(...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons };
}

export function unresolvable(...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons };
}

export function errorStatus(message: string): Status {
  return { code: 'Error', reasons: [message] };
}

export const SKIP: Status = Object.freeze({ code: 'Skip', reasons: Object.freeze([]) });

/** Unschedulable or UnschedulableAndUnresolvable: the plugin rejected the pod (as opposed to failing). */
export function isRejected(s: Status | undefined): boolean {
  return s !== undefined && (s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable');
}

/** upstream Status.Message(): the reasons joined with ", ". */
export function statusMessage(s: Status): string {
  return s.reasons.join(', ');
}

export function withPlugin(s: Status, plugin: string): Status {
  return { code: s.code, reasons: s.reasons, plugin };
}
