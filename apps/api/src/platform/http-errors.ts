import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { ErrorCode, ErrorEnvelope, FieldError } from '@walkydoggy/shared';
import { AppError } from './errors.js';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

export function envelope(code: string, message: string, details?: FieldError[]): ErrorEnvelope {
  return { success: false, error: { code, message, ...(details?.length ? { details } : {}) } };
}

/** Zod issues from the type provider, as `{path, message}` pairs like `body.email`. */
function validationDetails(error: FastifyError): FieldError[] {
  const context = (error as { validationContext?: string }).validationContext;
  return (error.validation ?? []).map((v) => {
    const segments = (v.instancePath ?? '').split('/').filter(Boolean);
    const issue = (v.params as { issue?: { code?: string } } | undefined)?.issue;
    return {
      path: [context, ...segments].filter(Boolean).join('.'),
      message: v.message ?? 'Invalid value.',
      ...(issue?.code ? { code: issue.code } : {}),
    };
  });
}

/** One place that turns every error into the response envelope; 5xx details stay in the log. */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      if (error.headers) reply.headers(error.headers);
      return reply.status(error.statusCode).send(envelope(error.code, error.message, error.details));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.status(400).send(envelope('VALIDATION_ERROR', 'Some fields are not valid.', validationDetails(error)));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
      return reply.status(500).send(envelope('INTERNAL_ERROR', 'Something went wrong on our side.'));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message = status === 400 && error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'The request body is not valid JSON.' : error.message;
      return reply.status(status).send(envelope(STATUS_CODES[status] ?? 'BAD_REQUEST', message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(status >= 500 ? status : 500)
      .send(envelope(status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR', 'Something went wrong on our side.'));
  });
}
