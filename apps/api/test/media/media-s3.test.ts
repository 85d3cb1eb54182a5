import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import S3rver from 's3rver';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { sql } from 'drizzle-orm';
import { media } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { decompressionBombPng, jpegWithGps, multipart, pdf, png, type FilePart } from '../support/media-fixtures.js';
import { createPet } from '../pets/helpers.js';

const BUCKET = 'walkydoggy-test';
let server: S3rver;
let endpoint: string;
let t: TestApp;
let s3: S3Client;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'walkydoggy-s3rver-'));
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: BUCKET, configs: [] }] });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  t = await createTestApp({
    env: { S3_BUCKET: BUCKET, S3_ENDPOINT: endpoint, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_FORCE_PATH_STYLE: 'true' },
  });
  s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
});
afterAll(async () => {
  await t?.close();
  s3?.destroy();
  await server?.close();
});

async function objectKeys(): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}
function upload(token: string, purpose: string, file: FilePart) {
  const form = multipart({ purpose }, file);
  return t.app.inject({ method: 'POST', url: '/v1/media', payload: form.payload, headers: { ...form.headers, ...t.bearer(token) } });
}

describe('media on an S3-compatible bucket', () => {
  it('stores uploads as objects and serves them back through the API, with access checks', async () => {
    expect(t.app.platform.config.storage.kind).toBe('s3');
    const owner = await t.newUser();
    const stranger = await t.newUser();
    const res = await upload(owner.accessToken, 'pet_photo', { data: await jpegWithGps(640, 480), filename: 'gps.jpg' });
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json().data;
    const keys = await objectKeys();
    expect(keys).toEqual([`pet-photo/${m.id}-thumb.webp`, `pet-photo/${m.id}.webp`]);

    const file = await t.app.inject({ url: m.url, headers: t.bearer(owner.accessToken) });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/webp');
    const meta = await sharp(file.rawPayload).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 640, height: 480 });
    expect(meta.exif).toBeUndefined();
    expect((await t.app.inject({ url: `${m.thumbnailUrl}?access_token=${owner.accessToken}` })).statusCode).toBe(200);
    expect((await t.app.inject({ url: m.url, headers: t.bearer(stranger.accessToken) })).statusCode).toBe(404);

    const doc = pdf();
    const d = (await upload(owner.accessToken, 'vaccination_document', { data: doc })).json().data;
    expect((await t.app.inject({ url: d.url, headers: t.bearer(owner.accessToken) })).rawPayload.equals(doc)).toBe(true);

    // A pet photo uploaded to the pet directly goes to the bucket too.
    const pet = await createPet(t, owner.accessToken);
    const form = multipart({}, { data: await png() });
    const photo = await t.app.inject({
      method: 'POST',
      url: `/v1/pets/${pet.id}/photos`,
      payload: form.payload,
      headers: { ...form.headers, ...t.bearer(owner.accessToken) },
    });
    expect(photo.statusCode, photo.body).toBe(201);
    expect((await t.app.inject({ url: photo.json().data.url, headers: t.bearer(owner.accessToken) })).statusCode).toBe(200);

    // Deleting removes the objects.
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/media/${m.id}`, headers: t.bearer(owner.accessToken) })).statusCode).toBe(200);
    expect(await objectKeys()).not.toContain(`pet-photo/${m.id}.webp`);
    expect(await objectKeys()).not.toContain(`pet-photo/${m.id}-thumb.webp`);
  });

  it('refused uploads leave neither a row nor an object', async () => {
    const owner = await t.newUser();
    const keysBefore = await objectKeys();
    const rowsBefore = (await t.db.select({ n: sql<number>`count(*)::int` }).from(media))[0]!.n;
    expect((await upload(owner.accessToken, 'pet_photo', { data: Buffer.alloc(6 * 1024 * 1024, 7) })).statusCode).toBe(413);
    expect((await upload(owner.accessToken, 'vaccination_document', { data: await png(), filename: 'x.pdf' })).statusCode).toBe(415);
    expect((await upload(owner.accessToken, 'pet_photo', { data: decompressionBombPng() })).statusCode).toBe(400);
    expect((await upload(owner.accessToken, 'pet_photo', { data: Buffer.from('GIF89a...'), filename: '../../etc/passwd.png' })).statusCode).toBe(415);
    expect(await objectKeys()).toEqual(keysBefore);
    expect((await t.db.select({ n: sql<number>`count(*)::int` }).from(media))[0]!.n).toBe(rowsBefore);
  });
});
