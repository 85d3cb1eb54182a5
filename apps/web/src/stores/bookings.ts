/**
 * Bookings as a list (the owner's, a business's calendar, a worker's jobs), the one that is open, and
 * the moves on them: confirm, decline, assign, the owner's change, start, complete, cancel (with its
 * refund preview).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Booking, CancellationPreview, SeriesDetail, UpdateBookingBody } from '@walkydoggy/shared';
import { bookingsApi, seriesApi, type BookingListQuery } from '../api/bookings';

export type SeriesGroup = { seriesId: string; bookings: Booking[]; detail: SeriesDetail | null };

export const useBookingsStore = defineStore('bookings', () => {
  const items = ref<Booking[]>([]);
  const nextCursor = ref<string | null>(null);
  const query = ref<BookingListQuery>({});
  const loading = ref(false);
  const current = ref<Booking | null>(null);
  const preview = ref<CancellationPreview | null>(null);
  const series = ref<Record<string, SeriesDetail>>({});

  /** Occurrences of the listed bookings grouped by their series, in list order. */
  const seriesGroups = computed<SeriesGroup[]>(() => {
    const groups = new Map<string, Booking[]>();
    for (const b of items.value) if (b.seriesId) groups.set(b.seriesId, [...(groups.get(b.seriesId) ?? []), b]);
    return [...groups].map(([seriesId, bookings]) => ({ seriesId, bookings, detail: series.value[seriesId] ?? null }));
  });

  async function load(next: BookingListQuery): Promise<Booking[]> {
    loading.value = true;
    try {
      const { data, meta } = await bookingsApi.list({ limit: 50, ...next });
      query.value = next;
      items.value = data ?? [];
      nextCursor.value = (meta?.nextCursor as string | null | undefined) ?? null;
      return items.value;
    } finally {
      loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    if (!nextCursor.value) return;
    loading.value = true;
    try {
      const { data, meta } = await bookingsApi.list({ limit: 50, ...query.value, cursor: nextCursor.value });
      const known = new Set(items.value.map((b) => b.id));
      items.value = [...items.value, ...(data ?? []).filter((b) => !known.has(b.id))];
      nextCursor.value = (meta?.nextCursor as string | null | undefined) ?? null;
    } finally {
      loading.value = false;
    }
  }

  async function open(id: string): Promise<Booking> {
    preview.value = null;
    current.value = (await bookingsApi.get(id)).data;
    return current.value;
  }

  /** Puts a changed booking everywhere it is shown. Events come only with GET /bookings/:id, so they are kept. */
  function remember(booking: Booking): Booking {
    const index = items.value.findIndex((b) => b.id === booking.id);
    if (index !== -1) items.value[index] = booking;
    if (current.value?.id === booking.id) current.value = { ...booking, events: booking.events.length ? booking.events : current.value.events };
    return booking;
  }

  /** After a move the full booking (with its events) is read again when it is the open one. */
  async function after(move: Promise<{ data: Booking }>): Promise<Booking> {
    const booking = remember((await move).data);
    if (current.value?.id === booking.id) return remember((await bookingsApi.get(booking.id)).data);
    return booking;
  }

  const confirm = (id: string) => after(bookingsApi.confirm(id));
  const decline = (id: string, reason?: string) => after(bookingsApi.decline(id, reason));
  const start = (id: string) => after(bookingsApi.start(id));
  const complete = (id: string, notes?: string) => after(bookingsApi.complete(id, notes));
  const assignWorker = (id: string, workerId: string) => after(bookingsApi.update(id, { workerId }));
  /** The owner's change of a pending booking (times, pets, notes); the API checks and prices it again. */
  const update = (id: string, body: UpdateBookingBody) => after(bookingsApi.update(id, body));

  async function previewCancel(id: string): Promise<CancellationPreview> {
    preview.value = (await bookingsApi.cancellationPreview(id)).data;
    return preview.value;
  }

  /** `refundPercent`: an admin's override of the refund policy. */
  async function cancel(id: string, reason: string, refundPercent?: number): Promise<Booking> {
    const booking = await after(bookingsApi.cancel(id, reason, refundPercent));
    preview.value = null;
    return booking;
  }

  async function loadSeries(id: string): Promise<SeriesDetail> {
    const { data } = await seriesApi.get(id);
    series.value = { ...series.value, [id]: data };
    return data;
  }

  /** Cancels the occurrences from `from` on (default today); the series and any shown list are read again. */
  async function cancelSeries(id: string, reason: string, from?: string): Promise<number> {
    const { data } = await seriesApi.cancel(id, reason, from);
    await Promise.all([loadSeries(id), items.value.length ? load(query.value) : null]);
    return data.cancelled;
  }

  return {
    items,
    nextCursor,
    loading,
    current,
    preview,
    series,
    seriesGroups,
    load,
    loadMore,
    open,
    remember,
    confirm,
    decline,
    start,
    complete,
    assignWorker,
    update,
    previewCancel,
    cancel,
    loadSeries,
    cancelSeries,
  };
});
