import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { createTestApp, testConfig, type TestApp } from '../support/app.js';
import { createMailer } from '../../src/platform/mail.js';
import { rowsOf } from '../../src/platform/db.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const jobCount = async () => rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'mail.send'`))[0]!.n;

describe('job queue', () => {
  it('enqueues a job only when the transaction that causes it commits', async () => {
    const before = await jobCount();
    await expect(
      t.db.transaction(async (tx) => {
        await t.app.platform.queue.enqueue(tx, 'mail.send', { to: 'a@example.com', template: 'password-changed', firstName: 'A' });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await jobCount()).toBe(before);
    await t.db.transaction(async (tx) => {
      await t.app.platform.queue.enqueue(tx, 'mail.send', { to: 'b@example.com', template: 'password-changed', firstName: 'B' });
    });
    expect(await jobCount()).toBe(before + 1);
    expect(await t.drain()).toBe(1);
    expect(t.outbox.at(-1)).toMatchObject({ to: 'b@example.com', subject: 'Your password was changed' });
  });

  it('runs jobs in the background when workers are on', async () => {
    const withWorkers = await createTestApp({ env: { JOB_WORKERS: 'true' }, sameDatabaseAs: t });
    try {
      await withWorkers.db.transaction((tx) =>
        withWorkers.app.platform.queue.enqueue(tx, 'mail.send', { to: 'w@example.com', template: 'password-changed', firstName: 'W' }),
      );
      for (let i = 0; i < 100 && !withWorkers.outbox.length; i++) await new Promise((r) => setTimeout(r, 100));
      expect(withWorkers.outbox.map((m) => m.to)).toEqual(['w@example.com']);
    } finally {
      await withWorkers.close();
    }
  });
});

describe('mail delivery', () => {
  it('sends over SMTP when SMTP_URL is set', async () => {
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        let data = '';
        stream.on('data', (chunk) => (data += chunk));
        stream.on('end', () => {
          received.push(data);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as { port: number }).port;
    try {
      const config = testConfig({ SMTP_URL: `smtp://127.0.0.1:${port}` });
      const mailer = createMailer(config, pino({ level: 'silent' }));
      await mailer.send({ to: 'smtp@example.com', subject: 'Hello over SMTP', text: 'plain body', html: '<p>html body</p>' });
      mailer.close();
      expect(received).toHaveLength(1);
      expect(received[0]).toContain('Subject: Hello over SMTP');
      expect(received[0]).toContain('To: smtp@example.com');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('without SMTP, writes each message to the outbox folder as an .eml file', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-outbox-'));
    const config = testConfig({ DATA_DIR: dataDir });
    const mailer = createMailer(config, pino({ level: 'silent' }));
    await mailer.send({ to: 'local@example.com', subject: 'Confirm', text: 'Open http://localhost:3000/verify-email?token=abc', html: '<p>x</p>' });
    const files = fs.readdirSync(path.join(dataDir, 'outbox')).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/local@example\.com\.eml$/);
    const eml = fs.readFileSync(path.join(dataDir, 'outbox', files[0]!), 'utf8');
    expect(eml).toContain('Subject: Confirm');
    expect(eml).toContain('verify-email?token=abc');
    fs.rmSync(dataDir, { recursive: true });
  });

  it('keeps a plain .txt beside each .eml, where a long link is whole and can be copied', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-outbox-txt-'));
    try {
      const mailer = createMailer(testConfig({ DATA_DIR: dataDir }), pino({ level: 'silent' }));
      const link = `http://localhost:3000/verify-email?token=${'a1B2-c3_D4'.repeat(12)}`;
      await mailer.send({
        to: 'local@example.com',
        subject: 'Confirm your e-mail',
        text: `Hello,\n\nOpen ${link} to confirm.\n`,
        html: `<a href="${link}">x</a>`,
      });
      mailer.close();
      const files = fs.readdirSync(path.join(dataDir, 'outbox')).sort();
      expect(files.map((f) => path.extname(f))).toEqual(['.eml', '.txt']);
      expect(files[1]).toBe(files[0]!.replace(/\.eml$/, '.txt'));
      // The .eml alone (quoted-printable) does not hold the link as one string: that is why the .txt exists.
      expect(fs.readFileSync(path.join(dataDir, 'outbox', files[0]!), 'utf8')).not.toContain(link);
      const txt = fs.readFileSync(path.join(dataDir, 'outbox', files[1]!), 'utf8');
      expect(txt.split('\n')).toContain(`Open ${link} to confirm.`);
      expect(txt).toMatch(/^To: local@example\.com\nSubject: Confirm your e-mail\n\n/);
    } finally {
      fs.rmSync(dataDir, { recursive: true });
    }
  });
});
