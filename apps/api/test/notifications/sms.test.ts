import http from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSms } from '../../src/platform/sms.js';
import { testConfig } from '../support/app.js';

/**
 * platform/sms.ts with TWILIO_*: the official SDK, pointed by TWILIO_API_URL at a local server that
 * answers the Messages API as Twilio does, so what the SDK really sends (path, Basic auth, form) is checked.
 */
const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'twilio-test-auth-token';
type Received = { method: string; path: string; authorization: string | undefined; form: URLSearchParams };
const received: Received[] = [];
/** The answer the next request gets: Twilio's 201, or a 500. */
let failNext = false;
let server: http.Server;
let apiUrl: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      received.push({ method: req.method!, path: req.url!, authorization: req.headers.authorization, form });
      res.setHeader('content-type', 'application/json');
      if (failNext) {
        failNext = false;
        res.statusCode = 500;
        return res.end(JSON.stringify({ code: 20500, message: 'Internal Server Error', status: 500 }));
      }
      res.statusCode = 201;
      res.end(
        JSON.stringify({ sid: `SM${'f'.repeat(32)}`, account_sid: SID, to: form.get('To'), from: form.get('From'), body: form.get('Body'), status: 'queued' }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const twilioConfig = () => testConfig({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM: '+15005550006', TWILIO_API_URL: apiUrl });

describe('Twilio', () => {
  it("sends the message through the SDK to the Messages API and resolves with Twilio's message sid", async () => {
    received.length = 0;
    const sms = createSms(twilioConfig(), pino({ level: 'silent' }));
    expect(sms.provider).toBe('twilio');
    expect(await sms.send('+4915112345678', 'Sam is on the way')).toEqual({ id: `SM${'f'.repeat(32)}` });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(request!.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(Object.fromEntries(request!.form)).toEqual({ To: '+4915112345678', From: '+15005550006', Body: 'Sam is on the way' });
  });

  it('throws when Twilio answers with an error', async () => {
    failNext = true;
    const sms = createSms(twilioConfig(), pino({ level: 'silent' }));
    await expect(sms.send('+4915112345678', 'x')).rejects.toThrow(/Internal Server Error|500/);
  });
});

describe('without Twilio', () => {
  it('logs the message and answers a made-up id, sending nothing', async () => {
    received.length = 0;
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const sms = createSms(testConfig(), log);
    expect(sms.provider).toBe('log');
    const { id } = await sms.send('+4915112345678', 'Hello');
    expect(id).toMatch(/^log-/);
    expect(received).toEqual([]);
    expect(JSON.parse(lines[0]!)).toMatchObject({ to: '+4915112345678', body: 'Hello' });
  });
});
