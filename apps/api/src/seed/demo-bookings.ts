import type { FastifyInstance, InjectOptions } from 'fastify';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './seed-city.js';

/**
 * A few bookings between the demo sign-ins, so a first look at the app shows a pet owner with upcoming
 * walks, a business with a request to answer and a confirmed job, and a worker with work ahead. Made
 * through the API itself (sign-in, availability, booking, test-mode payment, confirmation), so they obey
 * every rule a real booking does.
 */
export type DemoBookings = { pet: string; bookings: { number: string; status: string; startsAt: string }[] };

type Json = { data?: unknown; error?: { message?: string } };

export async function seedDemoBookings(app: FastifyInstance, businessId: string): Promise<DemoBookings> {
  async function call<T>(token: string | null, method: InjectOptions['method'], url: string, payload?: unknown): Promise<T> {
    const res = await app.inject({
      method,
      url,
      ...(payload !== undefined ? { payload: payload as object } : {}),
      headers: token ? { authorization: `Bearer ${token}` } : {},
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
  const place = await call<{ location: { lat: number; lng: number }; address: Record<string, string | null> }>(null, 'GET', `/v1/businesses/${businessId}`);
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
          location: { kind: 'owner_home', lat: place.location.lat, lng: place.location.lng, address: place.address },
          notes: i === 0 ? 'Key is with the concierge.' : 'Please avoid the main road.',
        });
        const { payment } = await call<{ payment: { id: string } }>(owner, 'POST', '/v1/payments/intent', { bookingId: booking.id });
        await call(owner, 'POST', '/v1/payments/confirm', { paymentId: payment.id });
        // The first is accepted; the second waits for the business, as a new request would.
        const status = i === 0 ? (await call<{ status: string }>(business, 'POST', `/v1/bookings/${booking.id}/confirm`)).status : 'pending';
        made.push({ number: booking.number, status, startsAt });
      }
      return { pet: pet.name, bookings: made };
    }
  }
  return { pet: pet.name, bookings: [] };
}
