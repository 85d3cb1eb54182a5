/** Bookings (`/v1/bookings`), recurring series, availability of a service and calendar feeds (docs/api/bookings.md). */
import type {
  Availability,
  Booking,
  BookingStatus,
  CalendarFeed,
  CalendarFeedKind,
  CancellationPreview,
  CreateBookingBody,
  CreateSeriesBody,
  SeriesDetail,
  SeriesResponse,
  UpdateBookingBody,
} from '@walkydoggy/shared';
import { api, queryString } from './client';

export type BookingListQuery = {
  status?: readonly BookingStatus[];
  from?: string;
  to?: string;
  role?: 'owner' | 'business' | 'worker';
  businessId?: string;
  /** A booking number (WD-XXXX-XXXX): exactly that booking, if the caller may see it. */
  number?: string;
  order?: 'asc' | 'desc';
  cursor?: string | null;
  limit?: number;
};

/** A new key per attempt the person makes; the same key is re-sent when the browser retries that attempt. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

const idempotent = (key: string | undefined) => (key ? { headers: { 'idempotency-key': key } } : undefined);

export const bookingsApi = {
  list: (query: BookingListQuery = {}) =>
    api.get<Booking[]>(
      `/bookings${queryString({
        status: query.status?.join(','),
        from: query.from,
        to: query.to,
        role: query.role,
        businessId: query.businessId,
        number: query.number,
        order: query.order,
        cursor: query.cursor,
        limit: query.limit,
      })}`,
    ),
  get: (id: string) => api.get<Booking>(`/bookings/${id}`),
  create: (body: CreateBookingBody, idempotencyKey?: string) => api.post<Booking>('/bookings', body, idempotent(idempotencyKey)),
  update: (id: string, body: UpdateBookingBody) => api.put<Booking>(`/bookings/${id}`, body),
  confirm: (id: string) => api.post<Booking>(`/bookings/${id}/confirm`),
  decline: (id: string, reason?: string) => api.post<Booking>(`/bookings/${id}/decline`, reason ? { reason } : {}),
  start: (id: string) => api.post<Booking>(`/bookings/${id}/start`),
  complete: (id: string, notes?: string) => api.post<Booking>(`/bookings/${id}/complete`, notes ? { notes } : {}),
  /** `refundPercent` is an admin's override of the refund policy; the API refuses it from anyone else. */
  cancel: (id: string, reason: string, refundPercent?: number) =>
    api.post<Booking>(`/bookings/${id}/cancel`, refundPercent === undefined ? { reason } : { reason, refundPercent }),
  cancellationPreview: (id: string) => api.get<CancellationPreview>(`/bookings/${id}/cancellation-preview`),
  /** `excludeBookingId`: the owner's pending booking being changed, whose own time is then offered too. */
  availability: (serviceId: string, from: string, to: string, pets: number, excludeBookingId?: string) =>
    api.get<Availability>(`/services/${serviceId}/availability${queryString({ from, to, pets, excludeBookingId })}`),
};

export const seriesApi = {
  create: (body: CreateSeriesBody, idempotencyKey?: string) => api.post<SeriesResponse>('/booking-series', body, idempotent(idempotencyKey)),
  get: (id: string) => api.get<SeriesDetail>(`/booking-series/${id}`),
  cancel: (id: string, reason: string, from?: string) => api.post<{ cancelled: number }>(`/booking-series/${id}/cancel`, { reason, from }),
};

export const calendarsApi = {
  list: () => api.get<CalendarFeed[]>('/calendars'),
  regenerate: (kind: CalendarFeedKind, subjectId: string) => api.post<CalendarFeed>('/calendars/regenerate', { kind, subjectId }),
};
