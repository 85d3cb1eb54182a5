import type { APIRequestContext, Page } from 'playwright-core';
import { assert } from './harness.js';
import { waitForMailLink } from './outbox.js';

/** Signs up through the API and opens the confirmation link, so the account is ready to sign in. */
export async function registerVerified(
  page: Page,
  dataDir: string,
  account: { email: string; password: string; firstName: string; lastName: string; role: 'pet_owner' | 'business' },
): Promise<void> {
  const res = await page.request.post('/v1/auth/register', { data: account });
  assert(res.ok(), `register answered ${res.status()}: ${await res.text()}`);
  const link = await waitForMailLink(dataDir, account.email, '/verify-email');
  await page.goto(link);
  await page.getByText('E-mail confirmed', { exact: true }).waitFor();
}

export async function signInThroughForm(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  // Each role lands on its home: owners (and admins) the dashboard, managers their business, workers Today.
  await page.waitForURL((url) => ['/dashboard', '/business', '/worker/today'].includes(url.pathname));
}

export type ApiClient = {
  get: <T>(path: string) => Promise<{ status: number; data: T }>;
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; data: T; error?: { code: string; message: string } }>;
};

/** Calls the API with a bearer token through `page`'s request context (no browser cookies involved). */
function clientFor(page: Page, accessToken: string): ApiClient {
  const request: APIRequestContext = page.request;
  const authorization = `Bearer ${accessToken}`;
  return {
    async get<T>(path: string) {
      const answer = await request.get(path, { headers: { authorization } });
      const body = (await answer.json().catch(() => ({}))) as { data: T };
      return { status: answer.status(), data: body.data };
    },
    async post<T>(path: string, body: unknown = {}, headers: Record<string, string> = {}) {
      const answer = await request.post(path, { headers: { authorization, ...headers }, data: body });
      const json = (await answer.json().catch(() => ({}))) as { data: T; error?: { code: string; message: string } };
      return { status: answer.status(), data: json.data, error: json.error };
    },
  };
}

/** The API as the person signed in on `page`: a fresh access token from the page's refresh cookie. */
export async function apiAs(page: Page): Promise<ApiClient> {
  const res = await page.request.post('/v1/auth/refresh-token', { data: {} });
  assert(res.ok(), `refresh-token answered ${res.status()}`);
  const { data } = (await res.json()) as { data: { accessToken: string } };
  return clientFor(page, data.accessToken);
}

/** Signs in through the API only (for an account whose browser is not needed yet). */
export async function apiSignIn(page: Page, email: string, password: string): Promise<ApiClient> {
  const res = await page.request.post('/v1/auth/login', { data: { email, password } });
  assert(res.ok(), `login of ${email} answered ${res.status()}: ${await res.text()}`);
  const { data } = (await res.json()) as { data: { accessToken?: string; twoFactorRequired?: boolean } };
  assert(data.accessToken, `login of ${email} did not give a token: ${JSON.stringify(data)}`);
  return clientFor(page, data.accessToken);
}

/** Polls `read` until `done` holds for its value (background jobs: mail, payment capture, refunds). */
export async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s; last seen: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    last = await read();
  }
  return last;
}

/** A small valid PNG (a teal square), made here so the test needs no fixture file. */
export async function makePng(size = 64): Promise<Buffer> {
  const zlib = await import('node:zlib');
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type), body])) >>> 0);
    return Buffer.concat([head, Buffer.from(type), body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) rows.set([15, 118 + ((x * 2) % 60), 110], y * (size * 3 + 1) + 1 + x * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
