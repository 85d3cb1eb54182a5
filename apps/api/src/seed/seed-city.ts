import crypto from 'node:crypto';
import { inArray, sql, type SQL } from 'drizzle-orm';
import { users } from '@walkydoggy/shared/db';
import type { Db, Executor } from '../platform/db.js';
import type { Storage } from '../platform/storage.js';
import { createPasswordHasher } from '../platform/passwords.js';
import { CITIES, findCity, type City } from './cities.js';
import { createRng, type Rng } from './rng.js';
import { processImage } from '../modules/media/media.images.js';
import { renderPersonPicture } from './illustrations.js';
import { renderBusinessPhoto } from './photos.js';
import { FIRST_NAMES, LAST_NAMES, NAME_STEMS, SERVICE_CATALOG, STREETS, type ServiceType } from './vocabulary.js';

/** Demo data only: the one password of every seeded account, printed on the console. There is never a demo admin: admins come from `npm run admin:create`. */
export const DEMO_PASSWORD = 'walkydoggy-demo';
export const DEMO_ACCOUNTS = {
  petOwner: 'owner@demo.walkydoggy.test',
  business: 'business@demo.walkydoggy.test',
  worker: 'worker@demo.walkydoggy.test',
} as const;

export type SeedOptions = {
  city: City | string;
  businesses: number;
  workersPerBusiness?: number;
  /** Same seed, same city (names, places, prices); ids and e-mails are new on every run. */
  seed?: number;
  /** Share of businesses with a service-area polygon (the rest are found by radius). */
  areaShare?: number;
  /** Shares of verification states; the remainder is suspended. */
  verifiedShare?: number;
  pendingShare?: number;
  /** Cover photos and worker portraits rendered with sharp and stored; only worth it for a small demo. */
  photos?: boolean;
  /** Also create the fixed demo sign-ins (those that do not exist yet). */
  demoAccounts?: boolean;
  password?: string;
  /** argon2id cost for the one password hash; defaults to the production cost. */
  passwordHashing?: { memoryCost: number; timeCost: number };
  batchSize?: number;
};

export type SeedResult = {
  city: City;
  businessIds: string[];
  counts: {
    owners: number;
    businesses: number;
    verified: number;
    pending: number;
    suspended: number;
    withArea: number;
    services: number;
    workers: number;
    serviceWorkers: number;
    photos: number;
    portraits: number;
  };
  /** Why no photos were stored, when they were asked for. */
  photoProblem: string | null;
  demo: { password: string; accounts: { email: string; role: string }[] };
  ms: number;
};

type Row = Record<string, unknown>;

/** Multi-row inserts: one JSON parameter per batch, expanded with jsonb_to_recordset (works on PGlite and pg alike). */
async function insertBatches(exec: Executor, rows: Row[], size: number, statement: (json: string) => SQL) {
  for (let i = 0; i < rows.length; i += size) await exec.execute(statement(JSON.stringify(rows.slice(i, i + size))));
}

const insertUsers = (json: string) => sql`insert into users (id, email, password_hash, role, first_name, last_name, phone, email_verified_at)
  select x.id, x.email, x.password_hash, x.role, x.first_name, x.last_name, x.phone, now()
  from jsonb_to_recordset(${json}::jsonb) as x(id uuid, email text, password_hash text, role text, first_name text, last_name text, phone text)`;

const insertMedia = (
  json: string,
) => sql`insert into media (id, owner_id, purpose, kind, mime_type, size_bytes, storage_key, thumbnail_key, width, height, sha256)
  select x.id, x.owner_id, x.purpose, 'image', x.mime_type, x.size_bytes, x.storage_key, x.thumbnail_key, x.width, x.height, x.sha256
  from jsonb_to_recordset(${json}::jsonb) as x(id uuid, owner_id uuid, purpose text, mime_type text, size_bytes int, storage_key text,
    thumbnail_key text, width int, height int, sha256 text)`;

const PORTRAIT_VARIANTS = 12;

/** Pictures of people: the worker profile photo and the person's own avatar (set after the rows exist). */
const setWorkerPhotos = (json: string) => sql`update workers w set photo_media_id = x.media_id
  from jsonb_to_recordset(${json}::jsonb) as x(worker_id uuid, media_id uuid) where w.id = x.worker_id`;
const setAvatars = (json: string) => sql`update users u set avatar_media_id = x.media_id
  from jsonb_to_recordset(${json}::jsonb) as x(user_id uuid, media_id uuid) where u.id = x.user_id`;

