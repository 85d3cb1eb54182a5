import type { GeocodePlace } from '@walkydoggy/shared';

export type ForwardOptions = { near?: { lat: number; lng: number } | undefined; limit: number; lang?: string | undefined };

/** The geocoding port: place names and addresses to points, and points back to a name. */
export type Geocoder = {
  readonly name: 'embedded' | 'nominatim' | 'photon';
  /** Places matching `q`, best first, at most `limit`. */
  forward(q: string, opts: ForwardOptions): Promise<GeocodePlace[]>;
  /** The best name for a point (the nearest known street, else the district or town), or null. */
  reverse(lat: number, lng: number, opts?: { lang?: string | undefined }): Promise<GeocodePlace | null>;
};
