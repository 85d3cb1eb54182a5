import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import pino from 'pino';
import type { MailAttachment } from '@walkydoggy/shared';
import { testConfig } from '../support/app.js';
import { createMailer, mailJobHandler } from '../../src/platform/mail.js';

const silent = pino({ level: 'silent' });
const ics = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'METHOD:PUBLISH',
  'BEGIN:VEVENT',
  'UID:b1@walkydoggy',
  'SUMMARY:Walk · Rex',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');
const invite: MailAttachment = { filename: 'booking-WD-AAAA-BBBB.ics', contentType: 'text/calendar; charset=utf-8; method=PUBLISH', content: ics };

type Part = { headers: string; body: string };

/** The MIME parts of a raw message (one level of multipart is all these mails have). */
function partsOf(raw: string): Part[] {
  const boundary = raw.match(/boundary="?([^"\r\n;]+)"?/)?.[1];
  if (!boundary) return [];
  return raw
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((chunk) => {
      const normalised = chunk.replace(/\r\n/g, '\n').replace(/^\n/, '');
      const split = normalised.indexOf('\n\n');
      return { headers: normalised.slice(0, split), body: normalised.slice(split + 2).trim() };
    });
}

/** The attachment's decoded content and headers, found by file name. */
function attachmentOf(raw: string, filename: string): { headers: string; content: string } {
  const part = partsOf(raw).find((p) => /Content-Disposition:\s*attachment/i.test(p.headers) && p.headers.includes(filename));
  if (!part) throw new Error(`No attachment ${filename} in:\n${raw}`);
  const encoding = part.headers.match(/Content-Transfer-Encoding:\s*(\S+)/i)?.[1]?.toLowerCase();
  const content =
    encoding === 'base64'
      ? Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? Buffer.from(
            part.body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8')
        : part.body;
  return { headers: part.headers, content };
}

describe('mail attachments', () => {
  it('sends an attachment over SMTP, byte for byte, with its type and file name', async () => {
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        let data = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (data += chunk));
        stream.on('end', () => {
          received.push(data);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as { port: number }).port;
    try {
      const mailer = createMailer(testConfig({ SMTP_URL: `smtp://127.0.0.1:${port}` }), silent);
      await mailer.send({ to: 'smtp@example.com', subject: 'Booking confirmed', text: 'See you', html: '<p>See you</p>', attachments: [invite] });
      mailer.close();
      expect(received).toHaveLength(1);
      const { headers, content } = attachmentOf(received[0]!, invite.filename);
      expect(headers).toMatch(/Content-Type:\s*text\/calendar/i);
      expect(headers).toMatch(/method=PUBLISH/i);
      expect(content).toBe(ics);
      // The body is still there beside the attachment.
      expect(received[0]).toContain('See you');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('writes the attachment into the outbox .eml when there is no SMTP server', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-outbox-att-'));
    try {
      const mailer = createMailer(testConfig({ DATA_DIR: dataDir }), silent);
      await mailer.send({ to: 'local@example.com', subject: 'Booking confirmed', text: 'x', html: '<p>x</p>', attachments: [invite] });
      mailer.close();
      const [file] = fs.readdirSync(path.join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml'));
      const eml = fs.readFileSync(path.join(dataDir, 'outbox', file!), 'utf8');
      expect(attachmentOf(eml, invite.filename).content).toBe(ics);
    } finally {
      fs.rmSync(dataDir, { recursive: true });
    }
  });

  it('the mail.send job passes its attachments on, and only their content, never a path to read', async () => {
    const sent: SendMailOptions[] = [];
    const transport = nodemailer.createTransport({
      name: 'record',
      version: '1',
      send(mail, callback) {
        sent.push(mail.data);
        callback(null, { envelope: mail.message.getEnvelope(), messageId: '<1@test>' } as never);
      },
    });
    const handle = mailJobHandler(createMailer(testConfig(), silent, transport));
    const sneaky = { ...invite, path: '/etc/passwd', href: 'http://169.254.169.254/' } as MailAttachment;
    await handle({ to: 'owner@example.com', template: 'password-changed', firstName: 'Ann', attachments: [sneaky] });
    await handle({ to: 'plain@example.com', template: 'password-changed', firstName: 'Ben' });
    expect(sent[0]!.attachments).toEqual([invite]);
    expect(sent[0]!.subject).toBe('Your password was changed');
    expect(sent[1]!.attachments).toBeUndefined();
  });
});
