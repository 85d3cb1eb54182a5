/** Business search: where, which filters, the results page by page, and the markers for the map. */
import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import { searchApi, type BusinessMarker, type SearchQuery, type SearchResult } from '../api/search';
import { DEFAULT_CENTER } from '../lib/geo-defaults';
import { mainCurrency } from '../lib/money';

export type SearchFilters = Required<Pick<SearchQuery, 'radius' | 'serviceType' | 'petType' | 'sort'>> & { minRating: number | null; maxPrice: number | null };

export const useSearchStore = defineStore('search', () => {
  /** [lng, lat], like GeoJSON. */
  const center = ref<[number, number]>([...DEFAULT_CENTER]);
  const filters = reactive<SearchFilters>({ radius: 10, serviceType: '', petType: '', minRating: null, maxPrice: null, sort: 'distance' });
  const results = ref<SearchResult[]>([]);
  const markers = ref<BusinessMarker[]>([]);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const searched = ref(false);
  /** The currency the businesses found price in (the max-price filter is typed in it); kept when a search finds none. */
  const currency = ref<string | null>(null);
  let generation = 0;

  function query(cursor: string | null): SearchQuery {
    const [lng, lat] = center.value;
    return { lat: round(lat), lng: round(lng), ...filters, cursor, limit: 20 };
  }

  /** A new search from the first page; an answer to an older search that arrives late is dropped. */
  async function search(): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    try {
      const [page, pins] = await Promise.all([
        searchApi.businesses(query(null)),
        searchApi.markers(query(null).lat, query(null).lng, filters.radius).catch(() => null),
      ]);
      if (mine !== generation) return;
      results.value = page.data ?? [];
      nextCursor.value = (page.meta?.nextCursor as string | null | undefined) ?? null;
      // Without the marker endpoint the map still shows this page of results.
      markers.value = pins?.data ?? results.value.map(toMarker);
      currency.value = mainCurrency([...markers.value.map((m) => m.currency), ...results.value.map((r) => r.lowestPrice?.currency)]) ?? currency.value;
      searched.value = true;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    if (!nextCursor.value || loading.value) return;
    const mine = generation;
    loading.value = true;
    try {
      const page = await searchApi.businesses(query(nextCursor.value));
      if (mine !== generation) return;
      const known = new Set(results.value.map((r) => r.id));
      results.value = [...results.value, ...(page.data ?? []).filter((r) => !known.has(r.id))];
      nextCursor.value = (page.meta?.nextCursor as string | null | undefined) ?? null;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  function moveTo(lng: number, lat: number): void {
    center.value = [lng, lat];
  }

  return { center, filters, results, markers, nextCursor, loading, searched, currency, search, loadMore, moveTo };
});

const round = (value: number) => Math.round(value * 1e5) / 1e5;

function toMarker(result: SearchResult): BusinessMarker {
  return {
    id: result.id,
    name: result.name,
    lat: result.location.lat,
    lng: result.location.lng,
    rating: result.rating,
    lowestPriceMinor: result.lowestPrice?.amountMinor ?? null,
    currency: result.lowestPrice?.currency ?? null,
    serviceTypes: result.serviceTypes,
  };
}
