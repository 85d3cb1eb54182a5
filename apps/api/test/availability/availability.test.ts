import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { businesses, services, workers, workerTimeOff } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { marketplace, newService, setAvailability, type Marketplace } from '../support/marketplace.js';
import { headersOf, newMedia, newWorker } from '../businesses/fixtures.js';
import { insertBooking } from './factory.js';
import { slotsOf } from './view.js';
import { createAvailability } from '../../src/modules/availability/availability.service.js';
import { ValidationFailed } from '../../src/platform/errors.js';
import { AVAILABILITY_MAX_DAYS, AVAILABILITY_MAX_WORKER_DAYS } from '@walkydoggy/shared';

let t: TestApp;
const NOW = new Date('2026-06-01T00:00:00Z');
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
});
afterAll(() => t.close());

const at = (isoLocal: string) => DateTime.fromISO(isoLocal, { zone: 'Europe/Berlin' }).toJSDate();
const localTimes = (slots: { startsAt: string }[]) => slots.map((s) => DateTime.fromISO(s.startsAt, { zone: 'Europe/Berlin' }).toFormat('HH:mm'));
const get = (serviceId: string, query: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url: `/v1/services/${serviceId}/availability?${query}`, headers });

describe('GET /services/:id/availability — time-slot services', () => {
  let m: Marketplace;
  beforeAll(async () => {
    m = await marketplace(t);
  });

  it("answers each worker's slots, computed in the business's time zone, to anyone", async () => {
    const res = await get(m.serviceId, 'from=2026-06-02&to=2026-06-03');
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data).toEqual({
      kind: 'slot',
      timeZone: 'Europe/Berlin',
      durationMinutes: 60,
      stepMinutes: 15,
      workers: [{ workerId: m.worker.workerId, name: 'Wendy Walker', photoUrl: null }],
      slots: expect.any(Array),
    });
    const slots = data.slots;
    expect(slots).toHaveLength(2 * 49); // 07:00 … 19:00 on both days
    expect(slots[0]).toEqual({ startsAt: '2026-06-02T05:00:00.000Z', endsAt: '2026-06-02T06:00:00.000Z', workers: [0] });
    expect(slots.at(-1)).toEqual({ startsAt: '2026-06-03T17:00:00.000Z', endsAt: '2026-06-03T18:00:00.000Z', workers: [0] });
  });

  it("shows the worker's photo", async () => {
    const mediaId = await newMedia(t, m.worker.id, 'worker_photo');
    await t.db.update(workers).set({ photoMediaId: mediaId }).where(eq(workers.id, m.worker.workerId));
    const res = await get(m.serviceId, 'from=2026-06-02&to=2026-06-02');
    expect(res.json().data.workers[0].photoUrl).toBe(`/v1/media/${mediaId}/file`);
    await t.db.update(workers).set({ photoMediaId: null }).where(eq(workers.id, m.worker.workerId));
  });

  it('offers nothing sooner than 60 minutes from now', async () => {
    t.clock.set(at('2026-06-02T09:05'));
    try {
      const slots = slotsOf((await get(m.serviceId, 'from=2026-06-01&to=2026-06-02')).json().data);
      expect(slots[0]!.startsAt).toBe('2026-06-02T08:15:00.000Z'); // 10:15 local
    } finally {
      t.clock.set(NOW);
    }
  });

  it('leaves out the time of active bookings (with the travel buffer) and time off, not of cancelled bookings', async () => {
    const base = { ownerId: m.petOwner.id, businessId: m.businessId, serviceId: m.serviceId, workerId: m.worker.workerId };
    await insertBooking(t, { ...base, startsAt: at('2026-06-04T12:00'), endsAt: at('2026-06-04T13:00'), blockedUntil: at('2026-06-04T13:15') });
    await insertBooking(t, {
      ...base,
      status: 'cancelled',
      startsAt: at('2026-06-04T15:00'),
      endsAt: at('2026-06-04T16:00'),
      blockedUntil: at('2026-06-04T16:15'),
    });
    await t.db.insert(workerTimeOff).values({ workerId: m.worker.workerId, startsAt: at('2026-06-04T17:00'), endsAt: at('2026-06-04T18:00'), reason: 'Vet' });
    const times = localTimes(slotsOf((await get(m.serviceId, 'from=2026-06-04&to=2026-06-04')).json().data));
    expect(times).toContain('10:45');
    expect(times).not.toContain('11:00');
    expect(times).not.toContain('13:00');
    expect(times).toContain('13:15');
    expect(times).toContain('15:00'); // the cancelled booking holds nothing
    expect(times).toContain('16:00');
    expect(times).not.toContain('16:15');
    expect(times).not.toContain('17:45');
    expect(times).toContain('18:00');
  });

  it('has no slots on a closed date', async () => {
    await t.db
      .update(businesses)
      .set({ closedDates: ['2026-06-05'] })
      .where(eq(businesses.id, m.businessId));
    const data = (await get(m.serviceId, 'from=2026-06-05&to=2026-06-06')).json().data;
    expect(slotsOf(data)[0]!.startsAt).toBe('2026-06-06T05:00:00.000Z');
    expect(slotsOf(data)).toHaveLength(49);
  });

  it('takes the duration of the service, 60 minutes when it has none', async () => {
    const long = await newService(t, m.owner, m.businessId, { type: 'grooming', durationMinutes: 90 });
    const unset = await newService(t, m.owner, m.businessId, { type: 'training', durationMinutes: null });
    const longData = (await get(long, 'from=2026-06-02&to=2026-06-02')).json().data;
    expect(longData.durationMinutes).toBe(90);
    expect(localTimes(slotsOf(longData)).at(-1)).toBe('18:30');
    expect((await get(unset, 'from=2026-06-02&to=2026-06-02')).json().data.durationMinutes).toBe(60);
  });

  describe('refuses bad ranges and too many pets with a 400', () => {
    it.each([
      ['to before from', 'from=2026-06-03&to=2026-06-02', 'querystring.to'],
      ['more than 31 days', 'from=2026-06-01&to=2026-07-02', 'querystring.to'],
      ['no such date', 'from=2026-02-30&to=2026-03-02', 'querystring.from'],
      ['no pets', 'from=2026-06-01&to=2026-06-02&pets=0', 'querystring.pets'],
      ['more pets than any booking takes', 'from=2026-06-01&to=2026-06-02&pets=21', 'querystring.pets'],
      ['more pets than the service takes', 'from=2026-06-01&to=2026-06-02&pets=4', 'querystring.pets'],
    ])('%s', async (_name, query, path) => {
      const res = await get(m.serviceId, query);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().success).toBe(false);
      expect(res.json().error.code).toBe('VALIDATION_ERROR');
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    });

    it('but takes 31 days and as many pets as the service does', async () => {
      const res = await get(m.serviceId, 'from=2026-06-01&to=2026-07-01&pets=3');
      expect(res.statusCode, res.body).toBe(200);
      const dates = new Set(slotsOf(res.json().data).map((s: { startsAt: string }) => DateTime.fromISO(s.startsAt, { zone: 'Europe/Berlin' }).toISODate()));
      expect(dates.has('2026-07-01')).toBe(true);
      expect(dates.has('2026-07-02')).toBe(false);
    });
  });

  it('is a 404 for a service that does not exist', async () => {
    const res = await get(crypto.randomUUID(), 'from=2026-06-02&to=2026-06-02');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });
});

