import { sqlStateOf } from './db.js';
import { AppError, BadRequest, Conflict, ServiceUnavailable, Unprocessable } from './errors.js';

/*
 * What a database error means for the caller, decided in one place for every route (the error
 * handler calls this for anything that is not already an AppError). A constraint or a data error is
 * the request's fault: it was refused and nothing was written (the transaction rolled back whole), so
 * it is a 4xx; modules still map the constraints they expect (a taken slot) to their own messages
 * first. A timeout, a lost connection or a transaction that lost a deadlock after its retries is the
 * server's state: 503 with Retry-After.
 */

const DATA_EXCEPTION = /^22/;
const CONNECTION = /^(08|53|57P0)/;

/** The AppError for a database error, or null when `err` is not one (or means a bug: a 500). */
export function databaseErrorToHttp(err: unknown): AppError | null {
  const state = sqlStateOf(err);
  if (!state) return connectionLost(err) ? new ServiceUnavailable('A service we depend on is not reachable right now. Try again in a moment.', 2) : null;
  const message = messageOf(err);
  switch (state) {
    case '23503':
      // "update or delete on table … violates" (a row still referenced) vs "insert or update on table …" (pointing nowhere).
      return /^update or delete on table/.test(message)
        ? new Conflict('This is still in use by other records.')
        : new Unprocessable('Something this request refers to does not exist.');
    case '23505':
      return new Conflict('This already exists.');
    case '23P01':
      return new Conflict('This clashes with something already booked.');
    case '23502':
    case '23514':
      return new Unprocessable('A value is missing or out of range.');
    case '54000':
    case '54001':
      return new BadRequest('A value is too long or too complex.');
    case '57014':
      return new ServiceUnavailable('This request took too long. Try again, or ask for less at once.', 5);
    case '40001':
    case '40P01':
      return new ServiceUnavailable('Many people are changing this at once. Try again in a moment.', 1);
  }
  if (DATA_EXCEPTION.test(state)) return new BadRequest('A value is malformed or out of range.');
  if (CONNECTION.test(state)) return new ServiceUnavailable('The database is not reachable right now. Try again in a moment.', 2);
  return null;
}

function messageOf(err: unknown): string {
  for (let e = err as { message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++)
    if (typeof e.message === 'string' && /violates/.test(e.message)) return e.message;
  return String((err as { message?: unknown })?.message ?? '');
}

/** node-postgres and the network: no SQLSTATE, but the database could not be asked at all. */
function connectionLost(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(e.code)) return true;
    if (typeof e.message === 'string' && /timeout exceeded when trying to connect|Connection terminated|connection timeout/i.test(e.message)) return true;
  }
  return false;
}
