import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { eq, sql } from 'drizzle-orm';
import { media } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { decompressionBombPng, filesUnder, jpegWithGps, multipart, pdf, png, tempDataDir, webp, type FilePart } from '../support/media-fixtures.js';

let t: TestApp;
let mediaDir: string;
beforeAll(async () => {
  const dataDir = tempDataDir();
  mediaDir = path.join(dataDir, 'media');
  t = await createTestApp({ env: { DATA_DIR: dataDir } });
});
afterAll(() => t.close());

function upload(token: string | null, purpose: string | null, file?: FilePart) {
  const form = multipart(purpose === null ? {} : { purpose }, file);
  return t.app.inject({ method: 'POST', url: '/v1/media', payload: form.payload, headers: { ...form.headers, ...(token ? t.bearer(token) : {}) } });
}
async function mediaRows() {
  return (await t.db.select({ n: sql<number>`count(*)::int` }).from(media))[0]!.n;
}

describe('POST /v1/media', () => {
  it('re-encodes a JPEG: orientation applied, EXIF and GPS gone, bounded size, thumbnail made', async () => {
    const owner = await t.newUser();
    const original = await jpegWithGps(3000, 1500);
    expect((await sharp(original).metadata()).exif?.toString('hex')).toContain('2588'); // the GPS IFD pointer is really there
    const res = await upload(owner.accessToken, 'pet_photo', { data: original, filename: 'IMG_0001.JPG', contentType: 'image/jpeg' });
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json().data;
    expect(m).toMatchObject({ purpose: 'pet_photo', kind: 'image', mimeType: 'image/webp', width: 2048, height: 1024 });
    expect(m.url).toBe(`/v1/media/${m.id}/file`);
    expect(m.thumbnailUrl).toBe(`/v1/media/${m.id}/thumbnail`);

    const file = await t.app.inject({ url: m.url, headers: t.bearer(owner.accessToken) });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/webp');
    expect(file.headers['cache-control']).toContain('private');
    const stored = await sharp(file.rawPayload).metadata();
    expect(stored).toMatchObject({ format: 'webp', width: 2048, height: 1024 });
    expect(stored.exif).toBeUndefined();
    expect(stored.xmp).toBeUndefined();
    expect(file.rawPayload.includes(Buffer.from('PhoneCo'))).toBe(false);
    expect(file.rawPayload.length).toBe(m.sizeBytes);

    const thumb = await t.app.inject({ url: m.thumbnailUrl, headers: t.bearer(owner.accessToken) });
    const thumbMeta = await sharp(thumb.rawPayload).metadata();
    expect(thumbMeta).toMatchObject({ format: 'webp', width: 320, height: 160 });
    expect(thumbMeta.exif).toBeUndefined();

    // Keys are random, never the client's file name.
    const row = await t.db.query.media.findFirst({ where: eq(media.id, m.id) });
    expect(row!.storageKey).not.toMatch(/IMG_0001/i);

    // A portrait photo stored sideways with an orientation tag comes out upright.
    const sideways = await sharp(await png(300, 100))
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const turned = await upload(owner.accessToken, 'pet_photo', { data: sideways });
    expect(turned.json().data).toMatchObject({ width: 100, height: 300 });
    expect(filesUnder(mediaDir)).toEqual(expect.arrayContaining([row!.storageKey, row!.thumbnailKey]));
  });

  it('accepts PNG and WebP images and PDF documents, recognised by their bytes', async () => {
    const owner = await t.newUser();
    const a = await upload(owner.accessToken, 'avatar', { data: await png(), filename: 'whatever.txt', contentType: 'text/plain' });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json().data).toMatchObject({ kind: 'image', width: 64, height: 48 });
    const b = await upload(owner.accessToken, 'pet_photo', { data: await webp(), filename: 'x' });
    expect(b.statusCode).toBe(201);
    const doc = pdf();
    const c = await upload(owner.accessToken, 'vaccination_document', { data: doc, filename: 'cert.pdf', contentType: 'application/pdf' });
    expect(c.statusCode, c.body).toBe(201);
    expect(c.json().data).toMatchObject({
      kind: 'document',
      mimeType: 'application/pdf',
      sizeBytes: doc.length,
      width: null,
      height: null,
      thumbnailUrl: null,
    });
    const file = await t.app.inject({ url: c.json().data.url, headers: t.bearer(owner.accessToken) });
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toContain('.pdf');
    expect(file.rawPayload.equals(doc)).toBe(true);
    expect((await t.app.inject({ url: `/v1/media/${c.json().data.id}/thumbnail`, headers: t.bearer(owner.accessToken) })).statusCode).toBe(404);
  });

  it('refuses attacks with a 4xx and stores nothing: no row, no file', async () => {
    const owner = await t.newUser();
    const rowsBefore = await mediaRows();
    const filesBefore = filesUnder(mediaDir);
    const cases: { name: string; purpose: string; file: FilePart; status: number; code: string }[] = [
      {
        name: 'oversized',
        purpose: 'pet_photo',
        file: { data: Buffer.concat([await png(), Buffer.alloc(5 * 1024 * 1024)]) },
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      },
      {
        name: 'text named .jpg',
        purpose: 'pet_photo',
        file: { data: Buffer.from('<script>alert(1)</script>'), filename: 'cat.jpg', contentType: 'image/jpeg' },
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      {
        name: 'SVG',
        purpose: 'pet_photo',
        file: { data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'), filename: 'a.svg', contentType: 'image/svg+xml' },
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      {
        name: 'PNG renamed .pdf',
        purpose: 'vaccination_document',
        file: { data: await png(), filename: 'vaccine.pdf', contentType: 'application/pdf' },
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      {
        name: 'PDF as a photo',
        purpose: 'pet_photo',
        file: { data: pdf(), filename: 'dog.png', contentType: 'image/png' },
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      {
        name: 'decompression bomb',
        purpose: 'pet_photo',
        file: { data: decompressionBombPng(), filename: 'bomb.png', contentType: 'image/png' },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      { name: 'truncated JPEG', purpose: 'pet_photo', file: { data: (await jpegWithGps(200, 200)).subarray(0, 300) }, status: 400, code: 'VALIDATION_ERROR' },
      {
        name: 'path traversal name',
        purpose: 'pet_photo',
        file: { data: Buffer.from('not an image'), filename: '../../etc/passwd.png', contentType: 'image/png' },
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      { name: 'empty file', purpose: 'pet_photo', file: { data: Buffer.alloc(0), filename: 'empty.png' }, status: 400, code: 'VALIDATION_ERROR' },
    ];
    for (const c of cases) {
      const res = await upload(owner.accessToken, c.purpose, c.file);
      expect(res.statusCode, `${c.name}: ${res.body}`).toBe(c.status);
      expect(res.json(), c.name).toMatchObject({ success: false, error: { code: c.code } });
    }
    expect((await upload(owner.accessToken, 'pet_photo', { data: decompressionBombPng() })).json().error.details[0]).toMatchObject({
      path: 'body.file',
      code: 'too_many_pixels',
    });
    expect(await mediaRows()).toBe(rowsBefore);
    expect(filesUnder(mediaDir)).toEqual(filesBefore);
  });

  it('a path-traversal file name is ignored: the valid image is stored under a random key inside the folder', async () => {
    const owner = await t.newUser();
    const res = await upload(owner.accessToken, 'pet_photo', { data: await png(), filename: '../../etc/passwd.png', contentType: 'image/png' });
    expect(res.statusCode).toBe(201);
    const row = await t.db.query.media.findFirst({ where: eq(media.id, res.json().data.id) });
    expect(row!.storageKey).toMatch(/^pet-photo\/[0-9a-f-]{36}\.webp$/);
    expect(filesUnder(mediaDir)).toContain(row!.storageKey);
  });

  it('answers 400 with field details for bad fields, and stores nothing', async () => {
    const owner = await t.newUser();
    const rowsBefore = await mediaRows();
    const filesBefore = filesUnder(mediaDir);
    const image = { data: await png() };
    const noPurpose = await upload(owner.accessToken, null, image);
    expect(noPurpose.statusCode).toBe(400);
    expect(noPurpose.json().error.details[0].path).toBe('body.purpose');
    const badPurpose = await upload(owner.accessToken, 'selfie', image);
    expect(badPurpose.statusCode).toBe(400);
    expect(badPurpose.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'body.purpose' }] });
    const noFile = await upload(owner.accessToken, 'pet_photo');
    expect(noFile.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'body.file' }] });
    const wrongField = await upload(owner.accessToken, 'pet_photo', { ...image, field: 'photo' });
    expect(wrongField.json().error.details[0].path).toBe('body.file');
    const json = await t.app.inject({ method: 'POST', url: '/v1/media', headers: t.bearer(owner.accessToken), payload: { purpose: 'pet_photo' } });
    expect(json.statusCode).toBe(415);
    expect(await mediaRows()).toBe(rowsBefore);
    expect(filesUnder(mediaDir)).toEqual(filesBefore);
  });

  it('needs a signed-in account', async () => {
    const res = await upload(null, 'pet_photo', { data: await png() });
    expect(res.statusCode).toBe(401);
  });
});

