/**
 * One booking watched live (owner, co-owner, business owner, worker): the tracking view read once,
 * then kept current from the booking's room — positions extend the route, walk events, the ETA while
 * the worker is on the way, and the status until the walk is finished.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { haversineMeters, type Eta, type LocationBroadcast, type TrackingView, type TrackPoint, type WalkEvent } from '@walkydoggy/shared';
import { trackingApi } from '../api/tracking';
import { extendRoute, multiLine } from '../components/tracking/route';
import { connectRealtime, joinBooking, onConnectionState, onLive, type ConnectionState } from '../lib/realtime';
import { useSessionStore } from './session';

/** Statuses in which the booking's room may be joined (docs/api/live.md). */
const WATCHABLE = ['confirmed', 'in_progress'];

export const useLiveWalkStore = defineStore('liveWalk', () => {
  const bookingId = ref<string | null>(null);
  const view = shallowRef<TrackingView | null>(null);
  const segments = shallowRef<TrackPoint[][]>([]);
  const lastPoint = shallowRef<TrackPoint | null>(null);
  const eta = shallowRef<Eta | null>(null);
  const events = ref<WalkEvent[]>([]);
  const status = ref<string | null>(null);
  const onTheWayAt = ref<string | null>(null);
  const connection = ref<ConnectionState>('disconnected');
  let stops: (() => void)[] = [];
  let wasConnected = false;

  const finished = computed(() => status.value === 'completed');
  const route = computed(() => multiLine(segments.value));
  /**
   * The view's distance is measured on the full track (the segments it sends are thinned for drawing);
   * live points add what they extend the route by.
   */
  const loadedMeters = ref(0);
  const liveMeters = ref(0);
  const distanceMeters = computed(() => loadedMeters.value + liveMeters.value);
  /** The ETA only means something until the walk starts. */
  const showEta = computed(() => status.value === 'confirmed' && !!onTheWayAt.value && !!eta.value);

  function take(next: TrackingView) {
    view.value = next;
    segments.value = next.segments;
    loadedMeters.value = next.stats.distanceMeters;
    liveMeters.value = 0;
    lastPoint.value = next.lastPoint;
    eta.value = next.eta;
    events.value = [...next.events].sort((a, b) => a.at.localeCompare(b.at));
    status.value = next.status;
    onTheWayAt.value = next.onTheWayAt;
  }

  async function load(id: string): Promise<TrackingView> {
    stop();
    bookingId.value = id;
    const next = (await trackingApi.view(id)).data;
    if (bookingId.value === id) take(next);
    return next;
  }

  function applyLocation(payload: LocationBroadcast) {
    if (payload.bookingId !== bookingId.value) return;
    const point: TrackPoint = { lng: payload.point.lng, lat: payload.point.lat, at: payload.point.at, accuracyM: payload.point.accuracyM };
    const before = segments.value;
    segments.value = extendRoute(before, point);
    if (segments.value === before) return;
    const previous = before.at(-1)?.at(-1);
    // A point that starts a new segment (after a gap) adds no distance: a gap is not distance walked.
    if (previous && segments.value.length === before.length) liveMeters.value += haversineMeters(previous, point);
    lastPoint.value = point;
  }

  function applyEvent(payload: { bookingId: string; event: WalkEvent }) {
    if (payload.bookingId !== bookingId.value || events.value.some((e) => e.id === payload.event.id)) return;
    events.value = [...events.value, payload.event].sort((a, b) => a.at.localeCompare(b.at));
  }

  function applyEta(payload: { bookingId: string; eta: Eta }) {
    if (payload.bookingId === bookingId.value) eta.value = payload.eta;
  }

  function applyStatus(payload: { bookingId: string; status: string; onTheWayAt?: string | null }) {
    if (payload.bookingId !== bookingId.value) return;
    status.value = payload.status;
    if (payload.onTheWayAt !== undefined) onTheWayAt.value = payload.onTheWayAt;
    // The server empties the room at completion or cancellation: nothing more will come.
    if (!WATCHABLE.includes(payload.status)) stop();
  }

  /** Joins the booking's room (when it can still change) and listens until `stop` or the walk ends. */
  function watchLive() {
    const id = bookingId.value;
    if (!id || !status.value || !WATCHABLE.includes(status.value) || stops.length) return;
    const session = useSessionStore();
    connectRealtime(() => session.accessToken);
    wasConnected = false;
    stops = [
      onConnectionState((state) => {
        connection.value = state;
        // Back after a cut: what happened meanwhile is read again (the room sends only what is new).
        if (state === 'connected' && wasConnected)
          void trackingApi.view(id).then(
            ({ data }) => bookingId.value === id && take(data),
            () => undefined,
          );
        if (state === 'connected') wasConnected = true;
      }),
      onLive('location:updated', applyLocation),
      onLive('walk:event', applyEvent),
      onLive('tracking:eta', applyEta),
      onLive('booking:status', applyStatus),
      joinBooking(id),
    ];
  }

  function stop() {
    for (const s of stops) s();
    stops = [];
    connection.value = 'disconnected';
  }

  return {
    bookingId,
    view,
    segments,
    lastPoint,
    eta,
    events,
    status,
    onTheWayAt,
    connection,
    finished,
    route,
    distanceMeters,
    showEta,
    load,
    watchLive,
    stop,
    applyLocation,
    applyEvent,
    applyEta,
    applyStatus,
  };
});
