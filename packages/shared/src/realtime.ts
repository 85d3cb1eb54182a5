import type { ErrorEnvelope } from './envelope.js';
import type { NotificationView } from './notifications.js';
import type { Eta, LocationUpdate, TrackPoint, WalkEvent } from './tracking.js';

/*
 * The Socket.IO protocol (docs/api/live.md). The namespace carries the version: a breaking change to
 * any event below gets a new namespace (`/v2`) served next to this one until old clients are gone.
 * Clients authenticate with their access token in the handshake (`auth: { token }`).
 */
export const REALTIME_NAMESPACE = '/v1';
export const REALTIME_PATH = '/socket.io';

export const rooms = {
  user: (userId: string) => `user:${userId}`,
  booking: (bookingId: string) => `booking:${bookingId}`,
  business: (businessId: string) => `business:${businessId}`,
};

/** Every acknowledgement uses the HTTP envelope. */
export type Ack<T = null> = { success: true; data: T } | ErrorEnvelope;

export type LocationBroadcast = { bookingId: string; workerId: string; point: TrackPoint & { seq: number | null; speedMps: number | null } };
export type PresenceBroadcast = {
  workerId: string;
  businessId: string;
  online: boolean;
  location: { lng: number; lat: number; at: string; accuracyM: number | null } | null;
};

export interface ServerToClientEvents {
  /** A new in-app notification, to the user's room. */
  'notification:new': (notification: NotificationView & { unreadCount: number }) => void;
  /** The unread count changed (read, read-all, delete on another device). */
  'notification:count': (payload: { unreadCount: number }) => void;
  /** A position of the walk in progress, to the booking's room. */
  'location:updated': (payload: LocationBroadcast) => void;
  /** A walk event (pee, poo, photo, …), to the booking's room. */
  'walk:event': (payload: { bookingId: string; event: WalkEvent }) => void;
  /** The worker's ETA to the booking's location while on the way, to the booking's room. */
  'tracking:eta': (payload: { bookingId: string; eta: Eta }) => void;
  /** The booking's status changed (started, completed, …); on completion the room is emptied. */
  'booking:status': (payload: { bookingId: string; status: string; onTheWayAt?: string | null }) => void;
  /** A worker of the business went online/offline or moved, to the business room (managers). */
  'worker:presence': (payload: PresenceBroadcast) => void;
  /**
   * The access token expired, or its session was ended (signed out, a refresh token reused, the password
   * changed: `reason: 'ended'`): the socket has left its rooms until `auth:refresh` with a valid token.
   */
  'session:expired': (payload: { at: string; reason?: 'expired' | 'ended' }) => void;
}

export interface ClientToServerEvents {
  /** A worker's live position (same rules as `PUT /v1/workers/:id/location`). */
  'location:update': (payload: LocationUpdate, ack?: (result: Ack<{ accepted: boolean; recorded: boolean }>) => void) => void;
  /** Join a booking's room to watch it live (owner, co-owner, assigned worker, business managers). */
  'booking:join': (payload: { bookingId: string }, ack?: (result: Ack<{ room: string }>) => void) => void;
  'booking:leave': (payload: { bookingId: string }, ack?: (result: Ack) => void) => void;
  /** A fresh access token after `session:expired` (or before expiry): rejoins the user and business rooms. */
  'auth:refresh': (payload: { token: string }, ack?: (result: Ack<{ expiresAt: string }>) => void) => void;
}
