import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { eq } from 'drizzle-orm';
import { media, users } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { filesUnder, jpegWithGps, multipart, pdf, png, tempDataDir, type FilePart } from '../support/media-fixtures.js';

let t: TestApp;
let mediaDir: string;
beforeAll(async () => {
  const dataDir = tempDataDir();
  mediaDir = path.join(dataDir, 'media');
  t = await createTestApp({ env: { DATA_DIR: dataDir, UPLOAD_MAX_BYTES: String(200_000) } });
});
afterAll(() => t.close());

function upload(token: string, file: FilePart) {
  const form = multipart({}, file);
  return t.app.inject({ method: 'POST', url: '/v1/users/me/avatar', payload: form.payload, headers: { ...form.headers, ...t.bearer(token) } });
}

describe('POST/DELETE /v1/users/me/avatar', () => {
  it('stores the picture without EXIF, shows its url in the user view, and lets anyone load it while in use', async () => {
    const owner = await t.newUser();
    const res = await upload(owner.accessToken, { data: await jpegWithGps(400, 400), filename: 'me.jpg', contentType: 'image/jpeg' });
    expect(res.statusCode, res.body).toBe(200);
    const url = res.json().data.avatarUrl as string;
    expect(url).toMatch(/^\/v1\/media\/[0-9a-f-]{36}\/thumbnail$/);
    expect((await t.app.inject({ url: '/v1/users/me', headers: t.bearer(owner.accessToken) })).json().data.avatarUrl).toBe(url);

    const anonymous = await t.app.inject({ url });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.headers['cache-control']).toContain('public');
    const meta = await sharp(anonymous.rawPayload).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.exif).toBeUndefined();
    expect(anonymous.rawPayload.includes(Buffer.from('PhoneCo'))).toBe(false);

    // A new picture replaces the old one, whose files go.
    const filesBefore = filesUnder(mediaDir).length;
    const second = await upload(owner.accessToken, { data: await png(200, 200), contentType: 'image/png' });
    expect(second.statusCode).toBe(200);
    expect(second.json().data.avatarUrl).not.toBe(url);
    expect(filesUnder(mediaDir).length).toBe(filesBefore);
    expect((await t.app.inject({ url })).statusCode).toBe(404);

    const removed = await t.app.inject({ method: 'DELETE', url: '/v1/users/me/avatar', headers: t.bearer(owner.accessToken) });
    expect(removed.statusCode).toBe(200);
    expect(removed.json().data.avatarUrl).toBeNull();
    expect((await t.db.query.users.findFirst({ where: eq(users.id, owner.id) }))!.avatarMediaId).toBeNull();
    expect(filesUnder(mediaDir).length).toBe(filesBefore - 2);
  });

  it('refuses a PDF, a text file and a file over the size limit, storing nothing', async () => {
    const owner = await t.newUser();
    const rowsBefore = await t.db.$count(media);
    const asPdf = await upload(owner.accessToken, { data: pdf(), contentType: 'application/pdf' });
    expect(asPdf.statusCode).toBe(415);
    const asText = await upload(owner.accessToken, { data: Buffer.from('hello'), contentType: 'image/png' });
    expect(asText.statusCode).toBe(415);
    const big = await sharp({ create: { width: 1500, height: 1500, channels: 3, background: { r: 1, g: 2, b: 3 } } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    const tooBig = await upload(owner.accessToken, { data: big, contentType: 'image/png' });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().success).toBe(false);
    expect(await t.db.$count(media)).toBe(rowsBefore);
    expect((await t.db.query.users.findFirst({ where: eq(users.id, owner.id) }))!.avatarMediaId).toBeNull();
  });

  it('is no longer public once the account is deleted, and the erasure job deletes it', async () => {
    const owner = await t.newUser();
    const url = (await upload(owner.accessToken, { data: await png(100, 100), contentType: 'image/png' })).json().data.avatarUrl as string;
    const mediaId = url.split('/')[3]!;
    expect(
      (await t.app.inject({ method: 'DELETE', url: '/v1/users/me', headers: t.bearer(owner.accessToken), payload: { password: owner.password } })).statusCode,
    ).toBe(200);
    // Deleted at once: the picture is no longer public.
    expect((await t.app.inject({ url })).statusCode).toBe(404);
    await t.drain();
    const row = await t.db.query.media.findFirst({ where: eq(media.id, mediaId) });
    expect(row!.deletedAt).not.toBeNull();
    expect((await t.db.query.users.findFirst({ where: eq(users.id, owner.id) }))!.avatarMediaId).toBeNull();
  });
});
