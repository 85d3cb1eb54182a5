/** Business search: where, which filters, the results page by page, and the markers for the map. */
import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import type { ChosenPlace } from '../api/geocode';
import { searchApi, type BusinessMarker, type SearchQuery, type SearchResult } from '../api/search';
import { DEFAULT_CENTER } from '../lib/geo-defaults';
import { loadLastPlace } from '../lib/lastPlace';
import { mainCurrency } from '../lib/money';

export type SearchFilters = Required<Pick<SearchQuery, 'radius' | 'serviceType' | 'petType' | 'sort'>> & { minRating: number | null; maxPrice: number | null };

export const useSearchStore = defineStore('search', () => {
  /** [lng, lat], like GeoJSON. */
  const center = ref<[number, number]>([...DEFAULT_CENTER]);
  /** Where the search is, by name; null until a place is chosen or the platform's default area is known. */
  const place = ref<ChosenPlace | null>(null);
  /** "Available on <date> between <from> and <to>" (empty date: any time). */
  const availability = reactive({ date: '', from: '', to: '', pets: 1 });
  const filters = reactive<SearchFilters>({ radius: 10, serviceType: '', petType: '', minRating: null, maxPrice: null, sort: 'distance' });
  const results = ref<SearchResult[]>([]);
  const markers = ref<BusinessMarker[]>([]);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const searched = ref(false);
  /** An availability search stopped at its cap of businesses checked before filling the page (Load more goes on). */
  const capped = ref(false);
  /** The currency the businesses found price in (the max-price filter is typed in it); kept when a search finds none. */
  const currency = ref<string | null>(null);
  let generation = 0;

  function query(cursor: string | null): SearchQuery {
    const [lng, lat] = center.value;
    const when = availability.date
      ? { availableOn: availability.date, from: availability.from || undefined, to: availability.to || undefined, pets: availability.pets }
      : {};
    return { lat: round(lat), lng: round(lng), ...filters, ...when, cursor, limit: 20 };
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
      capped.value = page.meta?.capped === true;
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
      capped.value = page.meta?.capped === true;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  function moveTo(lng: number, lat: number): void {
    center.value = [lng, lat];
  }

  function choosePlace(chosen: ChosenPlace): void {
    place.value = chosen;
    moveTo(chosen.lng, chosen.lat);
  }

  /**
   * Where a visit starts: the place it was sent to (the landing page's search), else the last place
   * searched in this browser, else the platform's default area (GET /v1/config: DEFAULT_AREA or
   * where the listed businesses are). Null when none is known: the page asks for a place.
   */
  async function start(given: ChosenPlace | null = null): Promise<ChosenPlace | null> {
    let chosen = given ?? place.value ?? loadLastPlace();
    if (!chosen) {
      const { data } = await searchApi.config();
      chosen = data.defaultArea ?? null;
    }
    if (chosen) choosePlace(chosen);
    return chosen;
  }

  return {
    center,
    place,
    availability,
    filters,
    results,
    markers,
    nextCursor,
    loading,
    searched,
    capped,
    currency,
    search,
    loadMore,
    moveTo,
    choosePlace,
    start,
  };
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
