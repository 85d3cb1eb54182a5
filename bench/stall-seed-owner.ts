/**
 * The stall benchmark's heavy owner: a page of pets (100, the list's largest page) with every field
 * at its longest, 20 photos and 10 vaccinations each; a year of use behind the account (a session an
 * hour, ten audited actions a day, 10,000 notifications) for the export and the notification list;
 * a password hashed at the API's own cost for the sign-in. Their bookings are generated with the
 * business's year (stall-seed.ts): every 73rd walk, with 20 of the pets.
 */
import { sql } from 'drizzle-orm';
import { MAX_BOOKING_PETS, MAX_PET_PHOTOS } from '@walkydoggy/shared';
import { createPasswordHasher } from '../apps/api/src/platform/passwords.js';
import { rowsOf } from '../apps/api/src/platform/db.js';
import { benchApiConfig } from './support.js';
import { accessToken, chunks, type openSeedDatabase } from './seed-support.js';

export const PETS = 100;
export const VACCINATIONS_PER_PET = 10;
export const NOTIFICATIONS = 10_000;
/** A year of refreshed sessions, one an hour. */
export const SESSIONS = 365 * 24;
export const AUDITED_ACTIONS = 365 * 10;

type Seeded = Awaited<ReturnType<typeof openSeedDatabase>>;
type Db = Seeded['db'];
export type HeavyOwner = { id: string; email: string; password: string; token: string; petIds: string[]; bookingPetIds: string[] };

/** `sentence` repeated up to `max` characters. */
const fill = (max: number, sentence: string) =>
  sentence
    .repeat(Math.ceil(max / sentence.length))
    .slice(0, max)
    .trim();

