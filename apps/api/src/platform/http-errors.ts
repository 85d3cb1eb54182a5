import { STATUS_CODES as HTTP_STATUS_TEXT } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { ErrorCode, ErrorEnvelope, FieldError } from '@walkydoggy/shared';
import { AppError } from './errors.js';
import { databaseErrorToHttp } from './db-errors.js';
import { redisErrorToHttp } from './redis.js';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  503: 'SERVICE_UNAVAILABLE',
};

export function envelope(code: string, message: string, details?: FieldError[]): ErrorEnvelope {
  return { success: false, error: { code, message, ...(details?.length ? { details } : {}) } };
}

/** Zod issues from the type provider, as `{path, message}` pairs like `body.email`. */
function validationDetails(error: FastifyError): FieldError[] {
  const context = (error as { validationContext?: string }).validationContext;
  return (error.validation ?? []).flatMap((v) => {
    const segments = (v.instancePath ?? '').split('/').filter(Boolean);
    const at = (...more: string[]) => [context, ...segments, ...more].filter(Boolean).join('.');
    // A strict body names the fields it does not know: one detail each, at the field's own path.
    const unknownKeys = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: unknown } | undefined)?.keys : undefined;
    if (Array.isArray(unknownKeys) && unknownKeys.length)
      return unknownKeys.map((key) => ({ path: at(String(key).slice(0, 100)), message: 'Unknown field.', code: 'unrecognized_keys' }));
    return [{ path: at(), message: v.message ?? 'Invalid value.', ...(v.keyword ? { code: v.keyword } : {}) }];
  });
}

/** Messages of Fastify's own 4xx errors that say more than its wording would. */
function frameworkMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The request body is not valid JSON.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is empty; send a JSON object.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Send the request body as application/json.';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large.';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'A part of the address is too long.';
    case 'FST_ERR_BAD_URL':
      return 'The address is not valid.';
    default:
      return error.message;
  }
}

function sendAppError(reply: FastifyReply, error: AppError) {
  if (error.headers) reply.headers(error.headers);
  return reply.status(error.statusCode).send(envelope(error.code, error.message, error.details));
}

/**
 * One place that turns every error into the response envelope; 5xx details stay in the log. It also
 * answers what fails before a route's handler: the router (`frameworkErrors`: an over-long or
 * malformed address), the body parsers, the size limits, a database error the route did not expect
 * (db-errors.ts) and a Redis failure it did not handle (redis.ts).
 */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) return sendAppError(reply, error);
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.status(400).send(envelope('VALIDATION_ERROR', 'Some fields are not valid.', validationDetails(error)));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
      return reply.status(500).send(envelope('INTERNAL_ERROR', 'Something went wrong on our side.'));
    }
    const fromDatabase = databaseErrorToHttp(error);
    if (fromDatabase) {
      // A constraint the route did not foresee: the caller's fault, but worth a look (a check may be missing).
      request.log[fromDatabase.statusCode >= 500 ? 'error' : 'warn']({ err: error }, 'database refused the request');
      return sendAppError(reply, fromDatabase);
    }
    // Redis is optional: a use of it without a fallback of its own costs a retry, not an internal error.
    const fromRedis = redisErrorToHttp(error);
    if (fromRedis) return sendAppError(reply, fromRedis);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.status(status).send(envelope(STATUS_CODES[status] ?? 'BAD_REQUEST', frameworkMessage(error)));
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(status >= 500 ? status : 500)
      .send(envelope(status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR', 'Something went wrong on our side.'));
  });
}

/** Fastify's `frameworkErrors`: the router's refusals (bad or over-long address) in the envelope. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  return reply.status(status).send(envelope(STATUS_CODES[status] ?? 'BAD_REQUEST', frameworkMessage(error)));
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser could not read (malformed, headers too
 * large, too slow) is answered in the envelope too, then the connection is closed.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message =
    status === 431 ? 'The request headers are too large.' : status === 408 ? 'The request took too long to arrive.' : 'The request is not valid HTTP.';
  const body = JSON.stringify(envelope(STATUS_CODES[status]!, message));
  socket.end(
    `HTTP/1.1 ${status} ${HTTP_STATUS_TEXT[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
