import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import * as ece from 'http_ece';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPush, vapidKeys } from '../../src/platform/push.js';
import { testConfig } from '../support/app.js';

/**
 * platform/push.ts: web-push with VAPID to a local HTTPS push service. The test is the browser: it
 * holds a real P-256 key pair and auth secret and decrypts what the push service received.
 */
type Received = { path: string; headers: http.IncomingHttpHeaders; body: Buffer };
const received: Received[] = [];
let server: https.Server;
let base: string;
let agent: https.Agent;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-push-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const cert = fs.readFileSync(path.join(dir, 'cert.pem'));
  server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      // A subscription the browser dropped: the push service says it is gone.
      res.statusCode = req.url!.startsWith('/gone') ? 410 : req.url!.startsWith('/down') ? 503 : 201;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  agent = new https.Agent({ ca: cert });
});
afterAll(async () => {
  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A browser's subscription: its own ECDH key pair and auth secret. */
function browser(endpointPath: string) {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  const authSecret = crypto.randomBytes(16);
  return {
    ecdh,
    authSecret,
    target: { endpoint: `${base}${endpointPath}`, p256dh: ecdh.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url') },
  };
}

describe('web push', () => {
  it('sends an encrypted (aes128gcm) payload with VAPID authorisation that the browser can decrypt', async () => {
    const config = testConfig({ DATA_DIR: dir });
    const push = createPush(config, pino({ level: 'silent' }), { agent });
    const b = browser('/push/abc');
    const payload = { title: 'Sam is on the way', body: 'Coming for Rex', url: '/bookings/1' };
    expect(await push.send(b.target, payload)).toEqual({ ok: true });
    const [request] = received.splice(0);
    expect(request!.path).toBe('/push/abc');
    expect(request!.headers['content-encoding']).toBe('aes128gcm');
    expect(request!.headers.ttl).toBe(String(24 * 60 * 60));
    // VAPID: "vapid t=<JWT>, k=<our public key>"; the JWT's audience is the push service's origin.
    const authorization = request!.headers.authorization!;
    expect(authorization).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${push.publicKey}$`));
    const jwt = JSON.parse(Buffer.from(authorization.split('t=')[1]!.split('.')[1]!, 'base64url').toString());
    expect(jwt).toMatchObject({ aud: base, sub: config.push.subject });
    const clear = ece.decrypt(request!.body, { version: 'aes128gcm', privateKey: b.ecdh, authSecret: b.authSecret.toString('base64url') });
    expect(JSON.parse(clear.toString('utf8'))).toEqual(payload);
  });

  it('says a subscription is gone on 410 and a failure on 503', async () => {
    const push = createPush(testConfig({ DATA_DIR: dir }), pino({ level: 'silent' }), { agent });
    const payload = { title: 't', body: 'b', url: null };
    expect(await push.send(browser('/gone/1').target, payload)).toEqual({ ok: false, gone: true, error: 'push service answered 410' });
    expect(await push.send(browser('/down/1').target, payload)).toEqual({ ok: false, gone: false, error: 'push service answered 503' });
    received.length = 0;
  });
});

describe('VAPID keys', () => {
  it('are generated once into DATA_DIR/vapid.json (mode 0600) and reused after a restart', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-vapid-'));
    try {
      const first = vapidKeys(testConfig({ DATA_DIR: dataDir }));
      const file = path.join(dataDir, 'vapid.json');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(first);
      expect(vapidKeys(testConfig({ DATA_DIR: dataDir }))).toEqual(first);
      expect(createPush(testConfig({ DATA_DIR: dataDir }), pino({ level: 'silent' })).publicKey).toBe(first.publicKey);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('come from the configuration when set, and then no file is written', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-vapid-'));
    try {
      const keys = vapidKeys(testConfig({ DATA_DIR: dataDir }));
      fs.rmSync(path.join(dataDir, 'vapid.json'));
      const configured = testConfig({ DATA_DIR: dataDir, VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey });
      expect(createPush(configured, pino({ level: 'silent' })).publicKey).toBe(keys.publicKey);
      expect(fs.existsSync(path.join(dataDir, 'vapid.json'))).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
