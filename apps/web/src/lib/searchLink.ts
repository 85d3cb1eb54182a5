/** The search as a link: the landing page sends a visitor to /search with the place, service and time chosen. */
import type { LocationQuery } from 'vue-router';
import type { ChosenPlace } from '../api/geocode';
import { SERVICE_TYPES, type ServiceType } from '../api/businesses';

export type SearchLink = { place: ChosenPlace | null; serviceType?: ServiceType | ''; date?: string; from?: string; to?: string; pets?: number };

export function searchQueryOf(link: SearchLink): Record<string, string> {
  const q: Record<string, string> = {};
  if (link.place) Object.assign(q, { place: link.place.label, lat: String(link.place.lat), lng: String(link.place.lng) });
  if (link.serviceType) q.service = link.serviceType;
  if (link.date) q.date = link.date;
  if (link.date && link.from) q.from = link.from;
  if (link.date && link.to) q.to = link.to;
  if (link.date && link.pets && link.pets > 1) q.pets = String(link.pets);
  return q;
}

const one = (v: LocationQuery[string] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v) ?? undefined;

export function placeFromQuery(query: LocationQuery): ChosenPlace | null {
  const label = one(query.place);
  const lat = Number(one(query.lat));
  const lng = Number(one(query.lng));
  if (!label || !Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
  return { label: label.slice(0, 200), lat, lng };
}

type Target = { filters: { serviceType: ServiceType | '' }; availability: { date: string; from: string; to: string; pets: number } };

/** Copies what the link says into the search (only well-formed values). */
export function searchFromQuery(query: LocationQuery, search: Target): void {
  const service = one(query.service);
  if (service && (SERVICE_TYPES as readonly string[]).includes(service)) search.filters.serviceType = service as ServiceType;
  const date = one(query.date);
  if (date && /^\d{4}-\d{2}-\d{2}$/.test(date)) search.availability.date = date;
  for (const key of ['from', 'to'] as const) {
    const v = one(query[key]);
    if (v && /^\d{2}:\d{2}$/.test(v)) search.availability[key] = v;
  }
  const pets = Number(one(query.pets));
  if (Number.isInteger(pets) && pets >= 1 && pets <= 20) search.availability.pets = pets;
}
