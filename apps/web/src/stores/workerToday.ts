/**
 * The worker's day on their phone: going online and offline, today's jobs and their moves (on my way,
 * start, complete), sharing the position while online — live over the socket at most once a second,
 * into the offline buffer when that fails — and logging walk events and photos during a walk.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { LOCATION_MIN_INTERVAL_MS, type Booking, type LocationPoint, type LocationUpdate, type WalkEventKind } from '@walkydoggy/shared';
import { bookingsApi } from '../api/bookings';
import { ApiError } from '../api/client';
import { mediaApi } from '../api/media';
import { trackingApi } from '../api/tracking';
import { browserTimeZone } from '../lib/labels';
import { connectRealtime, emitWithAck, onConnectionState, type ConnectionState } from '../lib/realtime';
import { addDays, localDate, todayIn } from '../lib/time';
import { useSessionStore } from './session';
import { RETRY_FIRST_MS, useTrackBufferStore, type BufferedEvent } from './trackBuffer';
import { useWorkerStore } from './worker';

/** How far ahead the page lists confirmed jobs after today's (a job may be started early). */
export const AHEAD_DAYS = 7;
/** A live update not acknowledged within this goes to the offline buffer. */
export const ACK_TIMEOUT_MS = 5_000;

/** A walk event as the worker's page shows it: sent, or waiting in the buffer. */
export type LoggedEvent = { clientId: string; kind: WalkEventKind; at: string; note?: string; queued: boolean };

/** A browser fix as the API's LocationPoint (values the API would refuse are left out, not sent). */
export function pointOf(position: GeolocationPosition): LocationPoint {
  const { longitude, latitude, accuracy, speed, heading } = position.coords;
  return {
    lng: longitude,
    lat: latitude,
    accuracyM: Math.min(Math.max(accuracy ?? 0, 0), 10_000),
    recordedAt: new Date(position.timestamp || Date.now()).toISOString(),
    speedMps: speed !== null && speed >= 0 && speed <= 200 ? speed : null,
    heading: heading !== null && !Number.isNaN(heading) && heading >= 0 && heading <= 360 ? heading : null,
  };
}

/** Whether a walk event that failed may be sent later (no network, server trouble) rather than being wrong. */
function retriable(err: unknown): boolean {
  return !(err instanceof ApiError) || err.status === 0 || err.status >= 500 || err.status === 429;
}

