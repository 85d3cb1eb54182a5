import { beforeEach, describe, expect, it } from 'vitest';
import { fail, mockFetch, ok } from '../test/fetchMock';
import { ApiError, api, connectAuth, filenameOf } from './client';

let token: string | null = 'tok-1';
let refreshes = 0;
beforeEach(() => {
  token = 'tok-1';
  refreshes = 0;
  connectAuth({
    getAccessToken: () => token,
    refresh: async () => {
      refreshes += 1;
      token = 'tok-2';
      return true;
    },
    onExpired: () => (token = null),
  });
});

const html = '<!doctype html><html><body><h1>Invoice INV-WD-7K3M-9Q2P</h1></body></html>';

describe('api client: documents outside the JSON envelope', () => {
  it('fetches HTML as text with the bearer token and asks for HTML', async () => {
    const net = mockFetch({ 'GET /v1/payments/p1/invoice': { status: 200, raw: html, headers: { 'content-type': 'text/html; charset=utf-8' } } });

    const file = await api.text('/payments/p1/invoice');

    expect(file.body).toBe(html);
    expect(file.contentType).toBe('text/html; charset=utf-8');
    expect(file.filename).toBeNull();
    const [call] = net.calls;
    expect(call?.headers.authorization).toBe('Bearer tok-1');
    expect(call?.headers.accept).toBe('text/html');
    expect(call?.credentials).toBe('include');
  });

  it('fetches a PDF as a blob and reads its file name from Content-Disposition', async () => {
    mockFetch({
      'GET /v1/payments/p1/invoice?format=pdf': {
        status: 200,
        raw: '%PDF-1.3 test',
        headers: { 'content-type': 'application/pdf', 'content-disposition': 'inline; filename="INV-WD-7K3M-9Q2P.pdf"' },
      },
    });

    const file = await api.blob('/payments/p1/invoice?format=pdf', { accept: 'application/pdf' });

    expect(file.body.type).toBe('application/pdf');
    expect(await file.body.text()).toBe('%PDF-1.3 test');
    expect(file.filename).toBe('INV-WD-7K3M-9Q2P.pdf');
  });

  it('renews a stale token once and sends the document request again', async () => {
    const net = mockFetch({
      'GET /v1/payments/p1/invoice': (call) =>
        call.headers.authorization === 'Bearer tok-2'
          ? { status: 200, raw: html, headers: { 'content-type': 'text/html' } }
          : fail(401, 'TOKEN_EXPIRED', 'Your session has expired.'),
    });

    const file = await api.text('/payments/p1/invoice');

    expect(file.body).toBe(html);
    expect(refreshes).toBe(1);
    expect(net.calls.map((c) => c.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('throws the error envelope of a failed document request as an ApiError', async () => {
    mockFetch({ 'GET /v1/payments/p1/invoice': fail(409, 'CONFLICT', 'There is no invoice yet: the payment has not been taken.') });

    const error = await api.text('/payments/p1/invoice').catch((err: unknown) => err);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'CONFLICT', message: 'There is no invoice yet: the payment has not been taken.' });
  });

  it('still asks for and reads JSON on ordinary requests', async () => {
    const net = mockFetch({ 'GET /v1/payments/p1': ok({ id: 'p1' }) });

    const { data } = await api.get<{ id: string }>('/payments/p1');

    expect(data).toEqual({ id: 'p1' });
    expect(net.calls[0]?.headers.accept).toBe('application/json');
  });
});

describe('filenameOf', () => {
  it('reads plain and RFC 5987 file names, or gives null', () => {
    expect(filenameOf('attachment; filename="a b.pdf"')).toBe('a b.pdf');
    expect(filenameOf("attachment; filename*=UTF-8''Rechnung%20%C3%BC.pdf")).toBe('Rechnung ü.pdf');
    expect(filenameOf('inline')).toBeNull();
    expect(filenameOf(null)).toBeNull();
  });
});