it('is described in the OpenAPI document', async () => {
  const doc = (await t.app.inject('/docs/json')).json();
  const op = doc.paths['/v1/services/{id}/availability'].get;
  expect(op.operationId).toBe('getServiceAvailability');
  expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['excludeBookingId', 'from', 'id', 'pets', 'to', 'workerId']);
});

describe('who performs the service', () => {
  let m: Marketplace;
  let second: Awaited<ReturnType<typeof newWorker>>;
  let open: string;
  beforeAll(async () => {
    m = await marketplace(t);
    second = await newWorker(t, m.businessId, m.owner);
    await setAvailability(t, second.workerId);
    open = await newService(t, m.owner, m.businessId, { name: 'Anyone walks' });
  });
  const workerIds = async (serviceId: string) =>
    (await get(serviceId, 'from=2026-06-02&to=2026-06-02')).json().data.workers.map((w: { workerId: string }) => w.workerId);

  it('is only the listed worker when the service lists one', async () => {
    expect(await workerIds(m.serviceId)).toEqual([m.worker.workerId]);
  });

  it('is every active worker, oldest first, when the service lists none', async () => {
    expect(await workerIds(open)).toEqual([m.worker.workerId, second.workerId]);
  });

  it('lists each start once with every worker free at it', async () => {
    const data = (await get(open, 'from=2026-06-02&to=2026-06-02')).json().data;
    expect(data.slots).toHaveLength(49);
    expect(data.slots.every((s: { workers: number[] }) => s.workers.join() === '0,1')).toBe(true);
    // The first worker is busy 09:00–10:00: the starts whose hour meets it are the second's alone.
    await insertBooking(t, {
      ownerId: m.owner.id,
      businessId: m.businessId,
      serviceId: open,
      workerId: m.worker.workerId,
      startsAt: at('2026-06-03T09:00'),
      endsAt: at('2026-06-03T10:00'),
      status: 'confirmed',
    });
    const next = (await get(open, 'from=2026-06-03&to=2026-06-03')).json().data;
    expect(localTimes(next.slots.filter((s: { workers: number[] }) => s.workers.join() === '1'))).toEqual([
      '08:00',
      '08:15',
      '08:30',
      '08:45',
      '09:00',
      '09:15',
      '09:30',
      '09:45',
    ]); // 15 min of travel before it
    expect(slotsOf(next, second.workerId)).toHaveLength(49);
  });

  it('is only the named worker with workerId', async () => {
    const data = (await get(open, `from=2026-06-02&to=2026-06-02&workerId=${second.workerId}`)).json().data;
    expect(data.workers.map((w: { workerId: string }) => w.workerId)).toEqual([second.workerId]);
    expect(data.slots).toHaveLength(49);
    expect((await get(open, `from=2026-06-02&to=2026-06-02&workerId=${crypto.randomUUID()}`)).json().data).toMatchObject({ workers: [], slots: [] });
    expect((await get(open, 'from=2026-06-02&to=2026-06-02&workerId=someone')).statusCode).toBe(400);
  });

  it('covers at most maxWorkerDays workers × days: fewer days, or one worker, for a larger team', async () => {
    const limited = createAvailability({ db: t.db, clock: t.clock, maxWorkerDays: 5 });
    const ask = (to: string, workerId?: string) => limited.forService(null, open, { from: '2026-06-02', to, pets: 1, ...(workerId ? { workerId } : {}) });
    // Two workers: two days (4 worker-days) are the most, three are refused.
    expect((await ask('2026-06-03')).kind).toBe('slot');
    await expect(ask('2026-06-04')).rejects.toMatchObject({
      statusCode: 400,
      details: [{ path: 'querystring.to', message: 'This service has 2 workers: ask for at most 2 days at once, or name a workerId.' }],
    });
    // One named worker: five days, not six.
    expect((await ask('2026-06-06', second.workerId)).kind).toBe('slot');
    await expect(ask('2026-06-07', second.workerId)).rejects.toBeInstanceOf(ValidationFailed);
    expect(AVAILABILITY_MAX_WORKER_DAYS).toBe(100 * AVAILABILITY_MAX_DAYS);
  });

  it('never is a removed worker', async () => {
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/v1/businesses/${m.businessId}/workers/${second.workerId}`,
      headers: t.bearer(m.owner.accessToken),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await workerIds(open)).toEqual([m.worker.workerId]);
  });
});

describe('who may ask', () => {
  let m: Marketplace;
  beforeAll(async () => {
    m = await marketplace(t);
  });
  const statuses = async (serviceId: string) => {
    const out: Record<string, number> = {};
    for (const who of ['anonymous', 'petOwner', 'otherBusiness', 'owner', 'admin'] as const)
      out[who] = (await get(serviceId, 'from=2026-06-02&to=2026-06-02', headersOf(t, m, who))).statusCode;
    return out;
  };

  it('hides the services of an unverified business from all but its owner and admins', async () => {
    await t.db.update(businesses).set({ verificationStatus: 'pending' }).where(eq(businesses.id, m.businessId));
    expect(await statuses(m.serviceId)).toEqual({ anonymous: 404, petOwner: 404, otherBusiness: 404, owner: 200, admin: 200 });
    await t.db.update(businesses).set({ verificationStatus: 'verified' }).where(eq(businesses.id, m.businessId));
  });

  it('hides an inactive service from the public', async () => {
    await t.db.update(services).set({ active: false }).where(eq(services.id, m.serviceId));
    expect(await statuses(m.serviceId)).toEqual({ anonymous: 404, petOwner: 404, otherBusiness: 404, owner: 200, admin: 200 });
  });
});

describe('GET /services/:id/availability — day services', () => {
  let m: Marketplace;
  let boarding: string;
  let daycare: string;
  beforeAll(async () => {
    m = await marketplace(t, {
      business: {
        dailyCapacity: 5,
        closedDates: ['2026-06-04'],
        // Monday to Friday: daycare is closed at the weekend, boarding is not.
        operatingHours: [1, 2, 3, 4, 5].map((day) => ({ day, open: '08:00', close: '18:00' })),
      },
    });
    boarding = await newService(t, m.owner, m.businessId, { type: 'boarding', priceType: 'per_night', durationMinutes: null, maxPets: 4 });
    daycare = await newService(t, m.owner, m.businessId, { type: 'daycare', priceType: 'per_day', durationMinutes: null, maxPets: 4 });
    const day = (startDate: string, endDate: string, petCount: number, more: Record<string, unknown> = {}) =>
      insertBooking(t, {
        ownerId: m.petOwner.id,
        businessId: m.businessId,
        serviceId: boarding,
        kind: 'day',
        locationKind: 'business',
        startsAt: at(`${startDate}T00:00`),
        endsAt: at(`${endDate}T00:00`),
        startDate,
        endDate,
        petCount,
        ...more,
      });
    await day('2026-06-01', '2026-06-03', 2);
    await day('2026-06-02', '2026-06-04', 1, { status: 'confirmed', serviceId: daycare });
    await day('2026-06-02', '2026-06-03', 3, { status: 'cancelled' });
    await day('2026-06-05', '2026-06-08', 1, { status: 'in_progress' });
    // Another business's booking uses another capacity.
    await day('2026-06-01', '2026-06-08', 4, { businessId: m.otherBusinessId });
  });

  it('answers boarding nights with the capacity left, both day services counting together', async () => {
    const res = await get(boarding, 'from=2026-06-01&to=2026-06-07&pets=4');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({
      kind: 'day',
      timeZone: 'Europe/Berlin',
      unit: 'night',
      capacity: 5,
      days: [
        { date: '2026-06-01', open: true, remaining: 3 },
        { date: '2026-06-02', open: true, remaining: 2 },
        { date: '2026-06-03', open: true, remaining: 4 },
        { date: '2026-06-04', open: false, remaining: 5 },
        { date: '2026-06-05', open: true, remaining: 4 },
        { date: '2026-06-06', open: true, remaining: 4 },
        { date: '2026-06-07', open: true, remaining: 4 },
      ],
    });
  });

  it('answers daycare days, closed on weekdays without opening hours', async () => {
    const data = (await get(daycare, 'from=2026-06-05&to=2026-06-08')).json().data;
    expect(data.unit).toBe('day');
    expect(data.days).toEqual([
      { date: '2026-06-05', open: true, remaining: 4 },
      { date: '2026-06-06', open: false, remaining: 4 },
      { date: '2026-06-07', open: false, remaining: 4 },
      { date: '2026-06-08', open: true, remaining: 5 },
    ]);
  });

  it('refuses more pets than the service takes', async () => {
    const res = await get(boarding, 'from=2026-06-01&to=2026-06-02&pets=5');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([expect.objectContaining({ path: 'querystring.pets' })]);
  });
});
