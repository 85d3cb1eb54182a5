import { generate } from 'otplib';
import type { LightMyRequestResponse } from 'fastify';
import { STRONG_PASSWORD, type TestApp } from '../support/app.js';
import { newBusiness, newMedia, newWorker } from '../businesses/fixtures.js';
import { marketplace, newPet, newService, setAvailability } from '../support/marketplace.js';
import { berlin, bookingInState, call, coOwnerOf, NOW, slotSequence, TOMORROW } from '../bookings/helpers.js';
import { intent, newBooking } from '../payments/fixtures.js';
import type { FakeIntent, FakeStripe } from '../support/fake-stripe.js';
import { multipart, png } from '../support/media-fixtures.js';

/**
 * The small marketplace every base request is made against, built once through the API (with the
 * project's factories) and kept as plain data, so that an app restarted after a hang can go on with it.
 * Anything a base request uses up or destroys is its own: an accidental success of a variant (a
 * finding) then spoils nothing another operation needs.
 */

export type Session = { id: string; email: string; password: string; accessToken: string };
export type World = Awaited<ReturnType<typeof buildWorld>>;

// Workers accepted their invitation with the factories' STRONG_PASSWORD.
const session = (u: { id: string; email: string; password?: string; accessToken: string }): Session => ({
  id: u.id,
  email: u.email,
  password: u.password ?? STRONG_PASSWORD,
  accessToken: u.accessToken,
});

