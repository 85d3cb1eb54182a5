import type { FastifyBaseLogger } from 'fastify';

/** Something a person starting the server should read: a headline and a few lines under it. */
export type Announcement = { title: string; lines: string[]; fields?: Record<string, unknown> };

/** The plain-text form: the headline, then each line as it is (no escaping, no log prefix). */
export function formatAnnouncement(a: Announcement): string {
  return [a.title, ...a.lines].join('\n') + '\n';
}

/**
 * On a terminal the announcement is printed as plain lines, so demo sign-ins and links can be read
 * and copied; anywhere else (a log collector, a pipe) it stays one JSON log line with the lines as a field.
 */
export function announce(log: FastifyBaseLogger, a: Announcement, out: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stdout): void {
  if (out.isTTY) out.write(`\n${formatAnnouncement(a)}\n`);
  else log.info({ ...a.fields, lines: a.lines }, a.title);
}
