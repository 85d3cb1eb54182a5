import type { ErrorCode, FieldError } from '@walkydoggy/shared';

/** Errors that services throw; one handler (http.ts) turns them into the response envelope. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends AppError {
  constructor(message: string, details: FieldError[] = []) {
    super(400, 'VALIDATION_ERROR', message, details);
  }
  static field(path: string, message: string, code?: string) {
    return new ValidationFailed(message, [{ path, message, ...(code ? { code } : {}) }]);
  }
}
export class BadRequest extends AppError {
  constructor(message: string, code: ErrorCode = 'BAD_REQUEST') {
    super(400, code, message);
  }
}
export class Unauthorized extends AppError {
  constructor(message = 'Sign in to continue.', code: ErrorCode = 'UNAUTHORIZED') {
    super(401, code, message);
  }
}
export class Forbidden extends AppError {
  constructor(message = 'You are not allowed to do this.', code: ErrorCode = 'FORBIDDEN') {
    super(403, code, message);
  }
}
export class NotFound extends AppError {
  constructor(what = 'Resource') {
    super(404, 'NOT_FOUND', `${what} not found.`);
  }
}
export class Conflict extends AppError {
  constructor(message: string) {
    super(409, 'CONFLICT', message);
  }
}
export class Unprocessable extends AppError {
  constructor(message: string) {
    super(422, 'UNPROCESSABLE', message);
  }
}
export class TooManyRequests extends AppError {
  constructor(message: string, retryAfterSeconds: number, code: ErrorCode = 'RATE_LIMITED') {
    super(429, code, message, undefined, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

/** The database, a cache or a provider cannot answer now; the caller may try again after `retryAfterSeconds`. */
export class ServiceUnavailable extends AppError {
  constructor(message = 'The service is busy. Try again in a moment.', retryAfterSeconds = 1) {
    super(503, 'SERVICE_UNAVAILABLE', message, undefined, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}
