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

// STUB — replaced by the notifications helper (web-push with VAPID keys from config or DATA_DIR).
export function createPush(_config: Config, _log: FastifyBaseLogger): Push {
  return {
    publicKey: '',
    async send() {
      return { ok: false, gone: false, error: 'not implemented' };
    },
  };
}
