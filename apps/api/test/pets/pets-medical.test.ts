import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { eq, sql } from 'drizzle-orm';
import { media, petPhotos, petVaccinations } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { decompressionBombPng, filesUnder, jpegWithGps, multipart, pdf, png, tempDataDir, type FilePart } from '../support/media-fixtures.js';
import { createPet } from './helpers.js';

let t: TestApp;
let mediaDir: string;
beforeAll(async () => {
  const dir = tempDataDir();
  mediaDir = path.join(dir, 'media');
  t = await createTestApp({ env: { DATA_DIR: dir } });
  t.clock.set(new Date('2025-06-15T10:00:00Z'));
});
afterAll(() => t.close());

async function uploadDoc(token: string, data = pdf(), purpose = 'vaccination_document') {
  const form = multipart({ purpose }, { data, filename: 'cert.pdf' });
  return (await t.app.inject({ method: 'POST', url: '/v1/media', payload: form.payload, headers: { ...form.headers, ...t.bearer(token) } })).json().data;
}
function photoUpload(token: string, petId: string, file: FilePart) {
  const form = multipart({}, file);
  return t.app.inject({ method: 'POST', url: `/v1/pets/${petId}/photos`, payload: form.payload, headers: { ...form.headers, ...t.bearer(token) } });
}
const count = async (table: typeof media | typeof petPhotos | typeof petVaccinations) =>
  (await t.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;

describe('vaccinations', () => {
  it('records vaccinations with a document and tells whether each is still valid', async () => {
    const owner = await t.newUser();
    const pet = await createPet(t, owner.accessToken);
    const doc = await uploadDoc(owner.accessToken);
    const add = await t.app.inject({
      method: 'POST',
      url: `/v1/pets/${pet.id}/vaccinations`,
      headers: t.bearer(owner.accessToken),
      payload: { name: 'Rabies', administeredOn: '2024-06-01', expiresOn: '2027-06-01', documentMediaId: doc.id },
    });
    expect(add.statusCode, add.body).toBe(201);
    expect(add.json().data).toMatchObject({
      name: 'Rabies',
      administeredOn: '2024-06-01',
      expiresOn: '2027-06-01',
      valid: true,
      document: { id: doc.id, kind: 'document' },
    });
    const old = await t.app.inject({
      method: 'POST',
      url: `/v1/pets/${pet.id}/vaccinations`,
      headers: t.bearer(owner.accessToken),
      payload: { name: 'Distemper', administeredOn: '2023-01-01', expiresOn: '2024-01-01' },
    });
    expect(old.json().data).toMatchObject({ valid: false, document: null });
    const noExpiry = await t.app.inject({
      method: 'POST',
      url: `/v1/pets/${pet.id}/vaccinations`,
      headers: t.bearer(owner.accessToken),
      payload: { name: 'Parvo', administeredOn: '2025-06-15' },
    });
    expect(noExpiry.json().data).toMatchObject({ expiresOn: null, valid: true });
    const view = (await t.app.inject({ url: `/v1/pets/${pet.id}`, headers: t.bearer(owner.accessToken) })).json().data;
    expect(view.vaccinations.map((v: { name: string }) => v.name)).toEqual(['Parvo', 'Rabies', 'Distemper']);
    // The same document cannot be used twice.
    const reuse = await t.app.inject({
      method: 'POST',
      url: `/v1/pets/${pet.id}/vaccinations`,
      headers: t.bearer(owner.accessToken),
      payload: { name: 'X', administeredOn: '2024-01-01', documentMediaId: doc.id },
    });
    expect(reuse.json().error.details[0].path).toBe('body.documentMediaId');
  });

  it('replacing or deleting deletes the old document and its file', async () => {
    const owner = await t.newUser();
    const pet = await createPet(t, owner.accessToken);
    const first = await uploadDoc(owner.accessToken);
    const second = await uploadDoc(owner.accessToken);
    const firstKey = (await t.db.query.media.findFirst({ where: eq(media.id, first.id) }))!.storageKey;
    const v = (
      await t.app.inject({
        method: 'POST',
        url: `/v1/pets/${pet.id}/vaccinations`,
        headers: t.bearer(owner.accessToken),
        payload: { name: 'Rabies', administeredOn: '2024-06-01', documentMediaId: first.id },
      })
    ).json().data;
    const put = await t.app.inject({
      method: 'PUT',
      url: `/v1/pets/${pet.id}/vaccinations/${v.id}`,
      headers: t.bearer(owner.accessToken),
      payload: { documentMediaId: second.id, expiresOn: '2026-06-01' },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().data).toMatchObject({ name: 'Rabies', expiresOn: '2026-06-01', document: { id: second.id } });
    expect(filesUnder(mediaDir)).not.toContain(firstKey);
    expect((await t.app.inject({ url: first.url, headers: t.bearer(owner.accessToken) })).statusCode).toBe(404);
    const secondKey = (await t.db.query.media.findFirst({ where: eq(media.id, second.id) }))!.storageKey;
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/pets/${pet.id}/vaccinations/${v.id}`, headers: t.bearer(owner.accessToken) })).statusCode).toBe(
      200,
    );
    expect(filesUnder(mediaDir)).not.toContain(secondKey);
    expect((await t.app.inject({ url: `/v1/pets/${pet.id}`, headers: t.bearer(owner.accessToken) })).json().data.vaccinations).toEqual([]);
  });

  it('refuses bad records with field details and writes nothing', async () => {
    const owner = await t.newUser();
    const other = await t.newUser();
    const pet = await createPet(t, owner.accessToken);
    const photo = await uploadDoc(owner.accessToken, await png(), 'pet_photo');
    const othersDoc = await uploadDoc(other.accessToken);
    const before = await count(petVaccinations);
    const cases: [Record<string, unknown>, string][] = [
      [{ administeredOn: '2024-01-01' }, 'body.name'],
      [{ name: 'Rabies' }, 'body.administeredOn'],
      [{ name: 'Rabies', administeredOn: '01.01.2024' }, 'body.administeredOn'],
      [{ name: 'Rabies', administeredOn: '2030-01-01' }, 'body.administeredOn'],
      [{ name: 'Rabies', administeredOn: '2024-01-01', expiresOn: '2023-01-01' }, 'body.expiresOn'],
      [{ name: 'Rabies', administeredOn: '2024-01-01', documentMediaId: 'nope' }, 'body.documentMediaId'],
      [{ name: 'Rabies', administeredOn: '2024-01-01', documentMediaId: photo.id }, 'body.documentMediaId'],
      [{ name: 'Rabies', administeredOn: '2024-01-01', documentMediaId: othersDoc.id }, 'body.documentMediaId'],
    ];
    for (const [payload, field] of cases) {
      const res = await t.app.inject({ method: 'POST', url: `/v1/pets/${pet.id}/vaccinations`, headers: t.bearer(owner.accessToken), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(
        res.json().error.details.map((d: { path: string }) => d.path),
        JSON.stringify(payload),
      ).toContain(field);
    }
    expect(await count(petVaccinations)).toBe(before);
  });
});

describe('photos', () => {
  it('uploads a photo straight to the pet: re-encoded without GPS, listed, deletable with its files', async () => {
    const owner = await t.newUser();
    const pet = await createPet(t, owner.accessToken);
    const res = await photoUpload(owner.accessToken, pet.id, { data: await jpegWithGps(800, 600), filename: 'dog.jpg', contentType: 'image/jpeg' });
    expect(res.statusCode, res.body).toBe(201);
    const photo = res.json().data;
    expect(photo).toMatchObject({
      id: expect.any(String),
      mediaId: expect.any(String),
      url: `/v1/media/${photo.mediaId}/file`,
      thumbnailUrl: `/v1/media/${photo.mediaId}/thumbnail`,
    });
    const bytes = (await t.app.inject({ url: photo.url, headers: t.bearer(owner.accessToken) })).rawPayload;
    expect((await sharp(bytes).metadata()).exif).toBeUndefined();
    expect((await t.app.inject({ url: `/v1/pets/${pet.id}`, headers: t.bearer(owner.accessToken) })).json().data.photos).toEqual([photo]);
    const row = (await t.db.query.media.findFirst({ where: eq(media.id, photo.mediaId) }))!;
    expect(filesUnder(mediaDir)).toEqual(expect.arrayContaining([row.storageKey, row.thumbnailKey]));
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/pets/${pet.id}/photos/${photo.id}`, headers: t.bearer(owner.accessToken) })).statusCode).toBe(200);
    expect(filesUnder(mediaDir)).not.toContain(row.storageKey);
    expect(filesUnder(mediaDir)).not.toContain(row.thumbnailKey);
    expect((await t.app.inject({ url: photo.url, headers: t.bearer(owner.accessToken) })).statusCode).toBe(404);
  });

  it('stores nothing when the pet is someone else’s or the file is refused', async () => {
    const owner = await t.newUser();
    const stranger = await t.newUser();
    const pet = await createPet(t, owner.accessToken);
    const before = { media: await count(media), photos: await count(petPhotos), files: filesUnder(mediaDir) };
    expect((await photoUpload(stranger.accessToken, pet.id, { data: await png() })).statusCode).toBe(404);
    expect((await photoUpload(owner.accessToken, pet.id, { data: pdf(), filename: 'x.png' })).statusCode).toBe(415);
    expect((await photoUpload(owner.accessToken, pet.id, { data: decompressionBombPng() })).statusCode).toBe(400);
    expect((await photoUpload(owner.accessToken, pet.id, { data: Buffer.alloc(6 * 1024 * 1024, 1) })).statusCode).toBe(413);
    expect((await photoUpload(owner.accessToken, pet.id, { data: await png(), filename: '../../etc/passwd.png' })).statusCode).toBe(201);
    expect(await count(media)).toBe(before.media + 1);
    expect(filesUnder(mediaDir).filter((f) => !before.files.includes(f))).toHaveLength(2);
    expect(filesUnder(mediaDir).every((f) => /^pet-photo\/[0-9a-f-]{36}(-thumb)?\.webp$/.test(f) || !f.startsWith('pet-photo'))).toBe(true);
    const json = await t.app.inject({ method: 'POST', url: `/v1/pets/${pet.id}/photos`, headers: t.bearer(owner.accessToken), payload: {} });
    expect(json.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'body.mediaId' }] });
  });
});
