import type { ServerResponse } from 'node:http';
import { ApiError, type Status } from '../../api/errors.js';
import type { Logger } from '../../common/logger.js';

export function writeJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = code;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Writes any error as a Status object; unknown errors become 500 InternalError (and are logged). */
export function writeError(res: ServerResponse, err: unknown, log: Logger): void {
  const apiErr = toApiError(err);
  if (apiErr.code >= 500) log.warn({ err: err instanceof Error ? err.message : String(err), code: apiErr.code }, 'request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status: Status = apiErr.toStatus();
  if (apiErr.code === 429 && apiErr.details?.retryAfterSeconds) res.setHeader('Retry-After', String(apiErr.details.retryAfterSeconds));
  writeJson(res, apiErr.code, status);
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof RangeError) return ApiError.badRequest(`the request could not be processed: ${err.message}`);
  return ApiError.internal(err instanceof Error ? err.message : String(err));
}
