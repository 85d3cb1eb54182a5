import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { auditLog, pets } from '@walkydoggy/shared/db';
import { createTestApp, rowCounts, type TestApp } from '../support/app.js';
import { createPet } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2025-06-15T10:00:00Z'));
});
afterAll(() => t.close());

const fullPet = {
  name: ' Biscuit ',
  species: 'dog',
  breed: 'Beagle',
  birthDate: '2021-03-20',
  weightKg: 12.4,
  sex: 'female',
  neutered: true,
  microchipId: '276098106234567',
  temperament: 'Friendly, a little shy with big dogs',
  goodWithKids: true,
  goodWithPets: false,
  energyLevel: 'high',
  feedingNotes: '2 cups a day',
  careNotes: '',
  emergencyContact: { name: 'Sam Walker', phone: '+49 30 1234567', relation: 'partner' },
  vet: { name: 'Dr. Paws', clinic: 'City Vets', phone: '+49 30 7654321' },
  allergies: ['chicken', 'pollen'],
  medications: [{ name: 'Apoquel', dose: '16 mg', schedule: 'daily' }],
  specialNeeds: 'Needs a ramp for the car',
};

describe('pets CRUD', () => {
  it('creates a pet with every field and reads it back, audited', async () => {
    const owner = await t.newUser();
    const res = await t.app.inject({ method: 'POST', url: '/v1/pets', headers: t.bearer(owner.accessToken), payload: fullPet });
    expect(res.statusCode, res.body).toBe(201);
    const pet = res.json().data;
    expect(pet).toEqual({
      id: expect.any(String),
      ownerId: owner.id,
      name: 'Biscuit',
      species: 'dog',
      breed: 'Beagle',
      birthDate: '2021-03-20',
      birthDateEstimated: false,
      ageYears: 4.1,
      weightKg: 12.4,
      sex: 'female',
      neutered: true,
      microchipId: '276098106234567',
      temperament: 'Friendly, a little shy with big dogs',
      goodWithKids: true,
      goodWithPets: false,
      energyLevel: 'high',
      feedingNotes: '2 cups a day',
      careNotes: null,
      emergencyContact: { name: 'Sam Walker', phone: '+49 30 1234567', relation: 'partner' },
      vet: { name: 'Dr. Paws', clinic: 'City Vets', phone: '+49 30 7654321', address: '' },
      allergies: ['chicken', 'pollen'],
      medications: [{ name: 'Apoquel', dose: '16 mg', schedule: 'daily', notes: '' }],
      specialNeeds: 'Needs a ramp for the car',
      status: 'active',
      photos: [],
      vaccinations: [],
      coOwners: [],
      pendingInvitations: [],
      isPrimaryOwner: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const got = await t.app.inject({ url: `/v1/pets/${pet.id}`, headers: t.bearer(owner.accessToken) });
    expect(got.json().data).toEqual(pet);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, 'pet.create'))).toHaveLength(1);
  });

  it('estimates the birth date from an age and derives the age back', async () => {
    const owner = await t.newUser();
    const puppy = await createPet(t, owner.accessToken, { ageYears: 0.5 });
    expect(puppy).toMatchObject({ birthDate: '2024-12-15', birthDateEstimated: true, ageYears: 0.5 });
    const senior = await createPet(t, owner.accessToken, { ageYears: 11 });
    expect(senior).toMatchObject({ birthDate: '2014-06-15', birthDateEstimated: true, ageYears: 11 });
    const none = await createPet(t, owner.accessToken);
    expect(none).toMatchObject({ birthDate: null, ageYears: null, weightKg: null, sex: 'unknown', status: 'active', allergies: [], medications: [] });
    // A birth date the owner is not sure of is kept as an estimate, and the flag can change on its own.
    const unsure = await createPet(t, owner.accessToken, { birthDate: '2019-05-01', birthDateEstimated: true });
    expect(unsure).toMatchObject({ birthDate: '2019-05-01', birthDateEstimated: true });
    const sure = await t.app.inject({
      method: 'PUT',
      url: `/v1/pets/${unsure.id}`,
      headers: t.bearer(owner.accessToken),
      payload: { birthDateEstimated: false },
    });
    expect(sure.json().data).toMatchObject({ birthDate: '2019-05-01', birthDateEstimated: false });
  });

  it('updates only the fields sent, and refuses bad input with field details', async () => {
    const owner = await t.newUser();
    const pet = await createPet(t, owner.accessToken, { breed: 'Collie', allergies: ['beef'] });
    const put = await t.app.inject({
      method: 'PUT',
      url: `/v1/pets/${pet.id}`,
      headers: t.bearer(owner.accessToken),
      payload: { weightKg: 20, status: 'rehomed', breed: '', birthDate: '2020-01-31' },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().data).toMatchObject({
      name: 'Biscuit',
      breed: null,
      weightKg: 20,
      status: 'rehomed',
      allergies: ['beef'],
      birthDate: '2020-01-31',
      ageYears: 5.3,
    });

    const before = await rowCounts(t.app);
    const row = await t.db.query.pets.findFirst({ where: eq(pets.id, pet.id) });
    const bad: [Record<string, unknown>, string][] = [
      [{}, 'body'],
      [{ name: '' }, 'body.name'],
      [{ species: 'dragon' }, 'body.species'],
      [{ birthDate: '15/06/2020' }, 'body.birthDate'],
      [{ birthDate: '2030-01-01' }, 'body.birthDate'],
      [{ birthDate: '2020-01-01', ageYears: 3 }, 'body.ageYears'],
      [{ weightKg: -2 }, 'body.weightKg'],
      [{ energyLevel: 'extreme' }, 'body.energyLevel'],
      [{ emergencyContact: { name: 'Sam' } }, 'body.emergencyContact.phone'],
      [{ medications: [{ dose: '1 pill' }] }, 'body.medications.0.name'],
      [{ allergies: 'chicken' }, 'body.allergies'],
      [{ status: 'lost' }, 'body.status'],
    ];
    for (const [payload, path] of bad) {
      const res = await t.app.inject({ method: 'PUT', url: `/v1/pets/${pet.id}`, headers: t.bearer(owner.accessToken), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_ERROR');
      if (path !== 'body')
        expect(
          res.json().error.details.map((d: { path: string }) => d.path),
          JSON.stringify(payload),
        ).toContain(path);
    }
    const create = await t.app.inject({ method: 'POST', url: '/v1/pets', headers: t.bearer(owner.accessToken), payload: { species: 'cat' } });
    expect(create.statusCode).toBe(400);
    expect(create.json().error.details[0].path).toBe('body.name');
    expect(await rowCounts(t.app)).toEqual(before);
    expect(await t.db.query.pets.findFirst({ where: eq(pets.id, pet.id) })).toEqual(row);
  });

  it('lists own pets newest first, filtered by status, in pages', async () => {
    const owner = await t.newUser();
    const other = await t.newUser();
    await createPet(t, other.accessToken, { name: 'Not mine' });
    const made = [];
    for (let i = 0; i < 5; i++) {
      t.clock.advance(1000);
      made.push(await createPet(t, owner.accessToken, { name: `Pet ${i}`, status: i === 0 ? 'deceased' : 'active' }));
    }
    const all = await t.app.inject({ url: '/v1/pets?limit=2', headers: t.bearer(owner.accessToken) });
    expect(all.json().data.map((p: { name: string }) => p.name)).toEqual(['Pet 4', 'Pet 3']);
    expect(all.json().meta).toMatchObject({ limit: 2, nextCursor: expect.any(String) });
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const body: { data: { name: string }[]; meta: { nextCursor: string | null } } = (
        await t.app.inject({ url: `/v1/pets?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: t.bearer(owner.accessToken) })
      ).json();
      names.push(...body.data.map((p) => p.name));
      cursor = body.meta.nextCursor;
    } while (cursor);
    expect(names).toEqual(['Pet 4', 'Pet 3', 'Pet 2', 'Pet 1', 'Pet 0']);
    const deceased = await t.app.inject({ url: '/v1/pets?status=deceased', headers: t.bearer(owner.accessToken) });
    expect(deceased.json().data.map((p: { name: string }) => p.name)).toEqual(['Pet 0']);
    expect((await t.app.inject({ url: '/v1/pets?limit=0', headers: t.bearer(owner.accessToken) })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/v1/pets?cursor=garbage', headers: t.bearer(owner.accessToken) })).json().error.details[0].path).toBe(
      'querystring.cursor',
    );
  });

  it('deletes softly: the pet disappears from every read', async () => {
    const owner = await t.newUser();
    const pet = await createPet(t, owner.accessToken);
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/pets/${pet.id}`, headers: t.bearer(owner.accessToken) });
    expect(del.statusCode).toBe(200);
    expect((await t.app.inject({ url: `/v1/pets/${pet.id}`, headers: t.bearer(owner.accessToken) })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/v1/pets', headers: t.bearer(owner.accessToken) })).json().data).toEqual([]);
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/pets/${pet.id}`, headers: t.bearer(owner.accessToken) })).statusCode).toBe(404);
    const row = await t.db.query.pets.findFirst({ where: eq(pets.id, pet.id) });
    expect(row!.deletedAt).not.toBeNull();
    expect((await t.db.execute(sql`select count(*)::int as n from pets`)) as unknown).toBeTruthy();
  });
});
