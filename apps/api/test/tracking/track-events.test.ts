import { eq, sql } from 'drizzle-orm';
import { media } from '@walkydoggy/shared/db';
import { canViewMedia } from '../../src/modules/media/media.access.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/platform/db.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { call, world, type Marketplace } from '../bookings/helpers.js';
import { newMedia, type Caller } from '../businesses/fixtures.js';
import { complete, connect, eventually, join, listen, received, sleep, walk, type Watcher } from './track.fixtures.js';

let t: TestApp;
let m: Marketplace;
let owner: Watcher;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
  owner = await connect(await listen(t), m.petOwner.accessToken);
});
afterAll(async () => {
  owner.disconnect();
  await t.close();
});

const event = (id: string, body: Record<string, unknown>, who: Caller = m.worker) => call(t, who, 'POST', `/v1/bookings/${id}/walk-events`, body);
const eventCount = async (id: string) =>
  rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from walk_events where booking_id = ${id}`))[0]!.n;

describe('POST /v1/bookings/:id/walk-events', () => {
  it('stores an event, broadcasts it, and answers a resent clientId with the stored event (200)', async () => {
    const id = await walk(t, m, 'in_progress');
    expect((await join(owner, id)).success).toBe(true);
    t.clock.advance(5 * 60_000);
    const at = t.clock.now().toISOString();
    const photo = await newMedia(t, m.worker.id, 'booking_photo');

    const created = await event(id, { kind: 'photo', at, lng: 13.381, lat: 52.532, mediaId: photo, clientId: 'phone-1' });
    expect(created.statusCode, created.body).toBe(201);
    const stored = created.json().data;
    expect(stored).toEqual({
      id: expect.any(String),
      kind: 'photo',
      at,
      lng: 13.381,
      lat: 52.532,
      note: null,
      photoUrl: `/v1/media/${photo}/file`,
      mediaId: photo,
    });
    await eventually(() => received(owner, 'walk:event').length === 1, 'the walk:event');
    expect(received(owner, 'walk:event')[0]).toEqual({ bookingId: id, event: stored });

    const replay = await event(id, { kind: 'photo', at, mediaId: photo, clientId: 'phone-1' });
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.json().data).toEqual(stored);
    expect(await eventCount(id)).toBe(1);
    // The photo of a walk event is the booking's: its owner can open it, a stranger cannot.
    const row = (await t.db.select().from(media).where(eq(media.id, photo)))[0]!;
    expect(await canViewMedia(t.db, { id: m.petOwner.id, role: 'pet_owner' }, row)).toBe(true);
    expect(await canViewMedia(t.db, { id: (await t.newUser()).id, role: 'pet_owner' }, row)).toBe(false);

    const note = await event(id, { kind: 'note', at, note: 'Met a friendly beagle', clientId: 'phone-2' });
    expect(note.statusCode).toBe(201);
    expect(note.json().data).toMatchObject({ kind: 'note', note: 'Met a friendly beagle', photoUrl: null, lng: null, lat: null });
    expect((await event(id, { kind: 'pee', at })).statusCode).toBe(201);
    expect(await eventCount(id)).toBe(3);
    await sleep(50);
    expect(received(owner, 'walk:event')).toHaveLength(3);
  });

  it("a photo must be the worker's own unused booking_photo upload", async () => {
    const id = await walk(t, m, 'in_progress');
    t.clock.advance(60_000);
    const at = t.clock.now().toISOString();
    const ownersUpload = await newMedia(t, m.petOwner.id, 'booking_photo');
    const petPhoto = await newMedia(t, m.worker.id, 'pet_photo');
    const once = await newMedia(t, m.worker.id, 'booking_photo');
    expect((await event(id, { kind: 'photo', at, mediaId: once })).statusCode).toBe(201);

    for (const mediaId of [ownersUpload, petPhoto, once, crypto.randomUUID()]) {
      const res = await event(id, { kind: 'photo', at, mediaId });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details[0]).toMatchObject({ path: 'body.mediaId', code: 'invalid_media' });
    }
    // A photo event without a photo, a note without text, half a position: refused by the schema.
    for (const body of [
      { kind: 'photo', at },
      { kind: 'note', at },
      { kind: 'pee', at, lng: 13.38 },
    ])
      expect((await event(id, body)).statusCode).toBe(400);
    expect(await eventCount(id)).toBe(1);
    // Nor can the walk's photo be attached again at completion: the report would show it twice.
    const reused = await call(t, m.worker, 'POST', `/v1/bookings/${id}/complete`, { photoIds: [once] });
    expect(reused.statusCode, reused.body).toBe(400);
    expect(reused.json().error.details[0]).toMatchObject({ path: 'body.photoIds.0', code: 'invalid_media' });
  });

  it('only the assigned worker, only while the walk is in progress, only between its start and now', async () => {
    const running = await walk(t, m, 'in_progress');
    const startedAt = t.clock.now();
    t.clock.advance(60_000);
    const at = t.clock.now().toISOString();
    expect((await event(running, { kind: 'water', at }, m.petOwner)).statusCode).toBe(403);
    expect((await event(running, { kind: 'water', at }, m.owner)).statusCode).toBe(403);
    expect((await event(running, { kind: 'water', at }, m.otherWorker)).statusCode).toBe(404);
    expect((await event(running, { kind: 'water', at }, m.admin)).statusCode).toBe(404);
    expect((await event(running, { kind: 'water', at: new Date(startedAt.getTime() - 1000).toISOString() })).statusCode).toBe(400);
    expect((await event(running, { kind: 'water', at: new Date(t.clock.now().getTime() + 60_000).toISOString() })).statusCode).toBe(400);
    expect(await eventCount(running)).toBe(0);

    const confirmed = await walk(t, m, 'confirmed');
    expect((await event(confirmed, { kind: 'water', at })).statusCode).toBe(409);

    // After completion a new event is refused, but a resend of one stored during the walk still answers it.
    expect((await event(running, { kind: 'food', at, clientId: 'c-1' })).statusCode).toBe(201);
    t.clock.advance(60_000);
    await complete(t, m, running);
    expect((await event(running, { kind: 'food', at, clientId: 'c-1' })).statusCode).toBe(200);
    expect((await event(running, { kind: 'food', at, clientId: 'c-2' })).statusCode).toBe(409);
  });
});
