/** Place names to points and back (GET /v1/geocode, /v1/geocode/reverse); public. */
import { api, queryString } from './client';

export type PlaceKind = 'city' | 'district' | 'street' | 'address' | 'poi';
export type Place = {
  label: string;
  name: string;
  kind: PlaceKind;
  lat: number;
  lng: number;
  address?: { street: string | null; city: string | null; postalCode: string | null; country: string | null };
};
/** What the search remembers: a name to show and the point it stands for. */
export type ChosenPlace = { label: string; lat: number; lng: number };

export const geocodeApi = {
  search: (q: string, opts: { near?: { lat: number; lng: number } | null; limit?: number; signal?: AbortSignal } = {}) =>
    api.get<Place[]>(`/geocode${queryString({ q, near: opts.near ? `${round(opts.near.lat)},${round(opts.near.lng)}` : undefined, limit: opts.limit ?? 6 })}`, {
      auth: false,
      ...(opts.signal ? { signal: opts.signal } : {}),
    }),
  reverse: (lat: number, lng: number) => api.get<Place | null>(`/geocode/reverse${queryString({ lat: round(lat), lng: round(lng) })}`, { auth: false }),
};

const round = (v: number) => Math.round(v * 1e5) / 1e5;
