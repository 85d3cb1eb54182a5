import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgTable, primaryKey, real, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { citext, createdAt, geographyMultiPolygon, geographyPoint, tstz } from './columns.js';
import { users } from './accounts.js';

// ───────────────────────── media ─────────────────────────

/** An uploaded file (re-encoded image or checked PDF). Access is decided by what refers to it. */
export const media = pgTable(
  'media',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    purpose: text('purpose', {
      enum: [
        'pet_photo',
        'vaccination_document',
        'business_logo',
        'business_cover',
        'business_photo',
        'business_document',
        'worker_photo',
        'avatar',
        'booking_photo',
      ],
    }).notNull(),
    kind: text('kind', { enum: ['image', 'document'] }).notNull(),
    mimeType: text('mime_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    storageKey: text('storage_key').notNull(),
    thumbnailKey: text('thumbnail_key'),
    width: integer('width'),
    height: integer('height'),
    sha256: text('sha256').notNull(),
    createdAt: createdAt(),
    deletedAt: tstz('deleted_at'),
  },
  (t) => [index('media_owner_idx').on(t.ownerId), uniqueIndex('media_storage_key_key').on(t.storageKey)],
);

// ───────────────────────── pets ─────────────────────────

export type EmergencyContact = { name: string; phone: string; relation?: string | null };
export type VetInfo = { name?: string | null; clinic?: string | null; phone?: string | null; address?: string | null };
export type Medication = { name: string; dose?: string | null; schedule?: string | null; notes?: string | null };

