import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CODES, type ErrorCode } from '../lib/app-error.js';

export type ApiFamily = 'marketplace' | 'purchaseIntents';

/** The purchase-intent family lives under these paths; everything else speaks the marketplace envelope. */
export function familyOf(url: string): ApiFamily {
  return /^\/api\/(public\/)?purchaseintents(\/|\?|$)/.test(url) ? 'purchaseIntents' : 'marketplace';
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
  409: 'Conflict',
  413: 'Payload Too Large',
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

/** Renders one or more errors in the envelope of the request's API family (SPEC §1). */
export function sendErrors(request: FastifyRequest, reply: FastifyReply, status: number, errors: ErrorItem[]): FastifyReply {
  if (familyOf(request.url) === 'purchaseIntents') {
    return reply.status(status).send({
      statusCode: status,
      error: REASON[status] ?? 'Error',
      message: errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '),
    });
  }
  return reply.status(status).send({
    status,
    data: null,
    errors: errors.map((e) => ({
      code: e.code,
      message: e.message,
      ...(e.field !== undefined ? { field: e.field } : {}),
      ...(e.details !== undefined ? { details: e.details } : {}),
    })),
    requestId: request.id,
  });
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

export function validationItems(issues: AjvIssue[], context: string | undefined): ErrorItem[] {
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

export function handleError(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) {
    return sendErrors(request, reply, statusOf(error.code), [
      { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}), ...(error.details ? { details: error.details } : {}) },
    ]);
  }
  const fe = error as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
  if (fe.validation) {
    return sendErrors(request, reply, 400, validationItems(fe.validation, fe.validationContext));
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendErrors(request, reply, 415, [{ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json' }]);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendErrors(request, reply, 413, [{ code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' }]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendErrors(request, reply, 400, [{ code: 'VALIDATION_ERROR', message: 'the JSON body is empty', field: 'body' }]);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return sendErrors(request, reply, 400, [{ code: 'VALIDATION_ERROR', message: 'the body is not valid JSON', field: 'body' }]);
    default:
      break;
  }
  if (isDataException(error)) {
    return sendErrors(request, reply, 400, [{ code: 'VALIDATION_ERROR', message: 'a value in the request cannot be stored (invalid characters or out of range)' }]);
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    return sendErrors(request, reply, status, [{ code: status === 404 ? 'NOT_FOUND' : 'VALIDATION_ERROR', message: fe.message }]);
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendErrors(request, reply, 500, [{ code: 'INTERNAL_ERROR', message: `internal error; quote request id ${request.id}` }]);
}
