import crypto from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { renderPersonPicture, renderPetPicture } from './illustrations.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './seed-city.js';
import { STREETS } from './vocabulary.js';

const COUNTRY_NAMES: Record<string, string> = { GB: 'United Kingdom', DE: 'Germany', FR: 'France', US: 'United States', NL: 'Netherlands' };

/** A multipart body with one file part, as a browser sends an upload. */
function multipartFile(png: Buffer) {
  const boundary = `----walkydoggy-seed-${crypto.randomBytes(6).toString('hex')}`;
  const head = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="picture.png"\r\ncontent-type: image/png\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), png, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/**
 * A few bookings between the demo sign-ins, so a first look at the app shows a pet owner with upcoming
 * walks, a business with a request to answer and a confirmed job, and a worker with work ahead. Made
 * through the API itself (sign-in, availability, booking, test-mode payment, confirmation), so they obey
 * every rule a real booking does.
 */
export type DemoBookings = { pet: string; home: string; bookings: { number: string; status: string; startsAt: string }[] };

type Json = { data?: unknown; error?: { message?: string } };

export async function seedDemoBookings(app: FastifyInstance, businessId: string): Promise<DemoBookings> {
  async function call<T>(
    token: string | null,
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
    upload?: ReturnType<typeof multipartFile>,
  ): Promise<T> {
    const res = await app.inject({
      method,
      url,
      ...(upload ? { payload: upload.payload } : payload !== undefined ? { payload: payload as object } : {}),
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(upload?.headers ?? {}) },
    });
    const body = res.json<Json>();
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${body.error?.message ?? ''}`);
    return body.data as T;
  }
  const signIn = async (email: string) => (await call<{ accessToken: string }>(null, 'POST', '/v1/auth/login', { email, password: DEMO_PASSWORD })).accessToken;

  const owner = await signIn(DEMO_ACCOUNTS.petOwner);
  const business = await signIn(DEMO_ACCOUNTS.business);
  const demoWorker = await call<{ id: string }>(await signIn(DEMO_ACCOUNTS.worker), 'GET', '/v1/workers/me');
  const pet = await call<{ id: string; name: string }>(owner, 'POST', '/v1/pets', {
    name: 'Biscuit',
    species: 'dog',
    breed: 'Beagle',
    sex: 'male',
    energyLevel: 'high',
    careNotes: 'Pulls towards squirrels; loves the pond.',
  });
  // Pictures through the same endpoints (and media pipeline) as a person's own uploads.
  await call(owner, 'POST', '/v1/users/me/avatar', undefined, multipartFile(await renderPersonPicture(3)));
  await call(owner, 'POST', `/v1/pets/${pet.id}/photos`, undefined, multipartFile(await renderPetPicture(0, 'dog')));
  const shop = await call<{ location: { lat: number; lng: number }; address: Record<string, string | null> }>(null, 'GET', `/v1/businesses/${businessId}`);
  // The owner's home: a street in the business's district, a few hundred metres away (inside any service area).
  const home = await call<{
    location: { lat: number; lng: number };
    address: { street: string; city: string; postalCode: string | null; country: string | null };
  }>(owner, 'POST', '/v1/users/me/places', {
    kind: 'home',
    address: {
      street: `${12 + (businessId.charCodeAt(0) % 40)} ${STREETS[businessId.charCodeAt(1) % STREETS.length]}`,
      city: shop.address.city ?? 'London',
      postalCode: shop.address.postalCode ?? null,
      country: COUNTRY_NAMES[shop.address.country ?? ''] ?? shop.address.country ?? null,
    },
    location: { lat: Number((shop.location.lat + 0.004).toFixed(6)), lng: Number((shop.location.lng - 0.005).toFixed(6)) },
  });
  const homeLine = `${home.address.street}, ${[home.address.postalCode, home.address.city].filter(Boolean).join(' ')}`;
  const services = await call<{ id: string; type: string }[]>(null, 'GET', `/v1/businesses/${businessId}/services?limit=50`);

  // The first at-home service with two free slots of one worker on different days in the next two weeks.
  const today = app.platform.clock.now();
  const from = today.toISOString().slice(0, 10);
  const to = new Date(today.getTime() + 13 * 86_400_000).toISOString().slice(0, 10);
  for (const service of services.filter((s) => ['walking', 'drop_in', 'sitting'].includes(s.type))) {
    const availability = await call<{ kind: string; workers: { workerId: string }[]; slots: { startsAt: string; workers: number[] }[] }>(
      null,
      'GET',
      `/v1/services/${service.id}/availability?from=${from}&to=${to}&pets=1`,
    );
    if (availability.kind !== 'slot') continue;
    // The demo worker first, so their jobs page has something on it.
    const workers = availability.workers
      .map((w, index) => ({ ...w, slots: availability.slots.filter((s) => s.workers.includes(index)) }))
      .sort((a, b) => Number(b.workerId === demoWorker.id) - Number(a.workerId === demoWorker.id));
    for (const worker of workers) {
      // Mid-morning slots on two different days: a walk people would actually book.
      const picks: string[] = [];
      for (const slot of worker.slots) {
        const day = slot.startsAt.slice(0, 10);
        if (picks.some((p) => p.slice(0, 10) === day) || new Date(slot.startsAt).getUTCHours() < 9) continue;
        picks.push(slot.startsAt);
        if (picks.length === 2) break;
      }
      if (picks.length < 2) continue;

      const made: DemoBookings['bookings'] = [];
      for (const [i, startsAt] of picks.entries()) {
        const booking = await call<{ id: string; number: string }>(owner, 'POST', '/v1/bookings', {
          serviceId: service.id,
          petIds: [pet.id],
          startsAt,
          workerId: worker.workerId,
          location: { kind: 'owner_home', lat: home.location.lat, lng: home.location.lng, address: home.address },
          notes: i === 0 ? 'Key is with the concierge.' : 'Please avoid the main road.',
        });
        const { payment } = await call<{ payment: { id: string } }>(owner, 'POST', '/v1/payments/intent', { bookingId: booking.id });
        await call(owner, 'POST', '/v1/payments/confirm', { paymentId: payment.id });
        // The first is accepted; the second waits for the business, as a new request would.
        const status = i === 0 ? (await call<{ status: string }>(business, 'POST', `/v1/bookings/${booking.id}/confirm`)).status : 'pending';
        made.push({ number: booking.number, status, startsAt });
      }
      return { pet: pet.name, home: homeLine, bookings: made };
    }
  }
  return { pet: pet.name, home: homeLine, bookings: [] };
}
