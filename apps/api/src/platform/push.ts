import fs from 'node:fs';
import path from 'node:path';
import type https from 'node:https';
import webpush from 'web-push';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';

export type PushTarget = { endpoint: string; p256dh: string; auth: string };
export type PushPayload = { title: string; body: string; url: string | null; tag?: string; data?: Record<string, unknown> };
/** `gone`: the push service says the subscription no longer exists (404/410): delete it. */
export type PushResult = { ok: true } | { ok: false; gone: boolean; error: string };

/** Web Push (VAPID) to browsers' push services. */
export type Push = {
  /** The VAPID public key the browser subscribes with (base64url). */
  publicKey: string;
  send(target: PushTarget, payload: PushPayload): Promise<PushResult>;
};

type VapidKeys = { publicKey: string; privateKey: string };

/**
 * The configured VAPID keys, or a pair generated on first start and kept in DATA_DIR/vapid.json:
 * browsers subscribe with the public key, so it must survive restarts (a new key would silently
 * orphan every subscription).
 */
export function vapidKeys(config: Config): VapidKeys {
  if (config.push.publicKey && config.push.privateKey) return { publicKey: config.push.publicKey, privateKey: config.push.privateKey };
  const file = path.join(config.dataDir, 'vapid.json');
  try {
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<VapidKeys>;
    if (stored.publicKey && stored.privateKey) return { publicKey: stored.publicKey, privateKey: stored.privateKey };
  } catch {
    // Missing or unreadable: make a new pair below.
  }
  const keys = webpush.generateVAPIDKeys();
  fs.mkdirSync(config.dataDir, { recursive: true });
  // `wx`: when two processes start at once, the second keeps the first one's pair.
  try {
    fs.writeFileSync(file, JSON.stringify(keys), { mode: 0o600, flag: 'wx' });
    return keys;
  } catch {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as VapidKeys;
  }
}

/** `agent`: the HTTPS agent for the push services (tests trust their local push service with it). */
export function createPush(config: Config, log: FastifyBaseLogger, opts: { agent?: https.Agent } = {}): Push {
  const keys = vapidKeys(config);
  const vapidDetails = { subject: config.push.subject, publicKey: keys.publicKey, privateKey: keys.privateKey };
  return {
    publicKey: keys.publicKey,
    async send(target, payload) {
      try {
        await webpush.sendNotification({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, JSON.stringify(payload), {
          vapidDetails,
          // A reminder an hour old is noise: the push service may drop it after a day.
          TTL: 24 * 60 * 60,
          timeout: 10_000,
          ...(opts.agent ? { agent: opts.agent } : {}),
        });
        return { ok: true };
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        const gone = status === 404 || status === 410;
        if (!gone) log.warn({ err, endpoint: new URL(target.endpoint).origin }, 'web push failed');
        return { ok: false, gone, error: status ? `push service answered ${status}` : (err as Error).message };
      }
    },
  };
}
