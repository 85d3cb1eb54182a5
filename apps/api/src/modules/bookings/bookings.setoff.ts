import { setOffTimeText, startWindowText, whenCanSetOff } from '@walkydoggy/shared';
import { AppError } from '../../platform/errors.js';

/*
 * The API's side of the one rule for "On my way" and "Start" (`whenCanSetOff` in packages/shared,
 * which the worker's buttons use too): before the business's start window opens, both answer 409
 * saying from when, with the instant in `details` (path `allowedFrom`, message the ISO time).
 */

export class TooEarlyToSetOff extends AppError {
  constructor(message: string, allowedFrom: Date) {
    super(409, 'CONFLICT', message, [{ path: 'allowedFrom', message: allowedFrom.toISOString(), code: 'too_early' }]);
  }
}

type SetOffRow = { startsAt: Date; businessTimeZone: string; businessStartWindowMinutes: number };

/** Throws 409 unless the booking's worker may set off (`setOff`) or start it now. */
export function assertCanSetOff(row: SetOffRow, now: Date, action: 'set off' | 'start'): void {
  const { allowed, from } = whenCanSetOff(row, { startWindowMinutes: row.businessStartWindowMinutes }, now);
  if (allowed) return;
  const when = `${setOffTimeText(from, row.businessTimeZone, now)} (${row.businessTimeZone})`;
  throw new TooEarlyToSetOff(`Too early: you can ${action} from ${when}, ${startWindowText(row.businessStartWindowMinutes)}.`, from);
}
