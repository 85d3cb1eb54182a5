/**
 * The worker app's offline buffer (docs/api/live.md "Batches"): positions and walk events that could
 * not be sent live are kept in localStorage (they survive a reload or a dead battery) and sent when
 * the device is back — positions in batches of TRACK_BATCH_MAX over HTTP, events one by one with their
 * `clientId` so a resend counts once. Only what the API acknowledged is removed.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { TRACK_BATCH_MAX, type LocationPoint, type WalkEventInput } from '@walkydoggy/shared';
import { ApiError } from '../api/client';
import { trackingApi } from '../api/tracking';
import { onConnectionState } from '../lib/realtime';

export type BufferedPoint = LocationPoint & { seq: number };
export type BufferedEvent = WalkEventInput & { clientId: string };
type Saved = { points: Record<string, BufferedPoint[]>; events: Record<string, BufferedEvent[]>; seqs: Record<string, number> };

export const TRACK_BUFFER_KEY = 'walkydoggy.trackBuffer.v1';
/** After a failed send, wait this long (doubling up to RETRY_MAX_MS) before trying again by itself. */
export const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 120_000;

function read(): Saved {
  try {
    const saved = JSON.parse(localStorage.getItem(TRACK_BUFFER_KEY) ?? 'null') as Partial<Saved> | null;
    return { points: saved?.points ?? {}, events: saved?.events ?? {}, seqs: saved?.seqs ?? {} };
  } catch {
    return { points: {}, events: {}, seqs: {} };
  }
}

/**
 * Whether a failed send may succeed later: no network, a server error, a rate limit or an expired
 * session. Any other 4xx means the API will never take it (validation, the walk is not this worker's),
 * so keeping it would only block what comes after.
 */
function worthRetrying(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return err.status === 0 || err.status >= 500 || err.status === 429 || err.status === 401;
}

export const useTrackBufferStore = defineStore('trackBuffer', () => {
  const saved = read();
  // Shallow: the lists are replaced, never changed in place, and a long offline stretch holds thousands of points.
  const points = shallowRef<Record<string, BufferedPoint[]>>(saved.points);
  const events = shallowRef<Record<string, BufferedEvent[]>>(saved.events);
  const seqs = ref<Record<string, number>>(saved.seqs);
  const lastError = ref<string | null>(null);
  let flushing: Promise<boolean> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryDelay = RETRY_FIRST_MS;
  let stops: (() => void)[] = [];

  const pendingPoints = computed(() => Object.values(points.value).reduce((n, list) => n + list.length, 0));
  const pendingEvents = computed(() => Object.values(events.value).reduce((n, list) => n + list.length, 0));
  const pending = computed(() => pendingPoints.value + pendingEvents.value);

  function persist() {
    try {
      localStorage.setItem(TRACK_BUFFER_KEY, JSON.stringify({ points: points.value, events: events.value, seqs: seqs.value }));
    } catch {
      // Storage full or blocked (private mode): the buffer still works for this page's life.
    }
  }

  /** The next sequence number of a booking's positions; kept across reloads so a resent point is recognised. */
  function nextSeq(bookingId: string): number {
    const seq = (seqs.value[bookingId] ?? -1) + 1;
    seqs.value = { ...seqs.value, [bookingId]: seq };
    persist();
    return seq;
  }

  function addPoint(bookingId: string, point: BufferedPoint) {
    const list = points.value[bookingId] ?? [];
    if (list.some((p) => p.seq === point.seq)) return;
    points.value = { ...points.value, [bookingId]: [...list, point] };
    persist();
  }

  function addEvent(bookingId: string, event: BufferedEvent) {
    const list = events.value[bookingId] ?? [];
    if (list.some((e) => e.clientId === event.clientId)) return;
    events.value = { ...events.value, [bookingId]: [...list, event] };
    persist();
  }

  function removePoints(bookingId: string, sent: BufferedPoint[]) {
    const gone = new Set(sent.map((p) => p.seq));
    const left = (points.value[bookingId] ?? []).filter((p) => !gone.has(p.seq));
    const next = { ...points.value };
    if (left.length) next[bookingId] = left;
    else delete next[bookingId];
    points.value = next;
    persist();
  }

  function removeEvent(bookingId: string, clientId: string) {
    const left = (events.value[bookingId] ?? []).filter((e) => e.clientId !== clientId);
    const next = { ...events.value };
    if (left.length) next[bookingId] = left;
    else delete next[bookingId];
    events.value = next;
    persist();
  }

  /** Sends one booking's points, oldest first; stops at the first failure worth retrying. */
  async function flushPoints(bookingId: string): Promise<boolean> {
    for (;;) {
      const batch = (points.value[bookingId] ?? []).slice(0, TRACK_BATCH_MAX);
      if (!batch.length) return true;
      try {
        await trackingApi.points(bookingId, batch);
      } catch (err) {
        lastError.value = (err as Error).message;
        if (worthRetrying(err)) return false;
      }
      removePoints(bookingId, batch);
    }
  }

  async function flushEvents(bookingId: string): Promise<boolean> {
    for (const event of [...(events.value[bookingId] ?? [])]) {
      try {
        await trackingApi.walkEvent(bookingId, event);
      } catch (err) {
        lastError.value = (err as Error).message;
        if (worthRetrying(err)) return false;
      }
      removeEvent(bookingId, event.clientId);
    }
    return true;
  }

  async function run(): Promise<boolean> {
    let done = true;
    const bookings = new Set([...Object.keys(points.value), ...Object.keys(events.value)]);
    for (const bookingId of bookings) {
      // Points first: an event's position then lands on a route that is already there.
      if (!(await flushPoints(bookingId)) || !(await flushEvents(bookingId))) done = false;
    }
    return done;
  }

  /** Sends everything buffered (one run at a time); on failure tries again later by itself. Resolves to "all sent". */
  function flush(): Promise<boolean> {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    flushing ??= run()
      .then((done) => {
        if (done) {
          lastError.value = null;
          retryDelay = RETRY_FIRST_MS;
        } else {
          scheduleFlush(retryDelay);
          retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
        }
        return done;
      })
      .finally(() => {
        flushing = null;
      });
    return flushing;
  }

  /** A flush a little later (a point buffered while the socket is up, a retry after a failure). */
  function scheduleFlush(delayMs: number) {
    if (retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (pending.value) void flush();
    }, delayMs);
  }

  const onOnline = () => void flush();

  /** Sends the buffer whenever the device or the socket comes back (and once now, left over from last time). */
  function start() {
    if (stops.length) return;
    window.addEventListener('online', onOnline);
    let previous: string | null = null;
    stops = [
      () => window.removeEventListener('online', onOnline),
      onConnectionState((state) => {
        if (state === 'connected' && previous !== 'connected' && pending.value) void flush();
        previous = state;
      }),
    ];
    if (pending.value) void flush();
  }

  function stop() {
    for (const s of stops) s();
    stops = [];
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
  }

  return { points, events, pending, pendingPoints, pendingEvents, lastError, nextSeq, addPoint, addEvent, flush, scheduleFlush, start, stop };
});