export const useWorkerTodayStore = defineStore('workerToday', () => {
  const workerStore = useWorkerStore();
  const session = useSessionStore();
  const buffer = useTrackBufferStore();
  const jobs = ref<Booking[]>([]);
  const loaded = ref(false);
  const online = ref(false);
  const connection = ref<ConnectionState>('disconnected');
  const lastFix = shallowRef<LocationPoint | null>(null);
  const lastSentAt = ref<string | null>(null);
  const liveSent = ref(0);
  const geoError = ref('');
  const onTheWayAt = ref<Record<string, string>>({});
  const logged = ref<Record<string, LoggedEvent[]>>({});
  let watchId: number | null = null;
  let lastEmitMs = Number.NEGATIVE_INFINITY;
  let stopConnection: (() => void) | null = null;

  const zone = computed(() => jobs.value[0]?.business.timeZone ?? browserTimeZone());
  const today = computed(() => todayIn(zone.value));
  const activeJob = computed(() => jobs.value.find((b) => b.status === 'in_progress') ?? null);
  const todays = computed(() =>
    jobs.value.filter((b) => b.status === 'in_progress' || b.status === 'completed' || localDate(b.startsAt, b.business.timeZone) <= today.value),
  );
  const upcoming = computed(() => jobs.value.filter((b) => !todays.value.includes(b)));

  async function load(): Promise<void> {
    if (!workerStore.loaded) await workerStore.load();
    const asked = todayIn(browserTimeZone());
    const { data } = await bookingsApi.list({
      role: 'worker',
      status: ['confirmed', 'in_progress'],
      // A day early: the business may be ahead of the browser's date.
      from: addDays(asked, -1),
      to: addDays(asked, AHEAD_DAYS),
      order: 'asc',
      limit: 100,
    });
    jobs.value = data ?? [];
    loaded.value = true;
  }

  function workerId(): string {
    const worker = workerStore.worker;
    if (!worker) throw new Error('This account has no worker record.');
    return worker.id;
  }

  function replace(booking: Booking) {
    jobs.value = jobs.value.map((b) => (b.id === booking.id ? booking : b));
  }

  // ── Online, offline and the position ──────────────────────────────────────────────────────────

  async function goOnline(): Promise<void> {
    await trackingApi.online(workerId(), lastFix.value ?? undefined);
    online.value = true;
    connectRealtime(() => session.accessToken);
    stopConnection ??= onConnectionState((state) => (connection.value = state));
    buffer.start();
    watchPosition();
  }

  async function goOffline(): Promise<void> {
    clearWatch();
    online.value = false;
    await trackingApi.offline(workerId());
  }

  function watchPosition() {
    if (watchId !== null) return;
    geoError.value = '';
    if (!('geolocation' in navigator)) {
      geoError.value = 'This browser cannot share its location, so owners will not see the walk live.';
      return;
    }
    watchId = navigator.geolocation.watchPosition(
      (position) => {
        geoError.value = '';
        onFix(pointOf(position));
      },
      (err) => {
        geoError.value =
          err.code === err.PERMISSION_DENIED
            ? 'Location is blocked for WalkyDoggy. Allow it in the browser settings so owners can follow the walk.'
            : 'We cannot find your position right now. We keep trying.';
      },
      { enableHighAccuracy: true, maximumAge: 0, timeout: 30_000 },
    );
  }

  function clearWatch() {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    watchId = null;
  }

  /** Every fix is remembered; at most one a second is sent (the API refuses more). */
  function onFix(point: LocationPoint) {
    lastFix.value = point;
    const now = Date.now();
    if (now - lastEmitMs < LOCATION_MIN_INTERVAL_MS) return;
    lastEmitMs = now;
    void send(point);
  }

  async function send(point: LocationPoint): Promise<void> {
    const job = activeJob.value;
    // During a walk each point is numbered, so one sent live and again from the buffer counts once.
    const update: LocationUpdate = job ? { ...point, seq: buffer.nextSeq(job.id) } : point;
    const keep = () => {
      // Between walks a missed position is only presence: the next one replaces it.
      if (!job || update.seq === undefined) return;
      buffer.addPoint(job.id, { ...point, seq: update.seq });
      if (connection.value === 'connected') buffer.scheduleFlush(RETRY_FIRST_MS);
    };
    if (connection.value !== 'connected') return keep();
    try {
      const ack = await emitWithAck('location:update', update, ACK_TIMEOUT_MS);
      if (ack.success) {
        liveSent.value += 1;
        lastSentAt.value = point.recordedAt;
        return;
      }
      keep();
      // The presence sweep took us offline (no fix for minutes, e.g. the phone slept): come back.
      if (ack.error.code === 'CONFLICT' && online.value) await trackingApi.online(workerId(), point).catch(() => undefined);
    } catch {
      keep();
    }
  }

  // ── Jobs ──────────────────────────────────────────────────────────────────────────────────────

  async function onTheWay(job: Booking): Promise<void> {
    const { data } = await trackingApi.onTheWay(job.id);
    onTheWayAt.value = { ...onTheWayAt.value, [job.id]: data.onTheWayAt ?? new Date().toISOString() };
    if (!online.value) await goOnline();
  }

  async function start(job: Booking): Promise<void> {
    replace((await bookingsApi.start(job.id)).data);
    // The route is recorded from the start: sharing begins with it if the worker forgot to go online.
    if (!online.value) await goOnline();
  }

  async function complete(job: Booking, notes?: string): Promise<void> {
    // What the phone still holds goes first, so the report is made with the whole route.
    await buffer.flush().catch(() => false);
    replace((await bookingsApi.complete(job.id, notes)).data);
  }

  // ── Walk events ───────────────────────────────────────────────────────────────────────────────

  function remember(bookingId: string, entry: LoggedEvent) {
    const list = (logged.value[bookingId] ?? []).filter((e) => e.clientId !== entry.clientId);
    logged.value = { ...logged.value, [bookingId]: [...list, entry] };
  }

  /** Logs pee, poo, water, food, a note or a photo; without network it waits in the buffer. */
  async function logEvent(job: Booking, kind: WalkEventKind, extra: { note?: string; mediaId?: string } = {}): Promise<'sent' | 'queued'> {
    const fix = lastFix.value;
    const event: BufferedEvent = {
      kind,
      at: new Date().toISOString(),
      clientId: crypto.randomUUID(),
      ...(fix ? { lng: fix.lng, lat: fix.lat } : {}),
      ...(extra.note ? { note: extra.note } : {}),
      ...(extra.mediaId ? { mediaId: extra.mediaId } : {}),
    };
    const entry = { clientId: event.clientId, kind, at: event.at, note: extra.note };
    try {
      await trackingApi.walkEvent(job.id, event);
      remember(job.id, { ...entry, queued: false });
      return 'sent';
    } catch (err) {
      if (!retriable(err)) throw err;
      buffer.addEvent(job.id, event);
      remember(job.id, { ...entry, queued: true });
      return 'queued';
    }
  }

  /** A photo needs the network (the file is too big to keep in the buffer): upload, then its event. */
  async function addPhoto(job: Booking, file: Blob): Promise<void> {
    const media = (await mediaApi.upload(file, 'booking_photo')).data;
    await logEvent(job, 'photo', { mediaId: media.id });
  }

  return {
    jobs,
    loaded,
    online,
    connection,
    lastFix,
    lastSentAt,
    liveSent,
    geoError,
    onTheWayAt,
    logged,
    today,
    activeJob,
    todays,
    upcoming,
    load,
    goOnline,
    goOffline,
    onFix,
    onTheWay,
    start,
    complete,
    logEvent,
    addPhoto,
  };
});
