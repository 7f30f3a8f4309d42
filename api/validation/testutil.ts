/** Test helper: the rendered `field: message` strings of a list of FieldErrors. */
import type { FieldError } from '../errors.js';

export function msgs(errs: FieldError[]): string[] {
  return errs.map((e) => e.toString());
}
