import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';
import type { JobMap, MailAttachment } from '@walkydoggy/shared';
import type { Config } from './config.js';
import { renderMail } from './mail-templates.js';

export type OutgoingMail = { to: string; subject: string; text: string; html: string; attachments?: MailAttachment[] };
export type Mailer = { send(mail: OutgoingMail): Promise<void>; close(): void };

/**
 * With SMTP_URL the mail goes out over SMTP. Without it, each message is written to the log and as
 * an .eml file in DATA_DIR/outbox (with its plain text in a .txt beside it), so someone running the
 * embedded app can open their links.
 */
export function createMailer(config: Config, log: FastifyBaseLogger, transport?: Transporter): Mailer {
  if (transport) return transporterMailer(transport, config.mail.from);
  if (config.mail.smtpUrl) return transporterMailer(smtpTransport(config.mail), config.mail.from);
  const outbox = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await outbox.sendMail(message(config.mail.from, mail));
      await fs.mkdir(config.mail.outboxDir, { recursive: true });
      const safeTo = mail.to.replace(/[^a-zA-Z0-9@._-]/g, '_');
      const file = path.join(config.mail.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${safeTo}.eml`);
      await fs.writeFile(file, info.message as Buffer);
      // The .eml is quoted-printable, which breaks long links over lines (`token=3D…`); the .txt
      // beside it keeps the plain text as written, so a link can be copied whole.
      const textFile = file.replace(/\.eml$/, '.txt');
      await fs.writeFile(textFile, `To: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}\n`);
      log.info({ to: mail.to, subject: mail.subject, file: textFile, text: mail.text }, 'mail written to outbox');
    },
    close() {
      outbox.close();
    },
  };
}

/**
 * Pooled: up to `maxConnections` connections stay open and carry the sends of the concurrent delivery
 * jobs. A server that accepts the connection and then says nothing fails the send after `timeoutMs`
 * (connecting, the greeting, or any silence on the socket), so the job is retried later instead of
 * holding its worker for good.
 */
export function smtpTransport(mail: Pick<Config['mail'], 'maxConnections' | 'timeoutMs'> & { smtpUrl: string | null }) {
  return nodemailer.createTransport({
    url: mail.smtpUrl!,
    pool: true,
    maxConnections: mail.maxConnections,
    connectionTimeout: mail.timeoutMs,
    greetingTimeout: mail.timeoutMs,
    socketTimeout: mail.timeoutMs,
  });
}

function transporterMailer(transport: Transporter, from: string): Mailer {
  return {
    async send(mail) {
      await transport.sendMail(message(from, mail));
    },
    close() {
      transport.close();
    },
  };
}

function message(from: string, mail: OutgoingMail): SendMailOptions {
  const { attachments, ...rest } = mail;
  if (!attachments?.length) return { from, ...rest };
  // Only the three fields of the job contract reach nodemailer: a job payload must never be able to
  // name a local file (`path`) or a URL (`href`) for the mailer to read and send.
  return { from, ...rest, attachments: attachments.map(({ filename, contentType, content }) => ({ filename, contentType, content })) };
}

export function mailJobHandler(mailer: Mailer) {
  return async (job: JobMap['mail.send']) => {
    await mailer.send({ to: job.to, ...renderMail(job), ...(job.attachments?.length ? { attachments: job.attachments } : {}) });
  };
}
