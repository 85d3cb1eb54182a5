import { STRONG_PASSWORD, type TestApp } from '../support/app.js';
import { businessBody } from '../businesses/fixtures.js';
import { berlin, TOMORROW } from '../bookings/helpers.js';
import type { FakeStripe } from '../support/fake-stripe.js';
import type { JsonSchema } from './schema.js';
import { totp, type Session, type World } from './world.js';

/**
 * One valid request per operationId, made against the world. The variants of an operation are each
 * one step from it; it is sent itself after them and must not be refused as malformed, which keeps
 * this table true as the API changes. An operation of the document without an entry fails the test,
 * unless `EXEMPT` says why it need not be covered.
 */

export type Ctx = { main: TestApp; stripe: TestApp; fake: FakeStripe; seq: () => number };
export type BaseRequest = {
  actor?: Session | null;
  path?: Record<string, string>;
  query?: Record<string, string | string[]>;
  body?: unknown;
  headers?: Record<string, string>;
  /** The body is a multipart upload (with this purpose field, or none). */
  upload?: { purpose: string | null };
  /** The body is a signed Stripe event. */
  webhook?: true;
};
export type Build = (w: World, c: Ctx) => BaseRequest | Promise<BaseRequest>;
export type BaseEntry = {
  build: Build;
  /** Further base requests of the operation, each with all its variants, where a parameter leads to other code. */
  flavours?: Record<string, Build>;
  /** Runs before the base request (and its variants): e.g. moves the clock to the next second or TOTP step. */
  prepare?: (c: Ctx) => void;
  /** 0: reads and changes; 1: needs something an operation of phase 0 does first; 2: uses up or deletes its target. */
  phase?: 0 | 1 | 2;
  /** Writes after answering (buffered positions and track points): the run waits for the buffer after an accepted request. */
  writesBehind?: true;
  /** The JSON body the route takes when the document does not describe it. */
  bodySchema?: JsonSchema;
};

/** Operations of the document not covered, each with the reason. */
export const EXEMPT: Record<string, string> = {};

/** A saved place (kind `other`: a person may keep many). */
const placeBody = () => ({
  kind: 'other',
  label: 'Studio',
  address: { street: 'Chausseestraße 10', city: 'Berlin', postalCode: '10115', country: 'Germany' },
  location: { lat: 52.531, lng: 13.381 },
});

const HOME = {
  kind: 'owner_home',
  lat: 52.531,
  lng: 13.381,
  address: { street: 'Chausseestraße 10', city: 'Berlin', region: 'Berlin', postalCode: '10115', country: 'DE' },
};
const now = (c: Ctx) => c.main.clock.now().toISOString();
const nextSecond = (c: Ctx) => c.main.clock.advance(1000);
// A TOTP code is accepted once per 30-second step.
const nextStep = (c: Ctx) => c.main.clock.advance(31_000);

const petBody = (name: string) => ({
  name,
  species: 'dog',
  breed: 'Beagle',
  birthDate: '2024-05-01',
  weightKg: 12.5,
  sex: 'female',
  neutered: true,
  microchipId: '276098106543210',
  temperament: 'Friendly and curious',
  goodWithKids: true,
  goodWithPets: true,
  energyLevel: 'high',
  feedingNotes: 'Twice a day',
  careNotes: 'Loves water',
  emergencyContact: { name: 'Sam Nachbar', phone: '+49 30 7654321', relation: 'Neighbour' },
  vet: { name: 'Dr. Vogel', clinic: 'Tierarzt Mitte', phone: '+49 30 1111111', address: 'Torstraße 1, Berlin' },
  allergies: ['Chicken'],
  medications: [{ name: 'Heartworm', dose: '1 tablet', schedule: 'Monthly', notes: 'With food' }],
  specialNeeds: 'None',
  status: 'active',
});
const serviceBody = (w: World, name: string) => ({
  name,
  type: 'walking',
  description: 'Around the park',
  price: { amountMinor: 2000, currency: 'EUR' },
  priceType: 'per_session',
  additionalPetPriceMinor: 500,
  durationMinutes: 60,
  petTypes: ['dog'],
  maxPets: 3,
  requiredVaccinations: ['Rabies'],
  cancellationPolicy: 'moderate',
  active: true,
  workerIds: [w.workerC.workerId],
});
const bookingBody = (w: World, startsAt: string) => ({
  serviceId: w.services.walking,
  petIds: [w.pets.main],
  startsAt,
  workerId: w.worker.workerId,
  location: HOME,
  notes: 'Ring twice',
  specialInstructions: 'Use the side gate',
});
const search = { lat: '52.53', lng: '13.38', radius: '10', serviceType: 'walking', petType: 'dog', maxPrice: '5000', limit: '10' };
const point = (c: Ctx) => ({ lng: 13.381, lat: 52.531, accuracyM: 5, recordedAt: now(c), speedMps: 1.2, heading: 45 });