export const pets = pgTable(
  'pets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The primary owner: the only one who deletes the pet or manages co-owners. */
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    species: text('species', { enum: ['dog', 'cat', 'other'] }).notNull(),
    breed: text('breed'),
    birthDate: date('birth_date', { mode: 'string' }),
    /** True when the birth date was derived from an age the owner gave. */
    birthDateEstimated: boolean('birth_date_estimated').notNull().default(false),
    weightGrams: integer('weight_grams'),
    sex: text('sex', { enum: ['male', 'female', 'unknown'] })
      .notNull()
      .default('unknown'),
    neutered: boolean('neutered'),
    microchipId: text('microchip_id'),
    temperament: text('temperament'),
    goodWithKids: boolean('good_with_kids'),
    goodWithPets: boolean('good_with_pets'),
    energyLevel: text('energy_level', { enum: ['low', 'medium', 'high'] }),
    feedingNotes: text('feeding_notes'),
    careNotes: text('care_notes'),
    emergencyContact: jsonb('emergency_contact').$type<EmergencyContact | null>(),
    vet: jsonb('vet').$type<VetInfo | null>(),
    allergies: jsonb('allergies')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    medications: jsonb('medications')
      .$type<Medication[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    specialNeeds: text('special_needs'),
    status: text('status', { enum: ['active', 'deceased', 'rehomed'] })
      .notNull()
      .default('active'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    deletedAt: tstz('deleted_at'),
  },
  (t) => [index('pets_owner_idx').on(t.ownerId)],
);

export const petCoOwners = pgTable(
  'pet_co_owners',
  {
    petId: uuid('pet_id')
      .notNull()
      .references(() => pets.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    invitedBy: uuid('invited_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.petId, t.userId] }), index('pet_co_owners_user_idx').on(t.userId)],
);

/** A pending co-owner invitation, accepted with the e-mailed token by the account of that address. */
export const petInvitations = pgTable(
  'pet_invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    petId: uuid('pet_id')
      .notNull()
      .references(() => pets.id, { onDelete: 'cascade' }),
    email: citext('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by')
      .notNull()
      .references(() => users.id),
    expiresAt: tstz('expires_at').notNull(),
    acceptedAt: tstz('accepted_at'),
    acceptedBy: uuid('accepted_by').references(() => users.id),
    revokedAt: tstz('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('pet_invitations_token_key').on(t.tokenHash), index('pet_invitations_pet_idx').on(t.petId)],
);

export const petVaccinations = pgTable(
  'pet_vaccinations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    petId: uuid('pet_id')
      .notNull()
      .references(() => pets.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    administeredOn: date('administered_on', { mode: 'string' }).notNull(),
    expiresOn: date('expires_on', { mode: 'string' }),
    documentMediaId: uuid('document_media_id').references(() => media.id),
    createdAt: createdAt(),
  },
  (t) => [index('pet_vaccinations_pet_idx').on(t.petId)],
);

export const petPhotos = pgTable(
  'pet_photos',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    petId: uuid('pet_id')
      .notNull()
      .references(() => pets.id, { onDelete: 'cascade' }),
    mediaId: uuid('media_id')
      .notNull()
      .references(() => media.id),
    createdAt: createdAt(),
  },
  (t) => [index('pet_photos_pet_idx').on(t.petId)],
);

// ───────────────────────── businesses ─────────────────────────

export type Address = { street?: string | null; city?: string | null; region?: string | null; postalCode?: string | null; country?: string | null };
/** Opening hours of one weekday (0 = Sunday) in the business's time zone, "HH:MM" 24-hour. */
export type OperatingHours = { day: number; open: string; close: string };

export const businesses = pgTable(
  'businesses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    description: text('description'),
    type: text('type', { enum: ['individual', 'company'] }).notNull(),
    logoMediaId: uuid('logo_media_id').references(() => media.id),
    coverMediaId: uuid('cover_media_id').references(() => media.id),
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    website: text('website'),
    address: jsonb('address')
      .$type<Address>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    location: geographyPoint('location').notNull(),
    serviceArea: geographyMultiPolygon('service_area'),
    timeZone: text('time_zone').notNull(),
    operatingHours: jsonb('operating_hours')
      .$type<OperatingHours[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    closedDates: jsonb('closed_dates')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    verificationStatus: text('verification_status', { enum: ['pending', 'verified', 'suspended'] })
      .notNull()
      .default('pending'),
    active: boolean('active').notNull().default(true),
    premium: boolean('premium').notNull().default(false),
    /** Minutes a worker is kept free after each job to reach the next one. */
    travelBufferMinutes: integer('travel_buffer_minutes').notNull().default(15),
    /** Pets a day the business takes in for boarding and daycare together. */
    dailyCapacity: integer('daily_capacity').notNull().default(10),
    /** Hours a booking request waits for an answer before it expires (never past its start). */
    bookingExpiryHours: integer('booking_expiry_hours').notNull().default(24),
    /** Minutes before a booking's start from which its worker may set off ("On my way") and start it. */
    startWindowMinutes: integer('start_window_minutes').notNull().default(120),
    /** Maintained from reviews (a later module); null until the first review. */
    ratingAvg: real('rating_avg'),
    reviewCount: integer('review_count').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    deletedAt: tstz('deleted_at'),
  },
  (t) => [
    index('businesses_owner_idx').on(t.ownerId),
    index('businesses_location_gist').using('gist', t.location),
    index('businesses_service_area_gist').using('gist', t.serviceArea),
    check(
      'businesses_booking_settings_check',
      sql`${t.travelBufferMinutes} between 0 and 240 and ${t.dailyCapacity} between 0 and 1000 and ${t.bookingExpiryHours} between 1 and 168 and ${t.startWindowMinutes} between 0 and 1440`,
    ),
  ],
);

export const businessDocuments = pgTable(
  'business_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['certification', 'insurance'] }).notNull(),
    title: text('title').notNull(),
    issuer: text('issuer'),
    policyNumber: text('policy_number'),
    expiresOn: date('expires_on', { mode: 'string' }),
    mediaId: uuid('media_id').references(() => media.id),
    createdAt: createdAt(),
  },
  (t) => [index('business_documents_business_idx').on(t.businessId)],
);

export const businessPhotos = pgTable(
  'business_photos',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    mediaId: uuid('media_id')
      .notNull()
      .references(() => media.id),
    createdAt: createdAt(),
  },
  (t) => [index('business_photos_business_idx').on(t.businessId)],
);

/** A pet owner's favourite businesses (at most MAX_FAVOURITE_BUSINESSES each), shown on their home. */
export const favouriteBusinesses = pgTable(
  'favourite_businesses',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.businessId] }), index('favourite_businesses_business_idx').on(t.businessId)],
);

