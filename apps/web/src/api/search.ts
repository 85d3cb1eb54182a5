/** Public discovery: business search, map markers and the map configuration. */
import { api, queryString } from './client';
import type { PriceType, ServiceType } from './businesses';
import type { Species } from './pets';

export type SearchSort = 'distance' | 'rating' | 'price';
export type SearchQuery = {
  lat: number;
  lng: number;
  radius?: number;
  serviceType?: ServiceType | '';
  petType?: Species | '';
  minRating?: number | null;
  maxPrice?: number | null;
  sort?: SearchSort;
  cursor?: string | null;
  limit?: number;
  /** Only businesses with a bookable slot that local date (needs serviceType)… */
  availableOn?: string;
  /** …starting at or after `from` and ending by `to` ("HH:MM"). */
  from?: string;
  to?: string;
  pets?: number;
};

export type SearchResult = {
  id: string;
  name: string;
  type: 'individual' | 'company';
  description: string | null;
  location: { lat: number; lng: number };
  distanceKm: number;
  rating: number | null;
  reviewCount: number;
  lowestPrice: { amountMinor: number; currency: string; priceType: PriceType } | null;
  photo: { url: string; thumbnailUrl: string | null } | null;
  serviceTypes: string[];
  address: { city: string | null };
};

export type BusinessMarker = {
  id: string;
  name: string;
  lat: number;
  lng: number;
  rating: number | null;
  lowestPriceMinor: number | null;
  currency: string | null;
  serviceTypes: string[];
};

export type DefaultArea = { label: string; lat: number; lng: number };
export type MapConfig = { mapStyleUrl: string | null; defaultArea?: DefaultArea | null };

export const searchApi = {
  businesses: (query: SearchQuery) => api.get<SearchResult[]>(`/businesses/search${queryString(query)}`, { auth: false }),
  markers: (lat: number, lng: number, radius: number) =>
    api.get<BusinessMarker[]>(`/locations/businesses${queryString({ lat, lng, radius })}`, { auth: false }),
  config: () => api.get<MapConfig>('/config', { auth: false }),
};
