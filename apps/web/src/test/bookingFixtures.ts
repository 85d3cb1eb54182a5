/** Answers of the bookings API as docs/api/bookings.md describes them, for store and page tests. */
import type { Availability, Booking, Payment, Place } from '@walkydoggy/shared';

export const BIZ = '22222222-2222-4222-8222-222222222222';
export const SERVICE = '44444444-4444-4444-8444-444444444444';
export const PET = '55555555-5555-4555-8555-555555555555';
export const PET2 = '55555555-5555-4555-8555-555555555556';
export const WORKER = '66666666-6666-4666-8666-666666666666';
export const WORKER2 = '66666666-6666-4666-8666-666666666667';
export const BOOKING = '77777777-7777-4777-8777-777777777777';
export const PAYMENT = '88888888-8888-4888-8888-888888888888';

export function aService(overrides: Record<string, unknown> = {}) {
  return {
    id: SERVICE,
    businessId: BIZ,
    name: 'Solo walk',
    type: 'walking',
    description: null,
    price: { amountMinor: 1800, currency: 'EUR' },
    priceType: 'per_session',
    additionalPetPriceMinor: 700,
    durationMinutes: 60,
    petTypes: ['dog'],
    maxPets: 2,
    requiredVaccinations: [],
    cancellationPolicy: 'strict',
    active: true,
    workerIds: [],
    ...overrides,
  };
}

export function aBusiness(overrides: Record<string, unknown> = {}) {
  return {
    id: BIZ,
    ownerId: 'owner',
    name: "Léa's Training",
    description: null,
    type: 'individual',
    logo: null,
    cover: null,
    photos: [],
    contact: { email: null, phone: null, website: null },
    address: { street: null, city: 'Berlin', region: null, postalCode: null, country: 'DE' },
    location: { lat: 52.52, lng: 13.405 },
    timeZone: 'Europe/Berlin',
    serviceArea: null,
    operatingHours: [],
    closedDates: [],
    verificationStatus: 'verified',
    active: true,
    rating: null,
    reviewCount: 0,
    services: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function aPet(overrides: Record<string, unknown> = {}) {
  return { id: PET, name: 'Bello', species: 'dog', status: 'active', vaccinations: [], photos: [], coOwners: [], ...overrides };
}

/** Slots of two workers on 2025-06-02 and 2025-06-03 (Berlin is UTC+2 in June). */
export function slotAvailability(): Availability {
  return {
    kind: 'slot',
    timeZone: 'Europe/Berlin',
    durationMinutes: 60,
    stepMinutes: 15,
    workers: [
      { workerId: WORKER, name: 'Will Worker', photoUrl: null },
      { workerId: WORKER2, name: 'Wanda Walker', photoUrl: null },
    ],
    slots: [
      { startsAt: '2025-06-02T07:00:00.000Z', endsAt: '2025-06-02T08:00:00.000Z', workers: [0, 1] },
      { startsAt: '2025-06-02T07:15:00.000Z', endsAt: '2025-06-02T08:15:00.000Z', workers: [0] },
      { startsAt: '2025-06-02T22:30:00.000Z', endsAt: '2025-06-02T23:30:00.000Z', workers: [1] },
      { startsAt: '2025-06-03T12:00:00.000Z', endsAt: '2025-06-03T13:00:00.000Z', workers: [0] },
    ],
  };
}

export function aBooking(overrides: Partial<Booking> = {}): Booking {
  return {
    id: BOOKING,
    number: 'WD-7K3M-9Q2P',
    status: 'pending',
    kind: 'slot',
    service: { id: SERVICE, name: 'Solo walk', type: 'walking', priceType: 'per_session' },
    business: { id: BIZ, name: "Léa's Training", timeZone: 'Europe/Berlin', address: { street: 'Torstraße 1', city: 'Berlin' }, startWindowMinutes: 120 },
    worker: { id: WORKER, name: 'Will Worker', photoUrl: null },
    owner: { id: 'owner-1', name: 'Olivia Owner', avatarUrl: null },
    pets: [{ id: PET, name: 'Bello', species: 'dog', photoUrl: null }],
    startsAt: '2025-06-02T07:00:00.000Z',
    endsAt: '2025-06-02T08:00:00.000Z',
    startDate: null,
    endDate: null,
    durationMinutes: 60,
    petCount: 1,
    location: { kind: 'owner_home', lat: 52.52, lng: 13.405, address: null },
    notes: null,
    specialInstructions: null,
    price: {
      currency: 'EUR',
      lines: [{ code: 'base', label: '1 session', quantity: 1, unitMinor: 1800, amountMinor: 1800 }],
      subtotalMinor: 1800,
      discountMinor: 0,
      totalMinor: 1800,
    },
    cancellationPolicy: 'strict',
    payment: null,
    seriesId: null,
    expiresAt: '2025-06-01T07:00:00.000Z',
    confirmedAt: null,
    declinedAt: null,
    declineReason: null,
    startedAt: null,
    completedAt: null,
    completionNotes: null,
    completionPhotos: [],
    cancelledAt: null,
    cancelledBy: null,
    cancellationReason: null,
    events: [],
    createdAt: '2025-05-20T10:00:00.000Z',
    updatedAt: '2025-05-20T10:00:00.000Z',
    actions: ['cancel', 'pay'],
    ...overrides,
  };
}

export function aPayment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: PAYMENT,
    bookingId: BOOKING,
    bookingNumber: 'WD-7K3M-9Q2P',
    kind: 'booking',
    provider: 'simulated',
    status: 'pending',
    amountMinor: 1800,
    currency: 'EUR',
    platformFeeMinor: 270,
    businessPayoutMinor: 1530,
    refundedMinor: 0,
    refundableMinor: 0,
    authorizedAt: null,
    paidAt: null,
    refundedAt: null,
    createdAt: '2025-05-20T10:00:00.000Z',
    refunds: [],
    ...overrides,
  };
}

/** A saved place of the owner (`GET /v1/users/me/places`). */
export function aPlace(overrides: Partial<Place> = {}): Place {
  return {
    id: '99999999-9999-4999-8999-999999999991',
    kind: 'home',
    label: 'Home',
    address: { street: 'Elm Road 12', city: 'Berlin', postalCode: null, country: 'DE' },
    location: { lat: 52.52, lng: 13.405 },
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}
