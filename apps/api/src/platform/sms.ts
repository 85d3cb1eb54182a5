import crypto from 'node:crypto';
import twilio from 'twilio';
import type TwilioRequestClient from 'twilio/lib/base/RequestClient.js';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';

/** Sends text messages: through Twilio when configured, else written to the log (embedded default). */
export type Sms = {
  provider: 'log' | 'twilio';
  /** Sends `body` to `to` (E.164); resolves with the provider's message id. Throws when the send failed. */
  send(to: string, body: string): Promise<{ id: string }>;
};

const TWILIO_API = 'https://api.twilio.com';

/**
 * The SDK's HTTP client with every api.twilio.com address moved to `baseUrl` (TWILIO_API_URL): a
 * Twilio-compatible server (a test double, a regional proxy) then answers what the SDK sends,
 * authentication and form encoding included.
 */
function redirectedClient(baseUrl: string) {
  const base = baseUrl.replace(/\/$/, '');
  return new (class extends twilio.RequestClient {
    override request<TData>(opts: TwilioRequestClient.RequestOptions<TData>) {
      return super.request<TData>({ ...opts, uri: opts.uri.startsWith(TWILIO_API) ? base + opts.uri.slice(TWILIO_API.length) : opts.uri });
    }
  })();
}

export function createSms(config: Config, log: FastifyBaseLogger): Sms {
  const sms = config.sms;
  if (sms.provider === 'twilio') {
    const client = twilio(sms.accountSid, sms.authToken, sms.apiUrl ? { httpClient: redirectedClient(sms.apiUrl) } : {});
    return {
      provider: 'twilio',
      async send(to, body) {
        // Throws a RestException for any non-2xx answer: the delivery job records it and retries.
        const message = await client.messages.create({ to, from: sms.from, body });
        return { id: message.sid };
      },
    };
  }
  return {
    provider: 'log',
    async send(to, body) {
      log.info({ to, body }, 'sms (log only: Twilio is not configured)');
      return { id: `log-${crypto.randomUUID()}` };
    },
  };
}