// The service area is a circle-ish polygon around the address, built by PostGIS in metres.
const insertBusinesses = (json: string) => sql`insert into businesses (id, owner_id, name, description, type, contact_email, contact_phone, website,
    address, location, service_area, time_zone, operating_hours, verification_status, active, premium, rating_avg, review_count, cover_media_id)
  select x.id, x.owner_id, x.name, x.description, x.type, x.contact_email, x.contact_phone, x.website, x.address,
    ST_SetSRID(ST_MakePoint(x.lng, x.lat), 4326)::geography,
    case when x.area_m is null then null
      else ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(x.lng, x.lat), 4326)::geography, x.area_m)::geometry)::geography end,
    x.time_zone, x.operating_hours, x.verification_status, true, x.premium, x.rating_avg, x.review_count, x.cover_media_id
  from jsonb_to_recordset(${json}::jsonb) as x(id uuid, owner_id uuid, name text, description text, type text, contact_email text,
    contact_phone text, website text, address jsonb, lat float8, lng float8, area_m float8, time_zone text, operating_hours jsonb,
    verification_status text, premium boolean, rating_avg real, review_count int, cover_media_id uuid)`;

const insertServices = (json: string) => sql`insert into services (id, business_id, name, type, description, price_minor, currency, price_type,
    additional_pet_price_minor, duration_minutes, pet_types, max_pets, cancellation_policy)
  select x.id, x.business_id, x.name, x.type, x.description, x.price_minor, x.currency, x.price_type, x.additional_pet_price_minor,
    x.duration_minutes, x.pet_types, x.max_pets, x.cancellation_policy
  from jsonb_to_recordset(${json}::jsonb) as x(id uuid, business_id uuid, name text, type text, description text, price_minor int,
    currency text, price_type text, additional_pet_price_minor int, duration_minutes int, pet_types jsonb, max_pets int, cancellation_policy text)`;

const insertWorkers = (json: string) => sql`insert into workers (id, user_id, business_id, bio, experience_years, specializations, weekly_availability)
  select x.id, x.user_id, x.business_id, x.bio, x.experience_years, x.specializations, x.weekly_availability
  from jsonb_to_recordset(${json}::jsonb) as x(id uuid, user_id uuid, business_id uuid, bio text, experience_years int,
    specializations jsonb, weekly_availability jsonb)`;

const insertServiceWorkers = (json: string) => sql`insert into service_workers (service_id, worker_id)
  select x.service_id, x.worker_id from jsonb_to_recordset(${json}::jsonb) as x(service_id uuid, worker_id uuid)`;

/** A point uniformly spread over a disc of `km` around the centre. */
function pointNear(rng: Rng, city: City, km: number) {
  const r = km * Math.sqrt(rng.next());
  const theta = rng.next() * 2 * Math.PI;
  const lat = city.lat + (r * Math.cos(theta)) / 111.32;
  const lng = city.lng + (r * Math.sin(theta)) / (111.32 * Math.cos((city.lat * Math.PI) / 180));
  return { lat: Number(lat.toFixed(6)), lng: Number(lng.toFixed(6)) };
}

function operatingHours(rng: Rng) {
  const open = rng.pick(['07:00', '07:30', '08:00', '09:00']);
  const close = rng.pick(['17:00', '18:00', '19:00', '20:00']);
  const hours = [1, 2, 3, 4, 5].map((day) => ({ day, open, close }));
  if (rng.chance(0.7)) hours.push({ day: 6, open: '09:00', close: '17:00' });
  if (rng.chance(0.3)) hours.push({ day: 0, open: '10:00', close: '16:00' });
  return hours;
}

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');

/**
 * Seeds one city: business owners, businesses around its centre (most with a service area), their
 * services, workers and opening hours; optionally cover photos and the demo sign-ins. Everything
 * is written in one transaction with multi-row inserts, so 10,000 businesses take seconds.
 */
