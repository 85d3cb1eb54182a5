import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';

/** Sends text messages: through Twilio when configured, else written to the log (embedded default). */
export type Sms = {
  provider: 'log' | 'twilio';
  /** Sends `body` to `to` (E.164); resolves with the provider's message id. Throws when the send failed. */
  send(to: string, body: string): Promise<{ id: string }>;
};

// STUB — replaced by the notifications helper (Twilio adapter + log).
export function createSms(_config: Config, log: FastifyBaseLogger): Sms {
  return {
    provider: 'log',
    async send(to, body) {
      log.info({ to, body }, 'sms (log only)');
      return { id: 'log' };
    },
  };
}
