import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { pets } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { multipart, pdf, png, tempDataDir } from '../support/media-fixtures.js';
import { createPet, shareWith } from './helpers.js';

type Who = 'owner' | 'coOwner' | 'otherOwner' | 'business' | 'worker' | 'admin' | 'anonymous';
const EVERYONE: Who[] = ['owner', 'coOwner', 'otherOwner', 'business', 'worker', 'admin', 'anonymous'];

let t: TestApp;
let users: Record<Exclude<Who, 'anonymous'>, Awaited<ReturnType<TestApp['newUser']>>>;
beforeAll(async () => {
  t = await createTestApp({ env: { DATA_DIR: tempDataDir() } });
  users = {
    owner: await t.newUser(),
    coOwner: await t.newUser(),
    otherOwner: await t.newUser(),
    business: await t.newUser({ role: 'business' }),
    worker: await t.newUser({ role: 'worker' }),
    admin: await t.newUser({ role: 'admin' }),
  };
});
afterAll(() => t.close());

const headers = (who: Who) => (who === 'anonymous' ? {} : t.bearer(users[who].accessToken));
function call(who: Who, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: headers(who), ...(payload === undefined ? {} : { payload: payload as object }) });
}
async function uploadAs(who: Exclude<Who, 'anonymous'>, purpose: string, data: Buffer) {
  const form = multipart({ purpose }, { data });
  const res = await t.app.inject({ method: 'POST', url: '/v1/media', payload: form.payload, headers: { ...form.headers, ...headers(who) } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().data as { id: string; url: string; thumbnailUrl: string | null };
}
/** Pets are for pet-owner accounts: other roles are refused at the door, anonymous callers must sign in. */
const notForRole = (who: Who) => (who === 'anonymous' ? 401 : ['business', 'worker', 'admin'].includes(who) ? 403 : null);

/** A shared pet with a photo and a vaccination with a document. */
async function sharedPet() {
  const pet = await createPet(t, users.owner.accessToken, { name: 'Shared' });
  await shareWith(t, users.owner.accessToken, pet.id, users.coOwner);
  const photoMedia = await uploadAs('owner', 'pet_photo', await png());
  const photo = (await call('owner', 'POST', `/v1/pets/${pet.id}/photos`, { mediaId: photoMedia.id })).json().data;
  const doc = await uploadAs('owner', 'vaccination_document', pdf());
  const vaccination = (
    await call('owner', 'POST', `/v1/pets/${pet.id}/vaccinations`, { name: 'Rabies', administeredOn: '2024-01-10', documentMediaId: doc.id })
  ).json().data;
  return { pet, photoMedia, photo, doc, vaccination };
}

describe('permission matrix: pets', () => {
  it('reading a pet and the list', async () => {
    const { pet } = await sharedPet();
    const expected: Record<Who, number> = { owner: 200, coOwner: 200, otherOwner: 404, business: 403, worker: 403, admin: 403, anonymous: 401 };
    for (const who of EVERYONE) {
      const res = await call(who, 'GET', `/v1/pets/${pet.id}`);
      expect(res.statusCode, who).toBe(expected[who]);
      if (res.statusCode !== 200) expect(res.body, who).not.toContain('Shared');
      const list = await call(who, 'GET', '/v1/pets');
      expect(list.statusCode, `${who} list`).toBe(notForRole(who) ?? 200);
      if (list.statusCode === 200)
        expect(
          list.json().data.some((p: { id: string }) => p.id === pet.id),
          `${who} list`,
        ).toBe(who !== 'otherOwner');
    }
    const asCoOwner = (await call('coOwner', 'GET', `/v1/pets/${pet.id}`)).json().data;
    expect(asCoOwner).toMatchObject({ isPrimaryOwner: false, ownerId: users.owner.id, coOwners: [{ userId: users.coOwner.id }] });
    expect(asCoOwner).not.toHaveProperty('pendingInvitations');
    expect((await call('owner', 'GET', `/v1/pets/${pet.id}`)).json().data).toMatchObject({ isPrimaryOwner: true, pendingInvitations: [] });
  });

  it('editing the profile: owner and co-owner only; nothing changes on refusal', async () => {
    const { pet } = await sharedPet();
    for (const who of EVERYONE) {
      const res = await call(who, 'PUT', `/v1/pets/${pet.id}`, { careNotes: `by ${who}` });
      const expected = notForRole(who) ?? (who === 'otherOwner' ? 404 : 200);
      expect(res.statusCode, who).toBe(expected);
      const row = await t.db.query.pets.findFirst({ where: eq(pets.id, pet.id) });
      if (expected === 200) expect(row!.careNotes, who).toBe(`by ${who}`);
      else expect(row!.careNotes, who).not.toBe(`by ${who}`);
    }
  });

  it('deleting the pet: primary owner only (a co-owner may see it, so 403)', async () => {
    const { pet } = await sharedPet();
    const order: Who[] = ['anonymous', 'business', 'worker', 'admin', 'otherOwner', 'coOwner', 'owner'];
    const expected: Record<Who, number> = { anonymous: 401, business: 403, worker: 403, admin: 403, otherOwner: 404, coOwner: 403, owner: 200 };
    for (const who of order) expect((await call(who, 'DELETE', `/v1/pets/${pet.id}`)).statusCode, who).toBe(expected[who]);
    expect((await call('coOwner', 'GET', `/v1/pets/${pet.id}`)).statusCode).toBe(404);
  });

  it('co-owner management: invite and remove by the primary owner; a co-owner may only leave', async () => {
    const { pet } = await sharedPet();
    const second = await t.newUser();
    for (const who of EVERYONE) {
      const expected = notForRole(who) ?? { owner: 201, coOwner: 403, otherOwner: 404 }[who as 'owner'];
      expect((await call(who, 'POST', `/v1/pets/${pet.id}/co-owners`, { email: second.email })).statusCode, who).toBe(expected);
    }
    const { token } = await t.linkFor(second.email, '/invitations/pet');
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/pet-invitations/accept', headers: t.bearer(second.accessToken), payload: { token } })).statusCode,
    ).toBe(200);
    // The first co-owner cannot remove the second; strangers see nothing.
    expect((await call('coOwner', 'DELETE', `/v1/pets/${pet.id}/co-owners/${second.id}`)).statusCode).toBe(403);
    for (const who of ['otherOwner', 'business', 'worker', 'admin', 'anonymous'] as Who[])
      expect((await call(who, 'DELETE', `/v1/pets/${pet.id}/co-owners/${second.id}`)).statusCode, who).toBe(notForRole(who) ?? 404);
    // A co-owner leaves by removing themself; the owner removes the other one.
    expect((await call('coOwner', 'DELETE', `/v1/pets/${pet.id}/co-owners/${users.coOwner.id}`)).statusCode).toBe(200);
    expect((await call('coOwner', 'GET', `/v1/pets/${pet.id}`)).statusCode).toBe(404);
    expect((await call('owner', 'DELETE', `/v1/pets/${pet.id}/co-owners/${second.id}`)).statusCode).toBe(200);
    expect((await call('owner', 'DELETE', `/v1/pets/${pet.id}/co-owners/${second.id}`)).statusCode).toBe(404);
    expect((await call('owner', 'GET', `/v1/pets/${pet.id}`)).json().data.coOwners).toEqual([]);
    // Put the first co-owner back for the other tests.
    await shareWith(t, users.owner.accessToken, pet.id, users.coOwner);
  });

  it('vaccinations and photos: owner and co-owner edit; other ids answer 404', async () => {
    const { pet, vaccination, photo } = await sharedPet();
    const { pet: otherPet, vaccination: otherVaccination, photo: otherPhoto } = await sharedPet();
    for (const who of EVERYONE) {
      const status = notForRole(who) ?? (who === 'otherOwner' ? 404 : 201);
      const add = await call(who, 'POST', `/v1/pets/${pet.id}/vaccinations`, { name: `Lepto ${who}`, administeredOn: '2024-05-01', expiresOn: '2025-05-01' });
      expect(add.statusCode, who).toBe(status);
      const put = await call(who, 'PUT', `/v1/pets/${pet.id}/vaccinations/${vaccination.id}`, { name: `Rabies ${who}` });
      expect(put.statusCode, who).toBe(status === 201 ? 200 : status);
      if (who === 'coOwner' || who === 'owner') {
        const m = await uploadAs(who, 'pet_photo', await png());
        expect((await call(who, 'POST', `/v1/pets/${pet.id}/photos`, { mediaId: m.id })).statusCode, who).toBe(201);
      }
    }
    // Someone else's media cannot be attached, even to a pet I may edit.
    const strangers = await uploadAs('otherOwner', 'pet_photo', await png());
    const steal = await call('owner', 'POST', `/v1/pets/${pet.id}/photos`, { mediaId: strangers.id });
    expect(steal.statusCode).toBe(400);
    expect(steal.json().error.details[0].path).toBe('body.mediaId');
    expect((await call('otherOwner', 'POST', `/v1/pets/${pet.id}/photos`, { mediaId: strangers.id })).statusCode).toBe(404);
    // A record of another pet, addressed through my pet, is not found.
    const otherOwnersPet = await createPet(t, users.otherOwner.accessToken);
    expect((await call('otherOwner', 'PUT', `/v1/pets/${otherOwnersPet.id}/vaccinations/${vaccination.id}`, { name: 'x' })).statusCode).toBe(404);
    expect((await call('otherOwner', 'DELETE', `/v1/pets/${otherOwnersPet.id}/vaccinations/${vaccination.id}`)).statusCode).toBe(404);
    expect((await call('otherOwner', 'DELETE', `/v1/pets/${otherOwnersPet.id}/photos/${photo.id}`)).statusCode).toBe(404);
    expect((await call('owner', 'DELETE', `/v1/pets/${pet.id}/photos/${otherPhoto.id}`)).statusCode).toBe(404);
    expect((await call('owner', 'DELETE', `/v1/pets/${pet.id}/vaccinations/${otherVaccination.id}`)).statusCode).toBe(404);
    expect((await call('owner', 'GET', `/v1/pets/${otherPet.id}`)).json().data.photos).toHaveLength(1);
    for (const who of ['otherOwner', 'business', 'worker', 'admin', 'anonymous'] as Who[]) {
      expect((await call(who, 'DELETE', `/v1/pets/${pet.id}/photos/${photo.id}`)).statusCode, who).toBe(notForRole(who) ?? 404);
      expect((await call(who, 'DELETE', `/v1/pets/${pet.id}/vaccinations/${vaccination.id}`)).statusCode, who).toBe(notForRole(who) ?? 404);
    }
    expect((await call('coOwner', 'DELETE', `/v1/pets/${pet.id}/photos/${photo.id}`)).statusCode).toBe(200);
    expect((await call('coOwner', 'DELETE', `/v1/pets/${pet.id}/vaccinations/${vaccination.id}`)).statusCode).toBe(200);
  });
});

describe('permission matrix: media of a pet', () => {
  it('photos and vaccination documents: the pet’s owners and admins; nobody else, not even anonymously', async () => {
    const { pet, photoMedia, doc } = await sharedPet();
    const expected: Record<Who, number> = { owner: 200, coOwner: 200, otherOwner: 404, business: 404, worker: 404, admin: 200, anonymous: 404 };
    for (const url of [photoMedia.url, photoMedia.thumbnailUrl!, doc.url]) {
      for (const who of EVERYONE) {
        expect((await call(who, 'GET', url)).statusCode, `${who} ${url}`).toBe(expected[who]);
        if (who !== 'anonymous')
          expect((await t.app.inject({ url: `${url}?access_token=${users[who].accessToken}` })).statusCode, `${who} ?access_token`).toBe(expected[who]);
      }
    }
    // Deleting the media: only the uploader (or an admin); a co-owner sees it, so 403; strangers 404.
    for (const who of ['otherOwner', 'business', 'worker', 'anonymous'] as Who[])
      expect((await call(who, 'DELETE', `/v1/media/${photoMedia.id}`)).statusCode, who).toBe(who === 'anonymous' ? 401 : 404);
    expect((await call('coOwner', 'DELETE', `/v1/media/${photoMedia.id}`)).statusCode).toBe(403);
    // A removed co-owner loses access at once.
    await call('owner', 'DELETE', `/v1/pets/${pet.id}/co-owners/${users.coOwner.id}`);
    expect((await call('coOwner', 'GET', photoMedia.url)).statusCode).toBe(404);
    expect((await call('coOwner', 'GET', doc.url)).statusCode).toBe(404);
    // Deleting the media removes it from the pet.
    expect((await call('owner', 'DELETE', `/v1/media/${photoMedia.id}`)).statusCode).toBe(200);
    const after = (await call('owner', 'GET', `/v1/pets/${pet.id}`)).json().data;
    expect(after.photos).toEqual([]);
    expect(after.vaccinations[0].document).toMatchObject({ id: doc.id });
    // After the pet is deleted its files are for admins only.
    await call('owner', 'DELETE', `/v1/pets/${pet.id}`);
    expect((await call('owner', 'GET', doc.url)).statusCode).toBe(404);
    expect((await call('admin', 'GET', doc.url)).statusCode).toBe(200);
  });
});