export async function seedCity(db: Db, storage: Storage | null, opts: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const city = typeof opts.city === 'string' ? findCity(opts.city) : opts.city;
  if (!city) throw new Error(`Unknown city "${String(opts.city)}"; known: ${CITIES.map((c) => c.name).join(', ')}`);
  const rng = createRng(opts.seed ?? 42);
  const batch = opts.batchSize ?? 2000;
  const workersPerBusiness = opts.workersPerBusiness ?? 2;
  const areaShare = opts.areaShare ?? 0.7;
  const verifiedShare = opts.verifiedShare ?? 0.9;
  const pendingShare = opts.pendingShare ?? 0.07;
  const password = opts.password ?? DEMO_PASSWORD;
  const passwordHash = await createPasswordHasher(opts.passwordHashing ?? { memoryCost: 19_456, timeCost: 2 }).hash(password);
  // E-mails must be unique across runs: a short tag per run keeps a second seed of the same city apart.
  const run = crypto.randomBytes(3).toString('hex');
  const domain = `${city.key}.seed.walkydoggy.test`;
  const phone = () => `+${rng.int(10, 99)} ${rng.int(100, 999)} ${rng.int(100, 999)} ${rng.int(1000, 9999)}`;

  const demoAccounts: { email: string; role: string }[] = [];
  const userRows: Row[] = [];
  const person = () => ({ first_name: rng.pick(FIRST_NAMES), last_name: rng.pick(LAST_NAMES) });
  let demoBusinessOwner: string | null = null;
  let demoWorkerUser: string | null = null;
  if (opts.demoAccounts) {
    const existing = new Set(
      (
        await db
          .select({ email: users.email })
          .from(users)
          .where(inArray(users.email, Object.values(DEMO_ACCOUNTS)))
      ).map((u) => u.email.toLowerCase()),
    );
    const demo = (email: string, role: string, first: string, last: string) => {
      if (existing.has(email)) return null;
      const id = crypto.randomUUID();
      userRows.push({ id, email, password_hash: passwordHash, role, first_name: first, last_name: last, phone: null });
      demoAccounts.push({ email, role });
      return id;
    };
    demo(DEMO_ACCOUNTS.petOwner, 'pet_owner', 'Olivia', 'Owner');
    demoBusinessOwner = demo(DEMO_ACCOUNTS.business, 'business', 'Bea', 'Business');
    demoWorkerUser = demo(DEMO_ACCOUNTS.worker, 'worker', 'Will', 'Worker');
  }

  const businessRows: Row[] = [];
  const serviceRows: Row[] = [];
  const servicesOf: string[][] = [];
  const counts = {
    owners: 0,
    businesses: 0,
    verified: 0,
    pending: 0,
    suspended: 0,
    withArea: 0,
    services: 0,
    workers: 0,
    serviceWorkers: 0,
    photos: 0,
    portraits: 0,
  };
  for (let i = 0; i < opts.businesses; i++) {
    const owner = person();
    const ownerId = i === 0 && demoBusinessOwner ? demoBusinessOwner : crypto.randomUUID();
    if (ownerId !== demoBusinessOwner) {
      userRows.push({ id: ownerId, email: `owner-${run}-${i}@${domain}`, password_hash: passwordHash, role: 'business', phone: phone(), ...owner });
      counts.owners++;
    }
    const types = new Set<ServiceType>(rng.chance(0.8) ? ['walking'] : []);
    const extra = rng.int(types.size ? 0 : 1, 3);
    for (const t of rng.sample(Object.keys(SERVICE_CATALOG) as ServiceType[], extra)) types.add(t);
    const primary = [...types][0]!;
    const individual = rng.chance(0.4);
    const name = individual
      ? `${owner.first_name}'s ${rng.pick(SERVICE_CATALOG[primary].suffixes)}`
      : `${rng.pick(NAME_STEMS)} ${rng.chance(0.3) ? `${rng.pick(city.districts)} ` : ''}${rng.pick(SERVICE_CATALOG[primary].suffixes)}`;
    const isDemo = ownerId === demoBusinessOwner;
    const picked = rng.pick(city.districts);
    const spread = pointNear(rng, city, city.spreadKm);
    // The demo business sits in the city's demo district (London: Fulham), so the README's first search finds it.
    const district = isDemo ? city.demo.district : picked;
    const at = isDemo ? { lat: city.demo.lat, lng: city.demo.lng } : spread;
    const roll = rng.next();
    // The demo business is always listed, whatever the seed.
    const status =
      ownerId === demoBusinessOwner ? 'verified' : roll < verifiedShare ? 'verified' : roll < verifiedShare + pendingShare ? 'pending' : 'suspended';
    counts[status]++;
    const hasArea = rng.chance(areaShare);
    if (hasArea) counts.withArea++;
    const id = crypto.randomUUID();
    businessRows.push({
      id,
      owner_id: ownerId,
      name,
      description: `${individual ? 'Independent' : 'Friendly, insured'} pet care in ${district}: ${[...types].map((t) => SERVICE_CATALOG[t].label).join(', ')}.`,
      type: individual ? 'individual' : 'company',
      contact_email: `hello-${run}-${i}@${domain}`,
      contact_phone: phone(),
      website: individual ? null : `https://${slug(name)}.example`,
      address: {
        street: `${rng.int(1, 240)} ${rng.pick(STREETS)}`,
        city: city.name,
        region: district,
        postalCode: `${city.postalPrefix}${rng.int(1, 99)}`,
        country: city.country,
      },
      lat: at.lat,
      lng: at.lng,
      area_m: hasArea ? rng.int(2000, 8000) : null,
      time_zone: city.timeZone,
      operating_hours: operatingHours(rng),
      verification_status: status,
      premium: rng.chance(0.1),
      // No invented ratings: they come from real reviews (issue 12).
      rating_avg: null,
      review_count: 0,
      cover_media_id: null,
    });
    const ids: string[] = [];
    for (const type of types) {
      const entry = SERVICE_CATALOG[type];
      const major = entry.price[0] + rng.next() * (entry.price[1] - entry.price[0]);
      const priceMinor = Math.round((major * city.priceLevel * 100) / 50) * 50;
      const serviceId = crypto.randomUUID();
      ids.push(serviceId);
      serviceRows.push({
        id: serviceId,
        business_id: id,
        name: rng.pick(entry.names),
        type,
        description: entry.description,
        price_minor: priceMinor,
        currency: city.currency,
        price_type: entry.priceType,
        additional_pet_price_minor: Math.round(priceMinor * 0.4),
        duration_minutes: entry.durations ? rng.pick(entry.durations) : null,
        pet_types: rng.pick(entry.petTypes),
        max_pets: rng.int(1, entry.maxPets),
        cancellation_policy: rng.pick(['flexible', 'moderate', 'strict']),
      });
    }
    servicesOf.push(ids);
  }
  counts.businesses = businessRows.length;
  counts.services = serviceRows.length;

  const workerRows: Row[] = [];
  const serviceWorkerRows: Row[] = [];
  for (let b = 0; b < businessRows.length; b++) {
    for (let w = 0; w < workersPerBusiness; w++) {
      const userId = b === 0 && w === 0 && demoWorkerUser ? demoWorkerUser : crypto.randomUUID();
      if (userId !== demoWorkerUser)
        userRows.push({ id: userId, email: `worker-${run}-${b}-${w}@${domain}`, password_hash: passwordHash, role: 'worker', phone: phone(), ...person() });
      const workerId = crypto.randomUUID();
      const specialisations = rng.sample(['puppies', 'senior dogs', 'reactive dogs', 'large breeds', 'cats', 'first aid', 'medication'], rng.int(0, 2));
      workerRows.push({
        id: workerId,
        user_id: userId,
        business_id: businessRows[b]!.id,
        bio: `Has looked after pets for ${rng.int(1, 15)} years.`,
        experience_years: rng.int(0, 15),
        specializations: specialisations,
        weekly_availability: [1, 2, 3, 4, 5].filter(() => rng.chance(0.8)).map((day) => ({ day, start: '08:00', end: rng.pick(['14:00', '17:00', '19:00']) })),
      });
      const own = servicesOf[b]!;
      for (const serviceId of rng.sample(own, Math.min(own.length, rng.int(1, 2)))) serviceWorkerRows.push({ service_id: serviceId, worker_id: workerId });
    }
  }
  counts.workers = workerRows.length;
  counts.serviceWorkers = serviceWorkerRows.length;

  // Photos go to storage before the transaction: a failed upload must not hold the database.
  const mediaRows: Row[] = [];
  const workerPhotoRows: Row[] = [];
  const avatarRows: Row[] = [];
  let photoProblem: string | null = null;
  if (opts.photos) {
    if (!storage) photoProblem = 'no storage was given';
    else {
      try {
        // A few at a time: sharp has its own thread pool, and a large city would otherwise hold every image at once.
        for (let from = 0; from < businessRows.length; from += 8)
          await Promise.all(
            businessRows.slice(from, from + 8).map(async (b, j) => {
              const i = from + j;
              const photo = await renderBusinessPhoto(String(b.name), i);
              const mediaId = crypto.randomUUID();
              const key = `media/${mediaId}.jpg`;
              const thumbnailKey = `media/${mediaId}-thumb.jpg`;
              await storage.put(key, photo.full, 'image/jpeg');
              await storage.put(thumbnailKey, photo.thumbnail, 'image/jpeg');
              mediaRows.push({
                id: mediaId,
                owner_id: b.owner_id,
                purpose: 'business_cover',
                mime_type: 'image/jpeg',
                size_bytes: photo.full.length,
                storage_key: key,
                thumbnail_key: thumbnailKey,
                width: photo.width,
                height: photo.height,
                sha256: photo.sha256,
              });
              b.cover_media_id = mediaId;
            }),
          );
        counts.photos = mediaRows.length;
        // Every worker gets a drawn portrait as profile photo and avatar; so does the demo business owner.
        const people: { userId: string; workerId: string | null }[] = workerRows.map((w) => ({ userId: String(w.user_id), workerId: String(w.id) }));
        if (demoBusinessOwner) people.push({ userId: demoBusinessOwner, workerId: null });
        // A few drawings, reused: rendering one per person would cost seconds in a large city.
        const drawings = new Map<number, Awaited<ReturnType<typeof processImage>>>();
        for (const [i, person] of people.entries()) {
          const variant = (i + (opts.seed ?? 42)) % PORTRAIT_VARIANTS;
          const picture = drawings.get(variant) ?? (await processImage(await renderPersonPicture(variant)));
          drawings.set(variant, picture);
          for (const purpose of person.workerId ? (['worker_photo', 'avatar'] as const) : (['avatar'] as const)) {
            const mediaId = crypto.randomUUID();
            const folder = purpose.replace(/_/g, '-');
            const key = `${folder}/${mediaId}.webp`;
            const thumbnailKey = `${folder}/${mediaId}-thumb.webp`;
            await storage.put(key, picture.body, picture.mimeType);
            await storage.put(thumbnailKey, picture.thumbnail, 'image/webp');
            mediaRows.push({
              id: mediaId,
              owner_id: person.userId,
              purpose,
              mime_type: picture.mimeType,
              size_bytes: picture.body.length,
              storage_key: key,
              thumbnail_key: thumbnailKey,
              width: picture.width,
              height: picture.height,
              sha256: crypto.createHash('sha256').update(picture.body).digest('hex'),
            });
            if (purpose === 'worker_photo') workerPhotoRows.push({ worker_id: person.workerId, media_id: mediaId });
            else avatarRows.push({ user_id: person.userId, media_id: mediaId });
          }
        }
        counts.portraits = people.length;
      } catch (err) {
        photoProblem = (err as Error).message;
        for (const b of businessRows) b.cover_media_id = null;
        mediaRows.length = 0;
        workerPhotoRows.length = 0;
        avatarRows.length = 0;
        counts.photos = counts.portraits = 0;
      }
    }
  }

  await db.transaction(async (tx) => {
    // PGlite is one connection: inside the transaction only `tx` may be used.
    await insertBatches(tx, userRows, batch, insertUsers);
    await insertBatches(tx, mediaRows, batch, insertMedia);
    await insertBatches(tx, businessRows, batch, insertBusinesses);
    await insertBatches(tx, serviceRows, batch, insertServices);
    await insertBatches(tx, workerRows, batch, insertWorkers);
    await insertBatches(tx, serviceWorkerRows, batch * 2, insertServiceWorkers);
    await insertBatches(tx, workerPhotoRows, batch, setWorkerPhotos);
    await insertBatches(tx, avatarRows, batch, setAvatars);
  });
  return {
    city,
    businessIds: businessRows.map((b) => String(b.id)),
    counts,
    photoProblem,
    demo: { password, accounts: demoAccounts },
    ms: Date.now() - started,
  };
}

/** The console lines that tell someone how to sign in to seeded data. */
export function describeSeed(result: SeedResult): string {
  const c = result.counts;
  const lines = [
    `Seeded ${c.businesses} businesses around ${result.city.name} (${c.verified} verified, ${c.pending} pending, ${c.suspended} suspended; ${c.withArea} with a service area), ` +
      `${c.services} services, ${c.workers} workers${c.photos ? `, ${c.photos} photos, ${c.portraits} portraits` : ''} in ${(result.ms / 1000).toFixed(1)} s.`,
  ];
  if (result.photoProblem) lines.push(`No photos: ${result.photoProblem}.`);
  if (result.demo.accounts.length) {
    lines.push('DEMO DATA ONLY. Demo sign-ins (not for real use):');
    for (const a of result.demo.accounts) lines.push(`  ${a.role.padEnd(9)} ${a.email}`);
  }
  lines.push(`Every seeded account (demo or generated) has the demo password: ${result.demo.password}`);
  return lines.join('\n');
}
