import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CODES, type ErrorCode } from '../../lib/app-error.js';

/**
 * The two API families render errors in their own envelopes (SPEC §1). Each family plugin installs
 * `errorHandlerFor(itsFamily)` and its own not-found handler, so the envelope follows from the plugin
 * that owns the route, never from the URL. Only errors raised before routing (a malformed URL) have
 * no plugin yet: `familyOfPath` decides those by the path's prefix.
 */
export type ApiFamily = 'marketplace' | 'purchaseIntents';

export function familyOfPath(url: string): ApiFamily {
  return url.startsWith('/api/purchaseintents') || url.startsWith('/api/public/purchaseintents') ? 'purchaseIntents' : 'marketplace';
}

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ErrorItem {
  code: ErrorCode;
  message: string;
  field?: string;
  details?: Record<string, unknown>;
}

/** The error body of `family` (SPEC §1). */
export function errorBody(family: ApiFamily, status: number, errors: ErrorItem[], requestId: string): Record<string, unknown> {
  if (family === 'purchaseIntents') {
    return {
      statusCode: status,
      error: REASON[status] ?? 'Error',
      message: errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '),
    };
  }
  return {
    status,
    data: null,
    errors: errors.map((e) => ({
      code: e.code,
      message: e.message,
      ...(e.field !== undefined ? { field: e.field } : {}),
      ...(e.details !== undefined ? { details: e.details } : {}),
    })),
    requestId,
  };
}

/** Renders one or more errors in the envelope of `family` (SPEC §1). */
export function sendErrors(family: ApiFamily, request: FastifyRequest, reply: FastifyReply, status: number, errors: ErrorItem[]): FastifyReply {
  return reply.status(status).send(errorBody(family, status, errors, request.id));
}

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/shows/0/date` → `shows[0].date`, the JSON path a client can find in its own payload. */
export function jsonPath(pointer: string): string {
  return pointer
    .split('/')
    .filter((p) => p !== '')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function join(base: string, prop: string): string {
  return base ? `${base}.${prop}` : prop;
}

export function validationItems(issues: AjvIssue[], context: string | undefined, value?: unknown): ErrorItem[] {
  if (context === 'body' && value === undefined) {
    return [{ code: 'VALIDATION_ERROR', message: 'this request needs a JSON body', field: 'body' }];
  }
  const seen = new Set<string>();
  const items: ErrorItem[] = [];
  for (const issue of issues) {
    let field = jsonPath(issue.instancePath);
    let message = issue.message ?? 'is invalid';
    if (issue.keyword === 'required' && typeof issue.params.missingProperty === 'string') {
      field = join(field, issue.params.missingProperty);
      message = 'is required';
    } else if (issue.keyword === 'additionalProperties' && typeof issue.params.additionalProperty === 'string') {
      field = join(field, issue.params.additionalProperty);
      message = 'is not a known field';
    } else if (issue.keyword === 'enum' && Array.isArray(issue.params.allowedValues)) {
      message = `must be one of ${issue.params.allowedValues.map(String).join(', ')}`;
    }
    const key = `${field}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({ code: 'VALIDATION_ERROR', message: `${field || context || 'request'} ${message}`, field: field || (context ?? 'body') });
  }
  return items;
}

/** PostgreSQL data exceptions (class 22: bad text encoding, out-of-range numbers) are the client's input. */
function isDataException(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

/**
 * Errors Fastify raises itself (parsing, limits, routing), each with a stable code of ours. Anything
 * a client can cause must land here or in AppError: an unmapped 4xx still keeps its status.
 */
const FRAMEWORK_ERRORS: Record<string, (e: FastifyError) => { status: number; item: ErrorItem }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => ({ status: 415, item: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json' } }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => ({ status: 400, item: { code: 'VALIDATION_ERROR', message: 'Content-Length does not match the body', field: 'body' } }),
  FST_ERR_CTP_BODY_TOO_LARGE: () => ({ status: 413, item: { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is larger than this route accepts' } }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => ({ status: 400, item: { code: 'VALIDATION_ERROR', message: 'this request needs a JSON body', field: 'body' } }),
  FST_ERR_CTP_INVALID_JSON_BODY: () => ({ status: 400, item: { code: 'VALIDATION_ERROR', message: 'the body is not valid JSON', field: 'body' } }),
  FST_ERR_BAD_URL: () => ({ status: 400, item: { code: 'INVALID_URL', message: 'the URL is not valid (bad percent-encoding)' } }),
  FST_ERR_MAX_PARAM_LENGTH: () => ({ status: 414, item: { code: 'URI_TOO_LONG', message: 'a path parameter is longer than any id Encore stores' } }),
  FST_ERR_ASYNC_CONSTRAINT: () => ({ status: 400, item: { code: 'INVALID_URL', message: 'the request cannot be routed' } }),
};

export function frameworkError(error: Error): { status: number; item: ErrorItem } | undefined {
  const fe = error as FastifyError;
  const mapped = typeof fe.code === 'string' ? FRAMEWORK_ERRORS[fe.code] : undefined;
  if (mapped) return mapped(fe);
  // JSON.parse errors of the body parsers (SyntaxError with a 400 status), bad gzip, aborted bodies.
  if (error instanceof SyntaxError) return { status: 400, item: { code: 'VALIDATION_ERROR', message: 'the body is not valid JSON', field: 'body' } };
  return undefined;
}

export function handleError(family: ApiFamily, error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) {
    return sendErrors(family, request, reply, statusOf(error.code), [
      { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}), ...(error.details ? { details: error.details } : {}) },
    ]);
  }
  const fe = error as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
  if (fe.validation) {
    return sendErrors(family, request, reply, 400, validationItems(fe.validation, fe.validationContext, fe.validationContext === 'body' ? request.body : null));
  }
  const framework = frameworkError(error);
  if (framework) return sendErrors(family, request, reply, framework.status, [framework.item]);
  if (isDataException(error)) {
    return sendErrors(family, request, reply, 400, [{ code: 'VALIDATION_ERROR', message: 'a value in the request cannot be stored (invalid characters or out of range)' }]);
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    return sendErrors(family, request, reply, status, [{ code: status === 404 ? 'NOT_FOUND' : 'VALIDATION_ERROR', message: fe.message }]);
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendErrors(family, request, reply, 500, [{ code: 'INTERNAL_ERROR', message: `internal error; quote request id ${request.id}` }]);
}

export function errorHandlerFor(family: ApiFamily) {
  return (error: Error, request: FastifyRequest, reply: FastifyReply): FastifyReply => handleError(family, error, request, reply);
}