describe('GET /v1/media/:id/file and DELETE /v1/media/:id', () => {
  it('shows a not yet attached upload to its uploader (header or ?access_token=) and admins only', async () => {
    const uploader = await t.newUser();
    const roles = {
      otherOwner: await t.newUser(),
      business: await t.newUser({ role: 'business' }),
      worker: await t.newUser({ role: 'worker' }),
      admin: await t.newUser({ role: 'admin' }),
    };
    const m = (await upload(uploader.accessToken, 'pet_photo', { data: await png() })).json().data;
    expect((await t.app.inject({ url: m.url, headers: t.bearer(uploader.accessToken) })).statusCode).toBe(200);
    const viaQuery = await t.app.inject({ url: `${m.url}?access_token=${encodeURIComponent(uploader.accessToken)}` });
    expect(viaQuery.statusCode).toBe(200);
    expect(viaQuery.headers['content-type']).toBe('image/webp');
    expect((await t.app.inject({ url: `${m.thumbnailUrl}?access_token=${uploader.accessToken}` })).statusCode).toBe(200);
    expect((await t.app.inject({ url: m.url })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `${m.url}?access_token=not-a-token` })).statusCode).toBe(401);
    for (const [who, user] of Object.entries({ otherOwner: roles.otherOwner, business: roles.business, worker: roles.worker })) {
      const res = await t.app.inject({ url: m.url, headers: t.bearer(user.accessToken) });
      expect(res.statusCode, who).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
      expect((await t.app.inject({ url: `${m.url}?access_token=${user.accessToken}` })).statusCode, who).toBe(404);
    }
    expect((await t.app.inject({ url: m.url, headers: t.bearer(roles.admin.accessToken) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/v1/media/${crypto.randomUUID()}/file`, headers: t.bearer(uploader.accessToken) })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/v1/media/not-a-uuid/file', headers: t.bearer(uploader.accessToken) })).statusCode).toBe(400);
  });

  it('lets the uploader or an admin delete; others get 404; the files are removed', async () => {
    const uploader = await t.newUser();
    const other = await t.newUser();
    const admin = await t.newUser({ role: 'admin' });
    const first = (await upload(uploader.accessToken, 'pet_photo', { data: await png() })).json().data;
    const second = (await upload(uploader.accessToken, 'vaccination_document', { data: pdf() })).json().data;
    const row = await t.db.query.media.findFirst({ where: eq(media.id, first.id) });
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/media/${first.id}` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/media/${first.id}`, headers: t.bearer(other.accessToken) })).statusCode).toBe(404);
    expect(filesUnder(mediaDir)).toContain(row!.storageKey);
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/media/${first.id}`, headers: t.bearer(uploader.accessToken) });
    expect(del.statusCode).toBe(200);
    expect(filesUnder(mediaDir)).not.toContain(row!.storageKey);
    expect(filesUnder(mediaDir)).not.toContain(row!.thumbnailKey);
    expect((await t.app.inject({ url: first.url, headers: t.bearer(uploader.accessToken) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/media/${first.id}`, headers: t.bearer(uploader.accessToken) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/media/${second.id}`, headers: t.bearer(admin.accessToken) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: second.url, headers: t.bearer(uploader.accessToken) })).statusCode).toBe(404);
  });
});
