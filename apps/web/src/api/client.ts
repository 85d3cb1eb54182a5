/**
 * Thin typed wrapper over `fetch` for the WalkyDoggy API (`/v1/...`).
 *
 * The access token lives only in memory (the session store); the long-lived refresh token is an
 * httpOnly cookie the browser sends by itself, so script never sees it.
 */
import type { FieldError } from '@walkydoggy/shared';

export type ApiSuccess<T> = { data: T; message?: string; meta?: Record<string, unknown> };
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** An error answer of the API, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Messages per form field, keyed like `email` (the API's `body.` prefix removed). */
  readonly fieldErrors: Record<string, string>;
  readonly retryAfterSeconds: number | null;

  constructor(status: number, code: string, message: string, details: FieldError[] = [], retryAfterSeconds: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
    this.fieldErrors = {};
    for (const detail of details) {
      const key = detail.path.replace(/^body\.?/, '');
      this.fieldErrors[key] ??= detail.message;
    }
  }
}

/** How the client reaches the session without importing the store (which imports the client). */
export type AuthBridge = {
  getAccessToken: () => string | null;
  /** Exchanges the refresh cookie for a new access token; resolves to whether that worked. */
  refresh: () => Promise<boolean>;
  /** Called when a signed-in request failed and the session could not be renewed. */
  onExpired: () => void;
};

let bridge: AuthBridge = { getAccessToken: () => null, refresh: async () => false, onExpired: () => {} };
let inflightRefresh: Promise<boolean> | null = null;
let expiredListener: () => void = () => {};

export function connectAuth(next: Partial<AuthBridge>): void {
  bridge = { ...bridge, ...next };
}

/** Where to go when the session ends on its own (set once by the app, usually a route change). */
export function onSessionExpired(listener: () => void): void {
  expiredListener = listener;
}

/** Single-flight: every caller that needs a refresh while one is running waits for the same one. */
export function refreshOnce(): Promise<boolean> {
  inflightRefresh ??= bridge.refresh().finally(() => {
    inflightRefresh = null;
  });
  return inflightRefresh;
}

// 401s that mean "your token is stale", as opposed to "wrong password" or "wrong code".
const SESSION_CODES = new Set(['UNAUTHORIZED', 'TOKEN_EXPIRED', 'TOKEN_INVALID']);

export type RequestOptions = { body?: unknown; auth?: boolean; signal?: AbortSignal; headers?: Record<string, string> };

/** A query string from the defined values of `params` (`?a=1&b=x`), or '' when there are none. */
export function queryString(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export async function request<T = undefined>(method: Method, path: string, options: RequestOptions = {}): Promise<ApiSuccess<T>> {
  return readSuccess<T>(await respond(method, path, options, 'application/json'));
}

/** A document the API answers as itself rather than in the JSON envelope (an invoice as HTML or PDF). */
export type ApiFile<B extends string | Blob> = { body: B; contentType: string; filename: string | null };
export type FileOptions = Pick<RequestOptions, 'auth' | 'signal' | 'headers'> & { accept?: string };

/**
 * GETs a non-JSON answer with the same token handling as `request`. A failure still comes as the JSON
 * error envelope and is thrown as an ApiError.
 */
export async function requestFile(path: string, as: 'text', options?: FileOptions): Promise<ApiFile<string>>;
export async function requestFile(path: string, as: 'blob', options?: FileOptions): Promise<ApiFile<Blob>>;
export async function requestFile(path: string, as: 'text' | 'blob', options: FileOptions = {}): Promise<ApiFile<string | Blob>> {
  const response = await respond('GET', path, options, options.accept ?? '*/*');
  return {
    body: as === 'text' ? await response.text() : await response.blob(),
    contentType: response.headers.get('content-type') ?? '',
    filename: filenameOf(response.headers.get('content-disposition')),
  };
}

/** The `filename` of a Content-Disposition header, or null. */
export function filenameOf(disposition: string | null): string | null {
  const match = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/**
 * Sends a request with the access token and, when the API calls the token stale, renews it once and
 * sends again. Resolves to a successful response; any other answer is thrown as an ApiError.
 */
async function respond(method: Method, path: string, options: RequestOptions, accept: string): Promise<Response> {
  const auth = options.auth ?? true;
  const token = auth ? bridge.getAccessToken() : null;
  let response = await send(method, path, options, token, accept);
  if (response.status === 401 && token) {
    const failure = await readError(response.clone());
    if (SESSION_CODES.has(failure.code)) {
      // Another request may have renewed the token while this one was in flight: reuse that one.
      const current = bridge.getAccessToken();
      const fresh = current && current !== token ? current : (await refreshOnce()) ? bridge.getAccessToken() : null;
      if (!fresh) {
        bridge.onExpired();
        expiredListener();
        throw failure;
      }
      response = await send(method, path, options, fresh, accept);
    }
  }
  if (!response.ok) throw await readError(response);
  return response;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, options),
  post: <T = undefined>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  put: <T = undefined>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  patch: <T = undefined>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  delete: <T = undefined>(path: string, body?: unknown, options?: RequestOptions) => request<T>('DELETE', path, { ...options, body }),
  /** `multipart/form-data` upload; the browser sets the boundary, so no content-type is sent by hand. */
  upload: <T>(path: string, form: FormData, options?: Omit<RequestOptions, 'body'>) => request<T>('POST', path, { ...options, body: form }),
  /** A text document (HTML) the API answers outside the envelope. */
  text: (path: string, options?: FileOptions) => requestFile(path, 'text', { accept: 'text/html', ...options }),
  /** A binary document (PDF) the API answers outside the envelope. */
  blob: (path: string, options?: FileOptions) => requestFile(path, 'blob', options),
};

async function send(method: Method, path: string, options: RequestOptions, token: string | null, accept: string): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers, accept };
  let body: string | FormData | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (method !== 'GET') {
    // Fastify rejects an empty body sent as JSON, so a body-less POST/PUT/DELETE sends `{}`.
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body ?? {});
  }
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(`/v1${path}`, { method, headers, body, credentials: 'include', signal: options.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK_ERROR', 'We could not reach WalkyDoggy. Check your connection and try again.');
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function readSuccess<T>(response: Response): Promise<ApiSuccess<T>> {
  const json = (await readJson(response)) as { data?: T; message?: string; meta?: Record<string, unknown> } | null;
  return { data: json?.data as T, message: json?.message, meta: json?.meta };
}

async function readError(response: Response): Promise<ApiError> {
  const json = (await readJson(response)) as { error?: { code?: string; message?: string; details?: FieldError[] } } | null;
  const retryAfter = Number(response.headers.get('retry-after'));
  const error = json?.error;
  return new ApiError(
    response.status,
    error?.code ?? (response.status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST'),
    error?.message ?? 'Something went wrong on our side. Please try again in a moment.',
    Array.isArray(error?.details) ? error.details : [],
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  );
}
