import { z } from 'zod';

export const SERVICE_TYPES = ['walking', 'boarding', 'daycare', 'grooming', 'training', 'sitting', 'drop_in'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];
export const PRICE_TYPES = ['per_hour', 'per_day', 'per_night', 'per_session', 'fixed'] as const;
export type PriceType = (typeof PRICE_TYPES)[number];
export const SERVICE_PET_TYPES = ['dog', 'cat', 'other'] as const;

// ───────────────────────── cancellation policies ─────────────────────────

export const CANCELLATION_POLICY_NAMES = ['flexible', 'moderate', 'strict'] as const;
export type CancellationPolicy = (typeof CANCELLATION_POLICY_NAMES)[number];

/** A refund step: cancelling at least `minHoursBefore` hours before the start refunds `refundPercent`. */
export type RefundTier = { minHoursBefore: number; refundPercent: number };

/**
 * What a pet owner gets back when cancelling, by how long before the start they cancel. Tiers are
 * ordered from the earliest cancellation down; the first tier reached applies, and anything later
 * than the last tier (including after the start) refunds nothing.
 *
 * - flexible: full refund up to 24 h before the start, 50 % after that.
 * - moderate: the platform standard — full refund at least 24 h before, 50 % at least 12 h before, nothing in the last 12 h.
 * - strict: 50 % up to 7 days before, nothing after.
 */
export const CANCELLATION_POLICIES: Record<CancellationPolicy, { label: string; description: string; tiers: readonly RefundTier[] }> = {
  flexible: {
    label: 'Flexible',
    description: 'Full refund up to 24 hours before the start, 50% after that.',
    tiers: [
      { minHoursBefore: 24, refundPercent: 100 },
      { minHoursBefore: Number.NEGATIVE_INFINITY, refundPercent: 50 },
    ],
  },
  moderate: {
    label: 'Moderate',
    description: 'Full refund up to 24 hours before the start, 50% up to 12 hours before, none after that.',
    tiers: [
      { minHoursBefore: 24, refundPercent: 100 },
      { minHoursBefore: 12, refundPercent: 50 },
    ],
  },
  strict: {
    label: 'Strict',
    description: '50% refund up to 7 days before the start, none after that.',
    tiers: [{ minHoursBefore: 7 * 24, refundPercent: 50 }],
  },
};

/** Refund percentage (0–100) for cancelling `hoursBeforeStart` hours before the start (negative: after it began). */
export function refundPercent(policy: CancellationPolicy, hoursBeforeStart: number): number {
  if (Number.isNaN(hoursBeforeStart)) throw new RangeError('hoursBeforeStart must be a number');
  const tier = CANCELLATION_POLICIES[policy].tiers.find((t) => hoursBeforeStart >= t.minHoursBefore);
  return tier?.refundPercent ?? 0;
}

// ───────────────────────── requests ─────────────────────────

const serviceFields = {
  name: z.string().trim().min(2, 'Name is required.').max(120),
  type: z.enum(SERVICE_TYPES),
  description: z
    .string()
    .trim()
    .max(5000)
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional(),
  price: z.object({
    amountMinor: z.number().int('Prices are whole minor units (cents).').min(0).max(100_000_000),
    currency: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{3}$/, 'Use an ISO 4217 currency code like EUR.'),
  }),
  priceType: z.enum(PRICE_TYPES),
  additionalPetPriceMinor: z.number().int().min(0).max(100_000_000).optional(),
  durationMinutes: z
    .number()
    .int()
    .min(5)
    .max(60 * 24 * 60)
    .nullable()
    .optional(),
  petTypes: z
    .array(z.enum(SERVICE_PET_TYPES))
    .min(1, 'Choose at least one kind of pet.')
    .refine((a) => new Set(a).size === a.length, 'Each pet type once.'),
  maxPets: z.number().int().min(1).max(20).optional(),
  requiredVaccinations: z.array(z.string().trim().min(1).max(80)).max(30).optional(),
  cancellationPolicy: z.enum(CANCELLATION_POLICY_NAMES).optional(),
  active: z.boolean().optional(),
  /** Active workers of the same business who perform this service. */
  workerIds: z
    .array(z.uuid())
    .max(200)
    .refine((a) => new Set(a).size === a.length, 'Each worker once.')
    .optional(),
};

export const createServiceBodySchema = z.object(serviceFields);
export type CreateServiceBody = z.infer<typeof createServiceBodySchema>;
export const updateServiceBodySchema = z
  .object(serviceFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change.' });
export type UpdateServiceBody = z.infer<typeof updateServiceBodySchema>;

// ───────────────────────── responses ─────────────────────────

export const serviceSchema = z.object({
  id: z.string(),
  businessId: z.string(),
  name: z.string(),
  type: z.enum(SERVICE_TYPES),
  description: z.string().nullable(),
  price: z.object({ amountMinor: z.number().int(), currency: z.string() }),
  priceType: z.enum(PRICE_TYPES),
  additionalPetPriceMinor: z.number().int(),
  durationMinutes: z.number().int().nullable(),
  petTypes: z.array(z.enum(SERVICE_PET_TYPES)),
  maxPets: z.number().int(),
  requiredVaccinations: z.array(z.string()),
  cancellationPolicy: z.enum(CANCELLATION_POLICY_NAMES),
  active: z.boolean(),
  workerIds: z.array(z.string()),
});
export type Service = z.infer<typeof serviceSchema>;