function must(res: LightMyRequestResponse, status: number, what: string) {
  if (res.statusCode !== status) throw new Error(`world: ${what} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return res.json().data;
}

/** The current TOTP code of a secret at the app's clock. */
export const totp = (t: TestApp, secret: string) => generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });

async function uploadPhoto(t: TestApp, who: Session, purpose = 'pet_photo'): Promise<string> {
  const form = multipart({ purpose }, { data: await png(), filename: 'dog.png', contentType: 'image/png' });
  const res = await t.app.inject({ method: 'POST', url: '/v1/media', headers: { ...t.bearer(who.accessToken), ...form.headers }, payload: form.payload });
  return must(res, 201, 'upload').id;
}

async function twoFactorUser(t: TestApp, enable: boolean) {
  const user = await t.newUser();
  const { secret } = must(await call(t, user, 'POST', '/v1/auth/2fa/setup'), 200, '2fa setup');
  if (enable) {
    must(await call(t, user, 'POST', '/v1/auth/2fa/enable', { code: await totp(t, secret) }), 200, '2fa enable');
    // A code is accepted once per time step: the next one comes from a later step.
    t.clock.advance(31_000);
  }
  return { ...session(user), secret: secret as string };
}

export async function buildWorld(t: TestApp, stripe: { t: TestApp; fake: FakeStripe }) {
  t.clock.set(NOW);
  stripe.t.clock.set(NOW);
  const m = await marketplace(t);
  const services: Record<string, string> = { walking: m.serviceId };
  for (const [type, extra] of [
    ['boarding', { priceType: 'per_night', durationMinutes: null }],
    ['daycare', { priceType: 'per_day', durationMinutes: null }],
    ['grooming', {}],
    ['training', {}],
    ['sitting', {}],
    ['drop_in', {}],
  ] as const)
    services[type] = await newService(t, m.owner, m.businessId, { name: `Fuzz ${type}`, type, ...extra });
  const worker2 = await newWorker(t, m.businessId, m.owner);
  await setAvailability(t, worker2.workerId);
  const secondService = await newService(t, m.owner, m.businessId, { name: 'Second walk', workerIds: [worker2.workerId] });
  const coOwner = session(await coOwnerOf(t, m));
  const coOwnerPet = await newPet(t, coOwner);

  // Bookings in several states, each used (and possibly used up) by one operation's base request.
  const next = slotSequence(TOMORROW);
  const booking = async (state: Parameters<typeof bookingInState>[2], startsAt = next(), serviceId = m.serviceId) =>
    (await bookingInState(t, { ...m, serviceId }, state, startsAt)).id;
  const bookings = {
    toUpdate: await booking('pending'),
    toPay: await booking('pending'),
    toConfirmPayment: await booking('pending'),
    toConfirm: await booking('paid'),
    toDecline: await booking('pending'),
    toCancel: await booking('pending'),
    confirmed: await booking('confirmed'),
    completed: await booking('completed'),
    inProgress: await booking('in_progress'),
    toStart: await booking('confirmed', next(), secondService),
    // Within three hours of the clock's now, so the worker may say they are on the way.
    soon: await booking('confirmed', berlin('2030-06-03', '10:00')),
  };
  const pendingPayment = must(await intent(t, m.petOwner.accessToken, { bookingId: bookings.toConfirmPayment }), 201, 'intent').payment.id as string;
  await t.drain();
  const paymentOf = async (bookingId: string) => must(await call(t, m.petOwner, 'GET', `/v1/bookings/${bookingId}`), 200, 'booking').payment.id as string;
  const payments = { succeeded: await paymentOf(bookings.confirmed), pending: pendingPayment };

  const series = async (startsAt: string) =>
    must(
      await call(t, m.petOwner, 'POST', '/v1/booking-series', {
        serviceId: m.serviceId,
        petIds: [m.petId],
        startsAt,
        location: { kind: 'owner_home', lat: 52.531, lng: 13.381 },
        rule: { byDay: [1], count: 2 },
      }),
      201,
      'series',
    ).series.id as string;
  const seriesIds = { read: await series(berlin('2030-06-10', '12:00')), toCancel: await series(berlin('2030-06-10', '15:00')) };

  // Pets, vaccinations, co-owners, photos of the pet owner.
  const pet = await newPet(t, m.petOwner, { name: 'Fuzzy' });
  const petToDelete = await newPet(t, m.petOwner, { name: 'Leaving' });
  const vaccination = async () =>
    must(await call(t, m.petOwner, 'POST', `/v1/pets/${pet}/vaccinations`, { name: 'Rabies', administeredOn: '2030-01-10' }), 201, 'vaccination').id as string;
  const vaccinations = { toUpdate: await vaccination(), toDelete: await vaccination() };
  const petWithCoOwner = await newPet(t, m.petOwner, { name: 'Shared' });
  const removableCoOwner = await t.newUser();
  must(await call(t, m.petOwner, 'POST', `/v1/pets/${petWithCoOwner}/co-owners`, { email: removableCoOwner.email }), 201, 'co-owner invite');
  must(
    await call(t, removableCoOwner, 'POST', '/v1/pet-invitations/accept', { token: (await t.linkFor(removableCoOwner.email, '/invitations/pet')).token }),
    200,
    'accept',
  );
  const invitee = await t.newUser();
  must(await call(t, m.petOwner, 'POST', `/v1/pets/${pet}/co-owners`, { email: invitee.email }), 201, 'co-owner invite');
  const petInvitation = (await t.linkFor(invitee.email, '/invitations/pet')).token;
  const petOwner = session(m.petOwner);
  const media = { read: await uploadPhoto(t, petOwner), toDelete: await uploadPhoto(t, petOwner), toAttach: await uploadPhoto(t, petOwner) };
  const petPhoto = must(await call(t, m.petOwner, 'POST', `/v1/pets/${pet}/photos`, { mediaId: await uploadPhoto(t, petOwner) }), 201, 'pet photo')
    .id as string;

  // Business C (the owner's second business) takes the catalog changes; business D is deleted.
  const bizC = await newBusiness(t, m.owner, { status: 'verified' });
  const bizD = await newBusiness(t, m.owner, { status: 'verified' });
  const workerC = await newWorker(t, bizC, m.owner);
  const workerToRemove = await newWorker(t, bizC, m.owner);
  const serviceC = await newService(t, m.owner, bizC, { name: 'C walk' });
  const serviceToDelete = await newService(t, m.owner, bizC, { name: 'C leaving' });
  const documentToDelete = must(await call(t, m.owner, 'POST', `/v1/businesses/${bizC}/documents`, { kind: 'insurance', title: 'Liability' }), 201, 'document')
    .id as string;
  const businessPhoto = await newMedia(t, m.owner.id, 'business_photo');
  const businessPhotoToDelete = await newMedia(t, m.owner.id, 'business_photo');
  must(await call(t, m.owner, 'POST', `/v1/businesses/${bizC}/photos`, { mediaId: businessPhotoToDelete }), 201, 'business photo');
  const invite = async (email: string) =>
    must(await call(t, m.owner, 'POST', `/v1/businesses/${bizC}/workers`, { email }), 201, 'invite').invitationId as string;
  const invitationToRevoke = await invite('fuzz-revoke@example.com');
  await invite('fuzz-read@example.com');
  await invite('fuzz-accept@example.com');
  const workerInvitations = {
    read: (await t.linkFor('fuzz-read@example.com', '/invitations/worker')).token,
    accept: (await t.linkFor('fuzz-accept@example.com', '/invitations/worker')).token,
  };

  // Accounts for the auth operations, each used by one.
  const unverified = await t.register();
  const verifyToken = (await t.linkFor(unverified.email, '/verify-email')).token;
  const resendTo = (await t.register()).email;
  const resetUser = await t.newUser();
  must(await call(t, null, 'POST', '/v1/auth/forgot-password', { email: resetUser.email }), 202, 'forgot');
  const resetToken = (await t.linkFor(resetUser.email, '/reset-password')).token;
  const twoFactorLogin = await twoFactorUser(t, true);
  const challenge = must(await call(t, null, 'POST', '/v1/auth/login', { email: twoFactorLogin.email, password: twoFactorLogin.password }), 200, 'login')
    .challengeToken as string;
  const twoFactor = {
    twoFactorSetup: session(await t.newUser()),
    twoFactorEnable: await twoFactorUser(t, false),
    twoFactorDisable: await twoFactorUser(t, true),
    twoFactorCodes: await twoFactorUser(t, true),
  };
  const sessionUser = await t.newUser();
  const cookies = { refresh: (await t.login(sessionUser.email, sessionUser.password)).refreshCookie, logout: sessionUser.refreshCookie };

  const notificationIds = (must(await call(t, m.owner, 'GET', '/v1/notifications?limit=5'), 200, 'notifications') as { id: string }[]).map((n) => n.id);
  if (notificationIds.length < 2) throw new Error('world: the business owner should have notifications about the bookings');
  const pushEndpoint = 'https://push.example.test/fuzz/delete-me';
  const pushKeys = { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' };
  must(await call(t, m.petOwner, 'POST', '/v1/notifications/push-subscriptions', { endpoint: pushEndpoint, keys: pushKeys }), 201, 'push');
  const feeds = must(await call(t, coOwner, 'GET', '/v1/calendars'), 200, 'calendars') as { url: string }[];

  // The Stripe-configured app: its own marketplace, an onboarded business and a payment at the fake Stripe.
  const ms = await marketplace(stripe.t);
  const onboarding = must(await call(stripe.t, ms.owner, 'POST', `/v1/businesses/${ms.businessId}/payouts/onboarding`), 200, 'onboarding');
  stripe.fake.completeOnboarding(onboarding.accountId);
  must(await call(stripe.t, ms.owner, 'GET', `/v1/businesses/${ms.businessId}/payouts`), 200, 'payouts');
  const stripeBooking = await newBooking(stripe.t, ms);
  const stripePayment = must(await intent(stripe.t, ms.petOwner.accessToken, { bookingId: stripeBooking.id }), 201, 'stripe intent').payment.id as string;
  const pi = [...stripe.fake.intents.values()].find((i) => i.metadata.paymentId === stripePayment)!;
  stripe.fake.confirmCard(pi.id);

  // The embedded gazetteer loads on its first use (the server loads it before it listens): load it here,
  // so that the first geocode request of the run is not timed with the load.
  must(await t.app.inject({ method: 'GET', url: '/v1/geocode?q=Berlin' }), 200, 'geocoder warm-up');
  const rest = { password: session(await t.newUser()), me: session(await t.newUser()), deleteMe: session(await t.newUser()) };
  // Saved places: one to change, one to delete; new ones are made by an account of their own (at most 20 each).
  const placeBody = { kind: 'other', label: 'Studio', address: { street: 'Chausseestraße 10', city: 'Berlin' }, location: { lat: 52.531, lng: 13.381 } };
  const places = {
    fuzz: must(await call(t, petOwner, 'POST', '/v1/users/me/places', placeBody), 201, 'place').id as string,
    toDelete: must(await call(t, petOwner, 'POST', '/v1/users/me/places', placeBody), 201, 'place').id as string,
    maker: session(await t.newUser({ role: 'pet_owner' })),
  };
  return {
    places,
    /** Where the apps' clocks stand once the world is built (the two-factor accounts moved the main one on). */
    clock: t.clock.now().toISOString(),
    owner: session(m.owner),
    otherOwner: session(m.otherOwner),
    petOwner,
    coOwner,
    admin: session(m.admin),
    worker: { ...session(m.worker), workerId: m.worker.workerId },
    worker2: { ...session(worker2), workerId: worker2.workerId },
    workerC: { ...session(workerC), workerId: workerC.workerId },
    workerToRemove: workerToRemove.workerId,
    invitee: session(invitee),
    businessA: m.businessId,
    businessB: m.otherBusinessId,
    bizC,
    bizD,
    services,
    serviceC,
    serviceToDelete,
    pets: { main: m.petId, fuzz: pet, toDelete: petToDelete, withCoOwner: petWithCoOwner, coOwners: coOwnerPet },
    removableCoOwner: removableCoOwner.id,
    petInvitation,
    petPhoto,
    vaccinations,
    media,
    documentToDelete,
    businessPhoto,
    businessPhotoToDelete,
    invitationToRevoke,
    workerInvitations,
    bookings,
    payments,
    series: seriesIds,
    auth: {
      unverified: unverified.email,
      verifyToken,
      resendTo,
      resetToken,
      login: { email: sessionUser.email, password: sessionUser.password },
      twoFactorLogin,
      challenge,
      ...twoFactor,
      ...rest,
      cookies,
    },
    notifications: { read: notificationIds[0]!, toDelete: notificationIds[1]! },
    push: { endpoint: pushEndpoint, keys: pushKeys },
    calendarFile: feeds[0]!.url.split('/').pop()!,
    stripe: { payment: stripePayment, intent: JSON.parse(JSON.stringify(pi)) as FakeIntent, clock: stripe.t.clock.now().toISOString() },
  };
}
