import { z } from 'zod';
import { calendarDateSchema } from './input.js';
import { emailSchema, phoneSchema } from './auth.js';
import { mediaSchema } from './media.js';

export const SPECIES = ['dog', 'cat', 'other'] as const;
export const PET_SEXES = ['male', 'female', 'unknown'] as const;
export const ENERGY_LEVELS = ['low', 'medium', 'high'] as const;
export const PET_STATUSES = ['active', 'deceased', 'rehomed'] as const;
export type PetStatus = (typeof PET_STATUSES)[number];

export const MAX_PET_PHOTOS = 20;
export const PET_INVITATION_DAYS = 7;

/** Optional free text: trimmed, and an empty string means "none". */
const optionalText = (max: number) =>
  z
    .union([z.string().trim().max(max, `At most ${max} characters.`), z.null()])
    .optional()
    .transform((v) => (v === '' ? null : v));
/** A text inside a nested object (medication, vet): trimmed, empty when not given. */
const subText = (max: number) =>
  z
    .union([z.string().trim().max(max, `At most ${max} characters.`), z.null()])
    .optional()
    .transform((v) => v ?? '');
const isoDate = calendarDateSchema;

export const emergencyContactSchema = z.object({
  name: z.string().trim().min(1, 'Name is required.').max(120),
  phone: phoneSchema,
  relation: subText(80),
});
export const vetSchema = z
  .object({
    name: subText(120),
    clinic: subText(120),
    phone: z
      .union([phoneSchema, z.literal(''), z.null()])
      .optional()
      .transform((v) => v ?? ''),
    address: subText(300),
  })
  .refine((v) => Boolean(v.name || v.clinic || v.phone || v.address), { message: 'Give at least the vet’s name, clinic or phone, or send null.' });
export const medicationSchema = z.object({
  name: z.string().trim().min(1, 'Name is required.').max(120),
  dose: subText(120),
  schedule: subText(200),
  notes: subText(500),
});

/** Every editable pet field, all optional (PUT sends only what changes). */
const petFields = {
  name: z.string().trim().min(1, 'Name is required.').max(80),
  species: z.enum(SPECIES),
  breed: optionalText(80),
  birthDate: z.union([isoDate, z.null()]).optional(),
  /** With a birth date: the owner is not sure of it (shown as "about"). An age always gives an estimated date. */
  birthDateEstimated: z.boolean().optional(),
  /** Instead of a birth date: the date is then estimated from today. */
  ageYears: z.union([z.number().min(0).max(40), z.null()]).optional(),
  weightKg: z.union([z.number().positive('Must be more than 0.').max(150), z.null()]).optional(),
  sex: z.enum(PET_SEXES).optional(),
  neutered: z.union([z.boolean(), z.null()]).optional(),
  microchipId: optionalText(40),
  temperament: optionalText(500),
  goodWithKids: z.union([z.boolean(), z.null()]).optional(),
  goodWithPets: z.union([z.boolean(), z.null()]).optional(),
  energyLevel: z.union([z.enum(ENERGY_LEVELS), z.null()]).optional(),
  feedingNotes: optionalText(2000),
  careNotes: optionalText(2000),
  emergencyContact: emergencyContactSchema.nullable().optional(),
  vet: vetSchema.nullable().optional(),
  allergies: z.array(z.string().trim().min(1).max(100)).max(30).optional(),
  medications: z.array(medicationSchema).max(30).optional(),
  specialNeeds: optionalText(2000),
  status: z.enum(PET_STATUSES).optional(),
};

function birthDateOrAge<T extends z.ZodType<{ birthDate?: string | null; ageYears?: number | null }>>(schema: T) {
  return schema.superRefine((v, ctx) => {
    if (v.birthDate != null && v.ageYears != null)
      ctx.addIssue({ code: 'custom', path: ['ageYears'], message: 'Give either a birth date or an age, not both.' });
  });
}

export const createPetBodySchema = birthDateOrAge(z.object({ ...petFields, name: petFields.name, species: petFields.species }));
export type CreatePetBody = z.input<typeof createPetBodySchema>;
export type CreatePetInput = z.output<typeof createPetBodySchema>;

export const updatePetBodySchema = birthDateOrAge(
  z
    .object({ ...petFields, name: petFields.name.optional(), species: petFields.species.optional() })
    .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'Send at least one field to change.' }),
);
export type UpdatePetBody = z.input<typeof updatePetBodySchema>;
export type UpdatePetInput = z.output<typeof updatePetBodySchema>;

