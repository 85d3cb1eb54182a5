import { z } from 'zod';
import { calendarDateSchema, instantSchema } from './input.js';
import { emailSchema } from './auth.js';
import { PASSWORD_MAX_LENGTH } from './password.js';
import { catalogClockTimeSchema, catalogMediaSchema, catalogWeekdaySchema, weeklyWindowsSchema } from './businesses.js';

export const WORKER_INVITATION_DAYS = 7;

// ───────────────────────── invitations ─────────────────────────

export const inviteWorkerBodySchema = z.object({ email: emailSchema });

export const workerInvitationSchema = z.object({ invitationId: z.string(), email: z.string(), expiresAt: z.string() });
export type WorkerInvitation = z.infer<typeof workerInvitationSchema>;

/** What the invitation page shows before the invitee decides. */
export const workerInvitationInfoSchema = z.object({ businessName: z.string(), email: z.string(), accountExists: z.boolean(), expiresAt: z.string() });

const invitationToken = z.string().trim().min(20, 'The link is incomplete.').max(200);
export const workerInvitationTokenParamsSchema = z.object({ token: invitationToken });

const personName = (label: string) => z.string().trim().min(1, `${label} is required.`).max(80);
/**
 * Names and password are needed only when no account exists for the invited address (the API then
 * checks them, with the password rules for that address).
 */
export const acceptWorkerInvitationBodySchema = z.object({
  token: invitationToken,
  firstName: personName('First name').optional(),
  lastName: personName('Last name').optional(),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH).optional(),
});
export type AcceptWorkerInvitationBody = z.infer<typeof acceptWorkerInvitationBodySchema>;

// ───────────────────────── profile and availability ─────────────────────────

const certificationSchema = z.object({
  name: z.string().trim().min(1, 'Name is required.').max(120),
  issuer: z.string().trim().max(120).nullable().optional(),
  expiresOn: calendarDateSchema.nullable().optional(),
});

export const updateWorkerBodySchema = z
  .object({
    bio: z
      .string()
      .trim()
      .max(2000)
      .transform((s) => (s === '' ? null : s))
      .nullable(),
    experienceYears: z.number().int().min(0).max(80).nullable(),
    specializations: z.array(z.string().trim().min(1).max(60)).max(20),
    certifications: z.array(certificationSchema).max(30),
    photoMediaId: z.uuid().nullable(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change.' });
export type UpdateWorkerBody = z.infer<typeof updateWorkerBodySchema>;

export const weeklyAvailabilitySchema = weeklyWindowsSchema(
  z.object({ day: catalogWeekdaySchema, start: catalogClockTimeSchema, end: catalogClockTimeSchema }),
  'start',
  'end',
);

const instant = instantSchema;
export const timeOffInputSchema = z
  .object({ startsAt: instant, endsAt: instant, reason: z.string().trim().max(300).nullable().optional() })
  .refine((v) => Date.parse(v.endsAt) > Date.parse(v.startsAt), { message: 'Time off must end after it starts.', path: ['endsAt'] });

/** Replaces the weekly availability and the list of time off. */
export const workerAvailabilityBodySchema = z.object({
  weeklyAvailability: weeklyAvailabilitySchema,
  timeOff: z.array(timeOffInputSchema).max(200).default([]),
});
export type WorkerAvailabilityBody = z.infer<typeof workerAvailabilityBodySchema>;

// ───────────────────────── responses ─────────────────────────

export const workerSchema = z.object({
  id: z.string(),
  userId: z.string(),
  businessId: z.string(),
  /** The name of the worker's business, also while it is not yet public (its own worker sees it on their page). */
  businessName: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  bio: z.string().nullable(),
  experienceYears: z.number().int().nullable(),
  specializations: z.array(z.string()),
  certifications: z.array(z.object({ name: z.string(), issuer: z.string().nullable(), expiresOn: z.string().nullable() })),
  photo: catalogMediaSchema.nullable(),
  weeklyAvailability: z.array(z.object({ day: z.number().int(), start: z.string(), end: z.string() })),
  /** Only for the worker, the business owner and admins. */
  timeOff: z.array(z.object({ id: z.string(), startsAt: z.string(), endsAt: z.string(), reason: z.string().nullable() })).optional(),
  status: z.enum(['active', 'removed']),
  serviceIds: z.array(z.string()),
});
export type Worker = z.infer<typeof workerSchema>;

export const pendingWorkerInvitationSchema = z.object({ id: z.string(), email: z.string(), expiresAt: z.string(), createdAt: z.string() });
