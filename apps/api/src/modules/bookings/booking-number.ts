import crypto from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so a number read out over the phone is not misheard. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A random booking number like WD-7K3M-9Q2P (40 random bits; the unique index catches the rare repeat). */
export function newBookingNumber(): string {
  const bytes = crypto.randomBytes(8);
  const chars = [...bytes].map((b) => ALPHABET[b & 31]).join('');
  return `WD-${chars.slice(0, 4)}-${chars.slice(4, 8)}`;
}

export { BOOKING_NUMBER_PATTERN } from '@walkydoggy/shared';