export const listPetsQuerySchema = z.object({
  status: z.enum(PET_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const petPhotoSchema = z.object({ id: z.uuid(), mediaId: z.uuid(), url: z.string(), thumbnailUrl: z.string().nullable() });
export type PetPhoto = z.infer<typeof petPhotoSchema>;

export const vaccinationSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  administeredOn: z.string(),
  expiresOn: z.string().nullable(),
  /** Not expired today (no expiry date counts as valid). */
  valid: z.boolean(),
  document: mediaSchema.nullable(),
});
export type Vaccination = z.infer<typeof vaccinationSchema>;

export const coOwnerSchema = z.object({ userId: z.uuid(), firstName: z.string(), lastName: z.string(), email: z.string() });
export const petInvitationSchema = z.object({ id: z.uuid(), email: z.string(), expiresAt: z.string() });

export const petSchema = z.object({
  id: z.uuid(),
  ownerId: z.uuid(),
  name: z.string(),
  species: z.enum(SPECIES),
  breed: z.string().nullable(),
  birthDate: z.string().nullable(),
  birthDateEstimated: z.boolean(),
  ageYears: z.number().nullable(),
  weightKg: z.number().nullable(),
  sex: z.enum(PET_SEXES),
  neutered: z.boolean().nullable(),
  microchipId: z.string().nullable(),
  temperament: z.string().nullable(),
  goodWithKids: z.boolean().nullable(),
  goodWithPets: z.boolean().nullable(),
  energyLevel: z.enum(ENERGY_LEVELS).nullable(),
  feedingNotes: z.string().nullable(),
  careNotes: z.string().nullable(),
  emergencyContact: z.object({ name: z.string(), phone: z.string(), relation: z.string() }).nullable(),
  vet: z.object({ name: z.string(), clinic: z.string(), phone: z.string(), address: z.string() }).nullable(),
  allergies: z.array(z.string()),
  medications: z.array(z.object({ name: z.string(), dose: z.string(), schedule: z.string(), notes: z.string() })),
  specialNeeds: z.string().nullable(),
  status: z.enum(PET_STATUSES),
  photos: z.array(petPhotoSchema),
  vaccinations: z.array(vaccinationSchema),
  coOwners: z.array(coOwnerSchema),
  /** Only for the primary owner. */
  pendingInvitations: z.array(petInvitationSchema).optional(),
  isPrimaryOwner: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Pet = z.infer<typeof petSchema>;

export const petIdParamsSchema = z.object({ id: z.uuid({ message: 'Not a valid id.' }) });

export const inviteCoOwnerBodySchema = z.object({ email: emailSchema });
export const petInvitationCreatedSchema = z.object({ invitationId: z.uuid(), email: z.string(), expiresAt: z.string() });
export const acceptPetInvitationBodySchema = z.object({ token: z.string().trim().min(20, 'The link is incomplete.').max(200) });

const vaccinationFields = {
  name: z.string().trim().min(1, 'Name is required.').max(120),
  administeredOn: isoDate,
  expiresOn: z.union([isoDate, z.null()]).optional(),
  documentMediaId: z.union([z.uuid({ message: 'Not a valid id.' }), z.null()]).optional(),
};
function expiryAfterAdministration<T extends z.ZodType<{ administeredOn?: string; expiresOn?: string | null }>>(schema: T) {
  return schema.superRefine((v, ctx) => {
    if (v.administeredOn && v.expiresOn && v.expiresOn < v.administeredOn)
      ctx.addIssue({ code: 'custom', path: ['expiresOn'], message: 'The expiry date cannot be before the vaccination date.' });
  });
}
export const createVaccinationBodySchema = expiryAfterAdministration(z.object(vaccinationFields));
export type CreateVaccinationInput = z.output<typeof createVaccinationBodySchema>;
export const updateVaccinationBodySchema = expiryAfterAdministration(
  z
    .object({ ...vaccinationFields, name: vaccinationFields.name.optional(), administeredOn: vaccinationFields.administeredOn.optional() })
    .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'Send at least one field to change.' }),
);
export type UpdateVaccinationInput = z.output<typeof updateVaccinationBodySchema>;

export const addPetPhotoBodySchema = z.object({ mediaId: z.uuid({ message: 'Not a valid id.' }) });
