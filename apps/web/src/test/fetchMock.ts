import { vi } from 'vitest';

export type Call = { method: string; path: string; body: unknown; headers: Record<string, string>; credentials?: RequestCredentials };
/** `raw` answers a document as it is (HTML, the bytes of a PDF) instead of JSON. */
type Reply = { status: number; body?: unknown; raw?: string; headers?: Record<string, string> };
type Handler = (call: Call) => Reply | Promise<Reply>;

/**
 * Stands in for the network, the only thing outside the web app. Routes are `"POST /v1/auth/login"`;
 * each may be a fixed reply or a function, and every call is recorded for assertions.
 */
export function mockFetch(routes: Record<string, Reply | Handler>) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const path = String(input);
    const call: Call = {
      method,
      path,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      headers: { ...(init.headers as Record<string, string>) },
      credentials: init.credentials,
    };
    calls.push(call);
    const route = routes[`${method} ${path}`];
    if (!route) throw new Error(`Unexpected request ${method} ${path}`);
    const reply = typeof route === 'function' ? await route(call) : route;
    if (reply.raw !== undefined) return new Response(reply.raw, { status: reply.status, headers: reply.headers });
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'content-type': 'application/json', ...reply.headers },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock, callsTo: (key: string) => calls.filter((c) => `${c.method} ${c.path}` === key) };
}

export function aUser(overrides: Record<string, unknown> = {}) {
  return {
    id: '5b1f1c2e-8f0a-4c1e-9d7a-0a1b2c3d4e5f',
    email: 'rita@example.com',
    firstName: 'Rita',
    lastName: 'Runner',
    phone: null,
    avatarUrl: null,
    role: 'pet_owner',
    emailVerified: true,
    twoFactorEnabled: false,
    twoFactorSetupRequired: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export const ok = (data?: unknown, status = 200) => ({ status, body: { success: true, ...(data === undefined ? {} : { data }) } });
export const fail = (status: number, code: string, message: string, details?: { path: string; message: string }[]) => ({
  status,
  body: { success: false, error: { code, message, ...(details ? { details } : {}) } },
});
