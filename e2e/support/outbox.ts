import fs from 'node:fs/promises';
import path from 'node:path';

/** Undoes quoted-printable: soft line breaks (`=\n`) and escaped bytes (`=3D`), read as UTF-8. */
export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, '');
  return Buffer.from(
    joined.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}

/** The readable text of an .eml file: quoted-printable decoded, plus any base64 parts decoded. */
export function readableMail(eml: string): string {
  const base64Parts = [...eml.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/gi)].map((m) =>
    Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64').toString('utf8'),
  );
  return [decodeQuotedPrintable(eml), ...base64Parts].join('\n');
}

/**
 * Waits for the newest mail to `to` in DATA_DIR/outbox whose text holds a link to `linkPath`
 * (like `/verify-email`) and returns that link. Mail is sent by a background job, so it is polled.
 */
export async function waitForMailLink(dataDir: string, to: string, linkPath: string, timeoutMs = 30_000): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s"'<>]+${escapeRegExp(linkPath)}\\?token=[A-Za-z0-9_.~%-]+`);
  return waitForMailMatch(dataDir, to, pattern, `a ${linkPath} link`, timeoutMs);
}

/** Like waitForMailLink, for any link (or text) `pattern` finds in a mail to `to`; returns the match. */
export async function waitForMailMatch(dataDir: string, to: string, pattern: RegExp, what: string, timeoutMs = 30_000): Promise<string> {
  const outbox = path.join(dataDir, 'outbox');
  const safeTo = to.replace(/[^a-zA-Z0-9@._-]/g, '_');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const files = (await fs.readdir(outbox).catch(() => [] as string[]))
      .filter((f) => f.endsWith('.eml') && f.includes(safeTo))
      .sort()
      .reverse();
    for (const file of files) {
      const text = readableMail(await fs.readFile(path.join(outbox, file), 'utf8'));
      const found = pattern.exec(text)?.[0];
      if (found) return found.replace(/&amp;/g, '&');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`No mail to ${to} with ${what} arrived in ${outbox} within ${timeoutMs / 1000} s`);
}

/** `text` as a regular expression that matches it literally. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