export async function seedHeavyOwner(seeded: Seeded, index: number): Promise<HeavyOwner> {
  const { users, pets, media, petPhotos, petVaccinations } = await import('@walkydoggy/shared/db');
  const { db, person, tag } = seeded;
  const password = `bench-password-${tag}`;
  const config = await benchApiConfig('postgres://unused');
  const account = person('pet_owner', index);
  const [owner] = await db
    .insert(users)
    .values({ ...account, passwordHash: await createPasswordHasher(config.passwordHashing).hash(password), phone: '+447700900123' })
    .returning({ id: users.id });
  const ownerId = owner!.id;

  const petRows = await db
    .insert(pets)
    .values(
      Array.from({ length: PETS }, (_, i) => ({
        ownerId,
        name: fill(80, `Biscuit the ${i + 1}${['st', 'nd', 'rd'][i] ?? 'th'} of the Thames, Good Boy `),
        species: 'dog' as const,
        breed: fill(80, 'Cavalier King Charles Spaniel cross '),
        birthDate: '2019-04-12',
        weightGrams: 12_500,
        sex: 'male' as const,
        neutered: true,
        microchipId: fill(40, '826098100123456'),
        temperament: fill(500, 'Friendly with people, wary of big dogs, loves tennis balls. '),
        goodWithKids: true,
        goodWithPets: false,
        energyLevel: 'high' as const,
        feedingNotes: fill(2000, 'Half a cup of dry food at 7 and 18, no treats with chicken in them. '),
        careNotes: fill(2000, 'Wipe paws after the walk, check ears for grass seeds in summer. '),
        emergencyContact: { name: fill(120, 'Alexandra Montgomery-Smythe '), phone: '+447700900456', relation: fill(80, 'Sister ') },
        vet: {
          name: fill(120, 'Dr Priya Raghunathan '),
          clinic: fill(120, 'Riverside Veterinary Practice '),
          phone: '+442079460000',
          address: fill(300, '12 Embankment Row, Battersea, London SW11 '),
        },
        allergies: Array.from({ length: 30 }, (_, a) => fill(100, `Allergen ${a + 1}: chicken, wheat gluten, grass pollen `)),
        medications: Array.from({ length: 30 }, (_, m) => ({
          name: fill(120, `Medication ${m + 1} Apoquel `),
          dose: fill(120, '5.4 mg tablet with food '),
          schedule: fill(200, 'Twice daily at 7 and 19 '),
          notes: fill(500, 'Hide the tablet in a piece of cheese; he spits it out otherwise. '),
        })),
        specialNeeds: fill(2000, 'Mild hip dysplasia: no stairs, short breaks every twenty minutes. '),
      })),
    )
    .returning({ id: pets.id });
  const petIds = petRows.map((p) => p.id);

  // Photos at the per-pet maximum, as uploads would leave them (the files themselves are not read by these routes).
  const photos = petIds.flatMap((petId, p) => Array.from({ length: MAX_PET_PHOTOS }, (_, i) => ({ petId, key: `bench/${tag}/pet-${p}-${i}` })));
  for (const part of chunks(photos)) {
    const rows = await db
      .insert(media)
      .values(
        part.map(({ key }) => ({
          ownerId,
          purpose: 'pet_photo' as const,
          kind: 'image' as const,
          mimeType: 'image/webp',
          sizeBytes: 480_000,
          storageKey: `${key}.webp`,
          thumbnailKey: `${key}-thumb.webp`,
          width: 2048,
          height: 1536,
          sha256: '0'.repeat(64),
        })),
      )
      .returning({ id: media.id });
    await db.insert(petPhotos).values(part.map(({ petId }, i) => ({ petId, mediaId: rows[i]!.id })));
  }
  await db.insert(petVaccinations).values(
    petIds.flatMap((petId) =>
      Array.from({ length: VACCINATIONS_PER_PET }, (_, v) => ({
        petId,
        name: fill(120, `Vaccine ${v + 1} DHPPi/L4 `),
        administeredOn: '2025-03-01',
        expiresOn: '2027-03-01',
      })),
    ),
  );

  await db.execute(sql`insert into notifications (user_id, type, title, message, data, read_at, created_at)
    select ${ownerId}::uuid, 'booking.confirmed', 'Your walk is confirmed', 'Bench Walkers Around The Clock confirmed the walk of Biscuit and 19 more for ' || to_char(now() - i * interval '52 minutes', 'DD Mon at HH24:MI') || '.',
      jsonb_build_object('bookingId', gen_random_uuid(), 'number', 'WD-BNCH-' || i, 'link', '/bookings/' || gen_random_uuid()),
      case when i % 2 = 0 then now() - i * interval '50 minutes' end, now() - i * interval '52 minutes'
    from generate_series(1, ${NOTIFICATIONS}::int) i`);
  await db.execute(sql`insert into refresh_tokens (user_id, family_id, token_hash, expires_at, used_at, user_agent, ip, created_at)
    select ${ownerId}::uuid, gen_random_uuid(), encode(sha256(convert_to(${tag}::text || '-' || i, 'UTF8')), 'hex'), now() - i * interval '1 hour' + interval '7 days',
      now() - (i - 1) * interval '1 hour', 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      '203.0.113.' || (i % 250), now() - i * interval '1 hour'
    from generate_series(1, ${SESSIONS}::int) i`);
  await db.execute(sql`insert into audit_log (actor_id, action, target_type, target_id, ip, user_agent, details, created_at)
    select ${ownerId}::uuid, (array['auth.login', 'pet.update', 'user.update'])[1 + i % 3], case when i % 3 = 1 then 'pet' else 'user' end, ${ownerId}::text,
      '203.0.113.' || (i % 250), 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
      jsonb_build_object('fields', jsonb_build_array('name', 'careNotes', 'medications')), now() - i * interval '144 minutes'
    from generate_series(1, ${AUDITED_ACTIONS}::int) i`);

  return {
    id: ownerId,
    email: account.email,
    password,
    token: accessToken(ownerId, 'pet_owner', (await seeded.sessions([ownerId])).get(ownerId)!),
    petIds,
    bookingPetIds: petIds.slice(0, MAX_BOOKING_PETS),
  };
}

/**
 * The invoice with the most on it: the owner's latest paid 20-pet walk, partly refunded twice (each
 * refund is a line of the invoice). Returns its payment.
 */
export async function seedInvoice(db: Db, ownerId: string): Promise<string> {
  const [payment] = rowsOf<{ id: string; amount_minor: number; platform_fee_minor: number }>(
    await db.execute(sql`select p.id, p.amount_minor, p.platform_fee_minor from payments p join bookings b on b.id = p.booking_id
      where p.payer_id = ${ownerId} and b.pet_count = ${MAX_BOOKING_PETS} and p.status = 'succeeded' order by p.paid_at desc limit 1`),
  );
  if (!payment) throw new Error('The heavy owner has no paid walk to invoice.');
  const part = Math.floor(payment.amount_minor / 10);
  const feePart = Math.floor(payment.platform_fee_minor / 10);
  for (const reason of ['Walk cut short by the rain.', 'Two dogs stayed home.'])
    await db.execute(sql`insert into refunds (payment_id, amount_minor, fee_refund_minor, reason, status, provider_refund_id, requested_by, completed_at)
      values (${payment.id}, ${part}, ${feePart}, ${reason}, 'succeeded', ${`bench_re_${payment.id}_${reason.length}`}, ${ownerId}, now())`);
  await db.execute(sql`update payments set status = 'partially_refunded', refunded_minor = ${2 * part}, fee_refunded_minor = ${2 * feePart}, refunded_at = now()
    where id = ${payment.id}`);
  return payment.id;
}
