/**
 * The business dashboard's "Team on the map": which of the business's workers are online and where.
 * Read once from `GET /v1/locations/workers` around the business, then kept current from the
 * business room's `worker:presence` events (managers are in it), and read again every minute and
 * after a reconnection, because events sent while the socket was down are lost.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { PRESENCE_TTL_SECONDS, type NearbyWorker, type PresenceBroadcast } from '@walkydoggy/shared';
import { locationsApi } from '../api/locations';
import { connectRealtime, onConnectionState, onLive } from '../lib/realtime';
import { useBusinessStore } from './business';
import { useSessionStore } from './session';

/** The largest radius and page the API allows: a business's team rarely works further out. */
export const TEAM_RADIUS_METERS = 50_000;
export const TEAM_LIMIT = 200;
/** The fallback re-read, in case an event was missed. */
export const TEAM_REFRESH_MS = 60_000;

export type TeamMember = {
  workerId: string;
  firstName: string;
  lastName: string;
  /** Null when the worker went online without a position and has sent none since. */
  position: { lng: number; lat: number } | null;
  seenAt: string;
  /** On a walk in progress (as of the last read; live events do not say). */
  onWalk: boolean;
};

type Business = { id: string; location: { lat: number; lng: number } };

const byName = (a: TeamMember, b: TeamMember) => `${a.firstName} ${a.lastName}`.localeCompare(`${b.firstName} ${b.lastName}`);

export const useTeamLiveStore = defineStore('teamLive', () => {
  const businessId = ref<string | null>(null);
  const center = ref<{ lat: number; lng: number } | null>(null);
  const members = ref<Map<string, TeamMember>>(new Map());
  const loaded = ref(false);
  const error = ref('');
  /** The clock the "seen … ago" labels read; moves with every refresh tick. */
  const now = ref(Date.now());
  let stops: (() => void)[] = [];
  let generation = 0;

  const online = computed(() => [...members.value.values()].sort(byName));

  /** Only our own workers: others' come anonymous (`worker: null`) and are not the dashboard's business. */
  function fromNearby(entry: NearbyWorker): TeamMember | null {
    if (!entry.worker || entry.businessId !== businessId.value) return null;
    return {
      workerId: entry.worker.id,
      firstName: entry.worker.firstName,
      lastName: entry.worker.lastName,
      position: { lng: entry.lng, lat: entry.lat },
      seenAt: entry.seenAt,
      onWalk: entry.onWalk,
    };
  }

  async function refresh(): Promise<void> {
    const id = businessId.value;
    const at = center.value;
    if (!id || !at) return;
    const run = ++generation;
    const { data } = await locationsApi.workers({ lat: at.lat, lng: at.lng, radius: TEAM_RADIUS_METERS, limit: TEAM_LIMIT, team: true });
    if (run !== generation || businessId.value !== id) return;
    now.value = Date.now();
    const next = new Map<string, TeamMember>();
    for (const entry of data ?? []) {
      const member = fromNearby(entry);
      if (member) next.set(member.workerId, member);
    }
    // The index leaves out workers online without a position yet; live events still tell us about
    // them. Keep such a worker until the server would call them gone (no sign for 5 min).
    for (const [workerId, member] of members.value)
      if (!next.has(workerId) && now.value - Date.parse(member.seenAt) < PRESENCE_TTL_SECONDS * 1000) next.set(workerId, member);
    members.value = next;
    loaded.value = true;
    error.value = '';
  }

  /** A name for a worker we only know from an event: the team the dashboard already loaded. */
  function nameOf(workerId: string): { firstName: string; lastName: string } {
    const worker = useBusinessStore().workers.find((w) => w.id === workerId);
    return worker ? { firstName: worker.firstName, lastName: worker.lastName } : { firstName: 'Team member', lastName: '' };
  }

  /** `worker:presence`: online (or moved) adds or moves the worker, offline removes them. */
  function applyPresence(payload: PresenceBroadcast): void {
    if (payload.businessId !== businessId.value) return;
    const next = new Map(members.value);
    if (!payload.online) {
      next.delete(payload.workerId);
    } else {
      const known = next.get(payload.workerId);
      const location = payload.location;
      next.set(payload.workerId, {
        ...(known ?? { workerId: payload.workerId, ...nameOf(payload.workerId), onWalk: false }),
        // No position in the event: the last one we had is still the best guess.
        position: location ? { lng: location.lng, lat: location.lat } : (known?.position ?? null),
        seenAt: location?.at ?? new Date().toISOString(),
      });
    }
    members.value = next;
  }

  /** Loads the team around `business` and follows it live until `stop`. */
  async function start(business: Business): Promise<void> {
    stop();
    businessId.value = business.id;
    center.value = { lat: business.location.lat, lng: business.location.lng };
    members.value = new Map();
    loaded.value = false;
    error.value = '';
    const session = useSessionStore();
    connectRealtime(() => session.accessToken);
    let wasConnected = false;
    const timer = setInterval(() => void refresh().catch(() => undefined), TEAM_REFRESH_MS);
    stops = [
      onLive('worker:presence', applyPresence),
      onConnectionState((state) => {
        if (state === 'connected' && wasConnected) void refresh().catch(() => undefined);
        if (state === 'connected') wasConnected = true;
      }),
      () => clearInterval(timer),
    ];
    try {
      await refresh();
    } catch {
      error.value = 'We could not load who is online. We will try again in a minute.';
    }
  }

  function stop(): void {
    for (const s of stops) s();
    stops = [];
    generation++;
  }

  return { businessId, center, members, online, loaded, error, now, refresh, applyPresence, start, stop };
});

/** "seen just now", "seen 2 min ago", "seen 1 h ago": how fresh a worker's last sign is. */
export function seenAgo(seenAt: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(seenAt)) / 1000));
  if (seconds < 60) return 'seen just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `seen ${minutes} min ago`;
  return `seen ${Math.floor(minutes / 60)} h ago`;
}
