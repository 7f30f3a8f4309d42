/**
 * The one typed API error. It converts to and from a Kubernetes `Status` object
 * (apimachinery/pkg/api/errors/errors.go), so callers branch on `reason`, never on message text.
 */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'Unknown';

export type CauseType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueDuplicate'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueNotFound'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid'
  | 'FieldManagerConflict'
  | 'UnexpectedServerResponse'
  | 'ExitCode';

export interface StatusCause {
  /** a CauseType, or another reason string from the server */
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string };
  status: 'Success' | 'Failure';
  message?: string;
  /** a StatusReason, or another reason string from the server */
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A resource as named in error messages: plural and group, e.g. {resource:'deployments', group:'apps'}. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** `deployments.apps` or `pods` */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Status {
    const s: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) s.details = this.details;
    return s;
  }

  /** Rebuilds an ApiError from a Status body received over the wire. */
  static fromStatus(status: unknown, httpCode: number): ApiError {
    const s = (typeof status === 'object' && status !== null ? status : {}) as Partial<Status>;
    const code = typeof s.code === 'number' && s.code > 0 ? s.code : httpCode;
    const reason = (typeof s.reason === 'string' && s.reason ? s.reason : reasonForCode(code)) as StatusReason;
    const message = typeof s.message === 'string' ? s.message : `the server responded with status ${code}`;
    return new ApiError(code, reason, message, s.details);
  }

  static notFound(gr: GroupResource, name: string): ApiError {
    return new ApiError(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    });
  }

  static alreadyExists(gr: GroupResource, name: string): ApiError {
    return new ApiError(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    });
  }

  static conflict(gr: GroupResource, name: string, why: string): ApiError {
    return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    });
  }

  static modified(gr: GroupResource, name: string): ApiError {
    return ApiError.conflict(gr, name, OBJECT_MODIFIED);
  }

  /** 422 Invalid. `kind` is the Kind (e.g. "Deployment"), `group` its API group. */
  static invalid(kind: string, group: string, name: string, errors: FieldError[]): ApiError {
    const qualifiedKind = group ? `${kind}.${group}` : kind;
    const causes: StatusCause[] = errors.map((e) => ({ reason: e.type, message: e.detailMessage(), field: e.field }));
    const parts = errors.map((e) => e.toString());
    const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
    return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, {
      name,
      group: group || undefined,
      kind,
      causes,
    });
  }

  static badRequest(message: string): ApiError {
    return new ApiError(400, 'BadRequest', message);
  }

  static methodNotAllowed(message = 'the server does not allow this method on the requested resource'): ApiError {
    return new ApiError(405, 'MethodNotAllowed', message);
  }

  static unsupportedMediaType(contentType: string, accepted: string[]): ApiError {
    return new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      contentType ? { causes: [] } : undefined,
    );
  }

  static tooLarge(limit: number): ApiError {
    return new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
  }

  static expired(message: string): ApiError {
    return new ApiError(410, 'Expired', message);
  }

  static gone(message: string): ApiError {
    return new ApiError(410, 'Gone', message);
  }

  static internal(message: string): ApiError {
    return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
  }

  static unavailable(message: string): ApiError {
    return new ApiError(503, 'ServiceUnavailable', message);
  }

  static timeout(message: string): ApiError {
    return new ApiError(504, 'Timeout', message);
  }

  static tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
    return new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds });
  }
}

export const OBJECT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

export function reasonForCode(code: number): StatusReason {
  switch (code) {
    case 400: return 'BadRequest';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 405: return 'MethodNotAllowed';
    case 406: return 'NotAcceptable';
    case 409: return 'Conflict';
    case 410: return 'Gone';
    case 413: return 'RequestEntityTooLarge';
    case 415: return 'UnsupportedMediaType';
    case 422: return 'Invalid';
    case 429: return 'TooManyRequests';
    case 503: return 'ServiceUnavailable';
    case 504: return 'Timeout';
    default: return code >= 500 ? 'InternalError' : 'Unknown';
  }
}

export function isApiError(e: unknown, reason?: StatusReason): e is ApiError {
  return e instanceof ApiError && (reason === undefined || e.reason === reason);
}

/**
 * A field validation error, as apimachinery/pkg/util/validation/field/errors.go renders it:
 * `spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
 */
export class FieldError {
  constructor(
    readonly type: CauseType,
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  static required(field: string, detail = ''): FieldError {
    return new FieldError('FieldValueRequired', field, undefined, detail);
  }
  static invalid(field: string, value: unknown, detail: string): FieldError {
    return new FieldError('FieldValueInvalid', field, value, detail);
  }
  static duplicate(field: string, value: unknown): FieldError {
    return new FieldError('FieldValueDuplicate', field, value, '');
  }
  static notSupported(field: string, value: unknown, valid: string[]): FieldError {
    const detail = valid.length ? `supported values: ${valid.map((v) => `"${v}"`).join(', ')}` : '';
    return new FieldError('FieldValueNotSupported', field, value, detail);
  }
  static forbidden(field: string, detail: string): FieldError {
    return new FieldError('FieldValueForbidden', field, undefined, detail);
  }
  static notFound(field: string, value: unknown): FieldError {
    return new FieldError('FieldValueNotFound', field, value, '');
  }
  static tooLong(field: string, value: unknown, max: number): FieldError {
    return new FieldError('FieldValueTooLong', field, value, `must have at most ${max} bytes`);
  }
  /** field.TooMany: `Too many: <actual>: must have at most <max> items` */
  static tooMany(field: string, actual: number, max: number): FieldError {
    return new FieldError('FieldValueTooMany', field, actual, `must have at most ${max} items`);
  }

  private typeText(): string {
    switch (this.type) {
      case 'FieldValueRequired': return 'Required value';
      case 'FieldValueInvalid': return 'Invalid value';
      case 'FieldValueDuplicate': return 'Duplicate value';
      case 'FieldValueNotSupported': return 'Unsupported value';
      case 'FieldValueForbidden': return 'Forbidden';
      case 'FieldValueNotFound': return 'Not found';
      case 'FieldValueTooLong': return 'Too long';
      case 'FieldValueTooMany': return 'Too many';
      case 'FieldValueTypeInvalid': return 'Invalid value';
      default: return 'Invalid value';
    }
  }

  private hasValue(): boolean {
    return !(this.type === 'FieldValueRequired' || this.type === 'FieldValueForbidden' || this.type === 'FieldValueTooLong');
  }

  /** The message without the field path, e.g. `Invalid value: -1: must be …` (used in causes[].message). */
  detailMessage(): string {
    let s = this.typeText();
    if (this.hasValue()) s += `: ${formatBadValue(this.badValue)}`;
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }

  toString(): string {
    return `${this.field}: ${this.detailMessage()}`;
  }
}

/** Renders a bad value as Go's %#v-ish formatting upstream uses: strings quoted, numbers bare. */
export function formatBadValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}
