/** Who is online near a place (docs/api/live.md, "Workers online and their location"). */
import type { NearbyWorker, NearbyWorkersQuery } from '@walkydoggy/shared';
import { api, queryString } from './client';

export type NearbyWorkersParams = Pick<NearbyWorkersQuery, 'lat' | 'lng'> & Partial<Omit<NearbyWorkersQuery, 'lat' | 'lng'>>;

export const locationsApi = {
  /**
   * Online workers within `radius` metres, nearest first. The caller's own business's workers come
   * with their exact position and identity; everybody else's are approximate and anonymous (`worker: null`).
   */
  workers: (params: NearbyWorkersParams) => api.get<NearbyWorker[]>(`/locations/workers${queryString(params)}`),
};