// ───────────────────────── workers ─────────────────────────

/** A weekly availability window of a worker, in the business's time zone. */
export type AvailabilityWindow = { day: number; start: string; end: string };
export type Certification = { name: string; issuer?: string | null; expiresOn?: string | null };

export const workers = pgTable(
  'workers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id),
    bio: text('bio'),
    experienceYears: integer('experience_years'),
    specializations: jsonb('specializations')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    certifications: jsonb('certifications')
      .$type<Certification[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    photoMediaId: uuid('photo_media_id').references(() => media.id),
    weeklyAvailability: jsonb('weekly_availability')
      .$type<AvailabilityWindow[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    status: text('status', { enum: ['active', 'removed'] })
      .notNull()
      .default('active'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    removedAt: tstz('removed_at'),
  },
  (t) => [
    // A person works for one business at a time.
    uniqueIndex('workers_active_user_key')
      .on(t.userId)
      .where(sql`status = 'active'`),
    index('workers_business_idx').on(t.businessId),
  ],
);

export const workerTimeOff = pgTable(
  'worker_time_off',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id, { onDelete: 'cascade' }),
    startsAt: tstz('starts_at').notNull(),
    endsAt: tstz('ends_at').notNull(),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [index('worker_time_off_worker_idx').on(t.workerId), check('worker_time_off_order_check', sql`${t.endsAt} > ${t.startsAt}`)],
);

export const workerInvitations = pgTable(
  'worker_invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    email: citext('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by')
      .notNull()
      .references(() => users.id),
    expiresAt: tstz('expires_at').notNull(),
    acceptedAt: tstz('accepted_at'),
    acceptedBy: uuid('accepted_by').references(() => users.id),
    revokedAt: tstz('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('worker_invitations_token_key').on(t.tokenHash), index('worker_invitations_business_idx').on(t.businessId)],
);

// ───────────────────────── services (the catalog) ─────────────────────────

export const services = pgTable(
  'services',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id),
    name: text('name').notNull(),
    type: text('type', { enum: ['walking', 'boarding', 'daycare', 'grooming', 'training', 'sitting', 'drop_in'] }).notNull(),
    description: text('description'),
    /** Price in minor units of `currency`. */
    priceMinor: integer('price_minor').notNull(),
    currency: text('currency').notNull(),
    priceType: text('price_type', { enum: ['per_hour', 'per_day', 'per_night', 'per_session', 'fixed'] }).notNull(),
    additionalPetPriceMinor: integer('additional_pet_price_minor').notNull().default(0),
    durationMinutes: integer('duration_minutes'),
    petTypes: jsonb('pet_types').$type<('dog' | 'cat' | 'other')[]>().notNull(),
    maxPets: integer('max_pets').notNull().default(1),
    requiredVaccinations: jsonb('required_vaccinations')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    cancellationPolicy: text('cancellation_policy', { enum: ['flexible', 'moderate', 'strict'] })
      .notNull()
      .default('moderate'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    deletedAt: tstz('deleted_at'),
  },
  (t) => [
    index('services_business_type_idx').on(t.businessId, t.type),
    check('services_price_check', sql`${t.priceMinor} >= 0 and ${t.additionalPetPriceMinor} >= 0`),
    check('services_max_pets_check', sql`${t.maxPets} between 1 and 20`),
  ],
);

export const serviceWorkers = pgTable(
  'service_workers',
  {
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    workerId: uuid('worker_id')
      .notNull()
      .references(() => workers.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.serviceId, t.workerId] }), index('service_workers_worker_idx').on(t.workerId)],
);