export const BASE: Record<string, BaseEntry> = {
  health: { build: () => ({}) },
  ready: { build: () => ({}) },

  // ── auth and account ──
  register: {
    build: (_w, c) => ({
      body: {
        email: `fuzz-new-${c.seq()}@example.com`,
        password: STRONG_PASSWORD,
        firstName: 'Robin',
        lastName: 'Walker',
        phone: '+49 30 1234567',
        role: 'pet_owner',
      },
    }),
  },
  verifyEmail: { build: (w) => ({ body: { token: w.auth.verifyToken } }) },
  resendVerification: { build: (w) => ({ body: { email: w.auth.resendTo } }) },
  login: { build: (w) => ({ body: w.auth.login }) },
  loginTwoFactor: {
    prepare: nextStep,
    build: async (w, c) => ({ body: { challengeToken: w.auth.challenge, code: await totp(c.main, w.auth.twoFactorLogin.secret) } }),
  },
  refreshToken: { phase: 2, build: (w) => ({ headers: { cookie: `wd_refresh=${w.auth.cookies.refresh}` } }) },
  logout: { phase: 2, build: (w) => ({ headers: { cookie: `wd_refresh=${w.auth.cookies.logout}` } }) },
  forgotPassword: { build: (w) => ({ body: { email: w.auth.me.email } }) },
  resetPassword: { build: (w) => ({ body: { token: w.auth.resetToken, password: 'a brand new passphrase 1' } }) },
  changePassword: {
    phase: 2,
    build: (w) => ({ actor: w.auth.password, body: { currentPassword: w.auth.password.password, newPassword: 'another strong passphrase 2' } }),
  },
  twoFactorSetup: { build: (w) => ({ actor: w.auth.twoFactorSetup }) },
  twoFactorEnable: {
    prepare: nextStep,
    build: async (w, c) => ({ actor: w.auth.twoFactorEnable, body: { code: await totp(c.main, w.auth.twoFactorEnable.secret) } }),
  },
  twoFactorDisable: {
    phase: 2,
    prepare: nextStep,
    build: async (w, c) => ({
      actor: w.auth.twoFactorDisable,
      body: { password: w.auth.twoFactorDisable.password, code: await totp(c.main, w.auth.twoFactorDisable.secret) },
    }),
  },
  twoFactorRecoveryCodes: {
    prepare: nextStep,
    build: async (w, c) => ({ actor: w.auth.twoFactorCodes, body: { code: await totp(c.main, w.auth.twoFactorCodes.secret) } }),
  },
  getMe: { build: (w) => ({ actor: w.petOwner }) },
  updateMe: { build: (w) => ({ actor: w.auth.me, body: { firstName: 'Robin', lastName: 'Walker', phone: '+49 30 1234567' } }) },
  deleteMe: { phase: 2, build: (w) => ({ actor: w.auth.deleteMe, body: { password: w.auth.deleteMe.password } }) },
  exportMe: { build: (w) => ({ actor: w.petOwner }) },
  uploadAvatar: { build: (w) => ({ actor: w.petOwner, upload: { purpose: null } }) },
  deleteAvatar: { phase: 2, build: (w) => ({ actor: w.petOwner }) },
  listMyPlaces: { build: (w) => ({ actor: w.petOwner }) },
  createMyPlace: { phase: 2, build: (w) => ({ actor: w.places.maker, body: placeBody() }) },
  updateMyPlace: { build: (w) => ({ actor: w.petOwner, path: { id: w.places.fuzz }, body: { label: 'Studio' } }) },
  deleteMyPlace: { phase: 2, build: (w) => ({ actor: w.petOwner, path: { id: w.places.toDelete } }) },
  listFavourites: { build: (w) => ({ actor: w.petOwner }) },
  addFavourite: { build: (w) => ({ actor: w.petOwner, path: { businessId: w.businessA } }) },
  removeFavourite: { phase: 2, build: (w) => ({ actor: w.petOwner, path: { businessId: w.businessA } }) },
  geocode: { build: () => ({ query: { q: 'Berlin', limit: '5' } }) },
  reverseGeocode: { build: () => ({ query: { lat: '52.52', lng: '13.405' } }) },
  getBusinessOverview: { build: (w) => ({ actor: w.owner, path: { id: w.bizC } }) },
  getPlatformSettings: { build: (w) => ({ actor: w.admin }) },
  updatePlatformSettings: {
    build: (w) => ({ actor: w.admin, body: { requireTwoFactorForBusiness: false, platformFeeBpsStandard: 1500, platformFeeBpsPremium: 1000 } }),
  },

  // ── media and pets ──
  uploadMedia: { build: (w) => ({ actor: w.petOwner, upload: { purpose: 'pet_photo' } }) },
  // The token in the query, as an <img src> sends it: with a header as well, the query would be ignored.
  getMediaFile: { build: (w) => ({ path: { id: w.media.read }, query: { access_token: w.petOwner.accessToken } }) },
  getMediaThumbnail: { build: (w) => ({ path: { id: w.media.read }, query: { access_token: w.petOwner.accessToken } }) },
  deleteMedia: { phase: 2, build: (w) => ({ actor: w.petOwner, path: { id: w.media.toDelete } }) },
  listPets: { build: (w) => ({ actor: w.petOwner, query: { status: 'active', limit: '10' } }) },
  createPet: { build: (w) => ({ actor: w.petOwner, body: petBody('Biscuit') }) },
  getPet: { build: (w) => ({ actor: w.petOwner, path: { id: w.pets.main } }) },
  updatePet: { build: (w) => ({ actor: w.petOwner, path: { id: w.pets.fuzz }, body: petBody('Fuzzy') }) },
  deletePet: { phase: 2, build: (w) => ({ actor: w.petOwner, path: { id: w.pets.toDelete } }) },
  inviteCoOwner: { build: (w, c) => ({ actor: w.petOwner, path: { id: w.pets.fuzz }, body: { email: `fuzz-co-${c.seq()}@example.com` } }) },
  removeCoOwner: { phase: 2, build: (w) => ({ actor: w.petOwner, path: { id: w.pets.withCoOwner, userId: w.removableCoOwner } }) },
  acceptPetInvitation: { build: (w) => ({ actor: w.invitee, body: { token: w.petInvitation } }) },
  addVaccination: {
    build: (w) => ({
      actor: w.petOwner,
      path: { id: w.pets.fuzz },
      body: { name: 'Distemper', administeredOn: '2030-01-10', expiresOn: '2031-01-10', documentMediaId: null },
    }),
  },
  updateVaccination: {
    build: (w) => ({
      actor: w.petOwner,
      path: { id: w.pets.fuzz, vaccinationId: w.vaccinations.toUpdate },
      body: { name: 'Rabies booster', administeredOn: '2030-02-01', expiresOn: '2031-02-01', documentMediaId: null },
    }),
  },
  deleteVaccination: { phase: 2, build: (w) => ({ actor: w.petOwner, path: { id: w.pets.fuzz, vaccinationId: w.vaccinations.toDelete } }) },
  addPetPhoto: {
    // The document names no body: the route reads multipart (variants in special.ts) or this JSON form.
    bodySchema: { type: 'object', properties: { mediaId: { type: 'string', format: 'uuid' } }, required: ['mediaId'] },
    build: (w) => ({ actor: w.petOwner, path: { id: w.pets.fuzz }, body: { mediaId: w.media.toAttach } }),
  },
  deletePetPhoto: { phase: 2, build: (w) => ({ actor: w.petOwner, path: { id: w.pets.fuzz, photoId: w.petPhoto } }) },

  // ── businesses, workers, services ──
  createBusiness: {
    build: (w) => ({
      actor: w.owner,
      body: businessBody({ bookingSettings: { travelBufferMinutes: 15, dailyCapacity: 10, bookingExpiryHours: 24 }, active: true }),
    }),
  },
  listBusinesses: { build: (w) => ({ actor: w.owner, query: { limit: '10', verificationStatus: 'verified' } }) },
  getBusiness: { build: (w) => ({ path: { id: w.businessA } }) },
  updateBusiness: {
    build: (w) => ({
      actor: w.owner,
      path: { id: w.bizC },
      body: businessBody({ name: 'Happy Paws C', bookingSettings: { travelBufferMinutes: 15, dailyCapacity: 10, bookingExpiryHours: 24 }, active: true }),
    }),
  },
  deleteBusiness: { phase: 2, build: (w) => ({ actor: w.owner, path: { id: w.bizD } }) },
  addBusinessDocument: {
    build: (w) => ({
      actor: w.owner,
      path: { id: w.bizC },
      body: { kind: 'certification', title: 'Pet first aid', issuer: 'Red Cross', policyNumber: 'PFA-1', expiresOn: '2031-01-01', mediaId: null },
    }),
  },
  deleteBusinessDocument: { phase: 2, build: (w) => ({ actor: w.owner, path: { id: w.bizC, documentId: w.documentToDelete } }) },
  addBusinessPhoto: { build: (w) => ({ actor: w.owner, path: { id: w.bizC }, body: { mediaId: w.businessPhoto } }) },
  deleteBusinessPhoto: { phase: 2, build: (w) => ({ actor: w.owner, path: { id: w.bizC, photoId: w.businessPhotoToDelete } }) },
  setBusinessVerification: { build: (w) => ({ actor: w.admin, path: { id: w.bizC }, body: { status: 'verified', note: 'Papers checked' } }) },
  inviteWorker: { build: (w, c) => ({ actor: w.owner, path: { id: w.bizC }, body: { email: `fuzz-worker-${c.seq()}@example.com` } }) },
  listWorkers: { build: (w) => ({ path: { id: w.businessA }, query: { limit: '10' } }) },
  removeWorker: { phase: 2, build: (w) => ({ actor: w.owner, path: { id: w.bizC, workerId: w.workerToRemove } }) },
  listWorkerInvitations: { build: (w) => ({ actor: w.owner, path: { id: w.bizC } }) },
  revokeWorkerInvitation: { phase: 2, build: (w) => ({ actor: w.owner, path: { id: w.bizC, invitationId: w.invitationToRevoke } }) },
  getWorkerInvitation: { build: (w) => ({ path: { token: w.workerInvitations.read } }) },
  acceptWorkerInvitation: {
    build: (w) => ({ body: { token: w.workerInvitations.accept, firstName: 'Wendy', lastName: 'Walker', password: STRONG_PASSWORD } }),
  },
  getMyWorkerProfile: { build: (w) => ({ actor: w.worker }) },
  getWorker: { build: (w) => ({ actor: w.owner, path: { id: w.worker.workerId } }) },
  updateWorker: {
    build: (w) => ({
      actor: w.workerC,
      path: { id: w.workerC.workerId },
      body: {
        bio: 'Loves dogs',
        experienceYears: 3,
        specializations: ['Puppies'],
        certifications: [{ name: 'First aid', issuer: 'Red Cross', expiresOn: '2031-01-01' }],
        photoMediaId: null,
      },
    }),
  },
  setWorkerAvailability: {
    build: (w) => ({
      actor: w.owner,
      path: { id: w.workerC.workerId },
      body: {
        weeklyAvailability: [{ day: 1, start: '08:00', end: '18:00' }],
        timeOff: [{ startsAt: '2030-07-01T08:00:00Z', endsAt: '2030-07-02T08:00:00Z', reason: 'Holiday' }],
      },
    }),
  },
  listBusinessServices: { build: (w) => ({ path: { id: w.businessA }, query: { limit: '10' } }) },
  createService: { build: (w) => ({ actor: w.owner, path: { id: w.bizC }, body: serviceBody(w, 'Fuzz walk') }) },
  getService: { build: (w) => ({ path: { id: w.services.walking! } }) },
  updateService: { build: (w) => ({ actor: w.owner, path: { id: w.serviceC }, body: serviceBody(w, 'C walk') }) },
  deleteService: { phase: 2, build: (w) => ({ actor: w.owner, path: { id: w.serviceToDelete } }) },
  searchBusinesses: { build: () => ({ query: { ...search, minRating: '0', sort: 'distance' } }) },
  searchServices: { build: () => ({ query: { ...search, sort: 'price' } }) },
  businessMarkers: { build: () => ({ query: { lat: search.lat, lng: search.lng, radius: '10', serviceType: 'walking', petType: 'dog' } }) },
  publicConfig: { build: () => ({}) },

  // ── payments ──
  createPaymentIntent: { build: (w) => ({ actor: w.petOwner, body: { bookingId: w.bookings.toPay, kind: 'booking' } }) },
  confirmPayment: { build: (w) => ({ actor: w.petOwner, body: { paymentId: w.payments.pending } }) },
  listPayments: { build: (w) => ({ actor: w.petOwner, query: { limit: '10', bookingId: w.bookings.confirmed } }) },
  getPayment: { build: (w) => ({ actor: w.petOwner, path: { id: w.payments.succeeded } }) },
  refundPayment: { build: (w) => ({ actor: w.owner, path: { id: w.payments.succeeded }, body: { amountMinor: 100, reason: 'Goodwill' } }) },
  getPaymentInvoice: { build: (w) => ({ actor: w.petOwner, path: { id: w.payments.succeeded }, query: { format: 'html' } }) },
  startPayoutOnboarding: { build: (w) => ({ actor: w.owner, path: { id: w.bizC } }) },
  completeSimulatedPayoutOnboarding: { phase: 1, build: (w) => ({ actor: w.owner, path: { id: w.bizC } }) },
  getPayoutAccount: { build: (w) => ({ actor: w.owner, path: { id: w.bizC } }) },
  getBusinessEarnings: { build: (w) => ({ actor: w.owner, path: { id: w.businessA }, query: { from: '2030-05-01', to: '2030-06-30' } }) },
  stripeWebhook: { build: () => ({ webhook: true }) },

  // ── calendars and availability ──
  listCalendarFeeds: { build: (w) => ({ actor: w.petOwner }) },
  regenerateCalendarFeed: { build: (w) => ({ actor: w.petOwner, body: { kind: 'owner', subjectId: w.petOwner.id } }) },
  getCalendarFeed: { build: (w) => ({ path: { file: w.calendarFile } }) },
  getServiceAvailability: {
    build: (w) => ({ actor: w.petOwner, path: { id: w.services.walking! }, query: { from: TOMORROW, to: '2030-06-10', pets: '1' } }),
    // Day services count nights against the capacity, by other code.
    flavours: { boarding: (w) => ({ actor: w.petOwner, path: { id: w.services.boarding! }, query: { from: TOMORROW, to: '2030-06-10', pets: '1' } }) },
  },

  // ── notifications ──
  listNotifications: { build: (w) => ({ actor: w.owner, query: { limit: '10', unread: 'true' } }) },
  readAllNotifications: { build: (w) => ({ actor: w.owner }) },
  readNotification: { build: (w) => ({ actor: w.owner, path: { id: w.notifications.read } }) },
  deleteNotification: { phase: 2, build: (w) => ({ actor: w.owner, path: { id: w.notifications.toDelete } }) },
  getNotificationPreferences: { build: (w) => ({ actor: w.petOwner }) },
  updateNotificationPreferences: { build: (w) => ({ actor: w.petOwner, body: { quietHours: { start: '22:00', end: '07:00' }, timeZone: 'Europe/Berlin' } }) },
  getPushKey: { build: (w) => ({ actor: w.petOwner }) },
  createPushSubscription: {
    build: (w, c) => ({ actor: w.petOwner, body: { endpoint: `https://push.example.test/fuzz/${c.seq()}`, expirationTime: null, keys: w.push.keys } }),
  },
  deletePushSubscription: { phase: 2, build: (w) => ({ actor: w.petOwner, body: { endpoint: w.push.endpoint } }) },

  // ── live walks ──
  goOnline: {
    writesBehind: true,
    prepare: nextSecond,
    build: (w, c) => ({ actor: w.workerC, path: { id: w.workerC.workerId }, body: { location: point(c) } }),
  },
  updateWorkerLocation: {
    phase: 1,
    writesBehind: true,
    // One accepted position per worker and second of the clock.
    prepare: nextSecond,
    build: (w, c) => ({ actor: w.workerC, path: { id: w.workerC.workerId }, body: { ...point(c), seq: c.seq() } }),
  },
  goOffline: { phase: 2, build: (w) => ({ actor: w.workerC, path: { id: w.workerC.workerId } }) },
  nearbyWorkers: {
    build: (w) => ({ actor: w.petOwner, query: { lat: search.lat, lng: search.lng, radius: '5000', serviceType: 'walking', limit: '10', team: 'false' } }),
  },
  getBookingTracking: { build: (w) => ({ actor: w.petOwner, path: { id: w.bookings.inProgress } }) },
  uploadTrackPoints: {
    writesBehind: true,
    prepare: nextSecond,
    build: (w, c) => ({ actor: w.worker, path: { id: w.bookings.inProgress }, body: { points: [{ ...point(c), seq: c.seq() }] } }),
  },
  addWalkEvent: {
    prepare: nextSecond,
    build: (w, c) => ({
      actor: w.worker,
      path: { id: w.bookings.inProgress },
      body: { kind: 'pee', at: now(c), lng: 13.381, lat: 52.531, note: 'Good boy', clientId: `fuzz-${c.seq()}` },
    }),
  },
  setOnTheWay: { build: (w) => ({ actor: w.worker, path: { id: w.bookings.soon } }) },
  getWalkReport: { build: (w) => ({ actor: w.petOwner, path: { id: w.bookings.completed } }) },

  // ── bookings ──
  createBooking: {
    build: (w) => ({ actor: w.petOwner, body: bookingBody(w, berlin('2030-06-20', '10:00')) }),
    flavours: {
      boarding: (w) => ({
        actor: w.petOwner,
        body: {
          serviceId: w.services.boarding,
          petIds: [w.pets.main],
          startDate: '2030-06-21',
          endDate: '2030-06-23',
          location: { kind: 'business' },
          notes: 'Two nights',
        },
      }),
    },
  },
  listBookings: {
    build: (w) => ({ actor: w.petOwner, query: { limit: '10', status: 'pending', from: '2030-06-01', to: '2030-07-01', role: 'owner', order: 'asc' } }),
  },
  getBooking: { build: (w) => ({ actor: w.petOwner, path: { id: w.bookings.confirmed } }) },
  getJobCard: { build: (w) => ({ actor: w.owner, path: { id: w.bookings.confirmed } }) },
  updateBooking: {
    build: (w) => ({
      actor: w.petOwner,
      path: { id: w.bookings.toUpdate },
      body: { petIds: [w.pets.main], location: HOME, notes: 'Ring twice', specialInstructions: 'Use the side gate' },
    }),
  },
  previewBookingCancellation: { build: (w) => ({ actor: w.petOwner, path: { id: w.bookings.confirmed } }) },
  confirmBooking: { build: (w) => ({ actor: w.owner, path: { id: w.bookings.toConfirm } }) },
  declineBooking: { phase: 2, build: (w) => ({ actor: w.owner, path: { id: w.bookings.toDecline }, body: { reason: 'Fully booked that day' } }) },
  startBooking: { build: (w) => ({ actor: w.worker2, path: { id: w.bookings.toStart } }) },
  // After the walk's tracking operations (phase 0): completing ends the walk.
  completeBooking: { phase: 2, build: (w) => ({ actor: w.worker, path: { id: w.bookings.inProgress }, body: { notes: 'A great walk', photoIds: [] } }) },
  cancelBooking: { phase: 2, build: (w) => ({ actor: w.petOwner, path: { id: w.bookings.toCancel }, body: { reason: 'Plans changed' } }) },
  createBookingSeries: {
    build: (w) => ({ actor: w.petOwner, body: { ...bookingBody(w, berlin('2030-06-24', '10:00')), rule: { byDay: [1], interval: 1, count: 2 } } }),
  },
  getBookingSeries: { build: (w) => ({ actor: w.petOwner, path: { id: w.series.read } }) },
  cancelBookingSeries: {
    phase: 2,
    build: (w) => ({ actor: w.petOwner, path: { id: w.series.toCancel }, body: { reason: 'Moving away', from: '2030-06-10' } }),
  },
};
