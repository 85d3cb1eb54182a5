/**
 * The booking form of one service: pets, a slot from real availability (or a date range for boarding
 * and daycare), an optional weekly repeat, where, notes, the price estimate, and the request itself.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import {
  bookingKindFor,
  dayUnitFor,
  daysBetween,
  expandWeeklyRule,
  locationKindsFor,
  priceBooking,
  type Availability,
  type Booking,
  type CreateBookingBody,
  type CreateSeriesBody,
  type LocationKind,
  type Place,
  type PriceBreakdown,
  type SeriesResponse,
  type WeeklyRule,
} from '@walkydoggy/shared';
import { bookingsApi, newIdempotencyKey, seriesApi } from '../api/bookings';
import { ApiError } from '../api/client';
import { businessesApi, servicesApi, type Business, type Service } from '../api/businesses';
import { petsApi, type Pet } from '../api/pets';
import { placesApi } from '../api/users';
import type { BookingPrefill } from '../lib/bookAgain';
import { addDays, localDate, todayIn, weekdayOf } from '../lib/time';

/** Days of availability asked for at once (the API allows 31). */
export const AVAILABILITY_WINDOW_DAYS = 28;
/**
 * Shorter windows, tried in turn when the API refuses a window for the size of the team (it covers
 * at most AVAILABILITY_MAX_WORKER_DAYS workers × days: a team of more than 110 gets fewer days at once).
 */
const SHORTER_WINDOWS = [14, 7, 3, 1] as const;
export const DURATION_CHOICES = [30, 45, 60, 90, 120, 180, 240, 360, 480] as const;

export type SlotOption = { startsAt: string; endsAt: string; workerIds: string[] };
export type BookingOutcome = { kind: 'booking'; booking: Booking } | { kind: 'series'; result: SeriesResponse };
export type PetChoice = { pet: Pet; missingVaccinations: string[] };

/** The slots of a slot availability by local date (only those `workerId` can take, when given), in time order. */
export function slotsByDate(availability: Availability | null, workerId = ''): Map<string, SlotOption[]> {
  const days = new Map<string, SlotOption[]>();
  if (!availability || availability.kind !== 'slot') return days;
  // The answer lists each start once, in time order, with the indexes of the workers free at it.
  const ids = availability.workers.map((w) => w.workerId);
  for (const slot of availability.slots) {
    const workerIds = slot.workers.map((i) => ids[i]).filter((id): id is string => id !== undefined);
    if (!workerIds.length || (workerId && !workerIds.includes(workerId))) continue;
    const option: SlotOption = { startsAt: slot.startsAt, endsAt: slot.endsAt, workerIds };
    const date = localDate(option.startsAt, availability.timeZone);
    const list = days.get(date) ?? [];
    list.push(option);
    days.set(date, list);
  }
  return days;
}

/** Required vaccinations a pet lacks, or has expired by `onDate` (the API has the last word). */
export function missingVaccinations(pet: Pet, required: readonly string[], onDate: string): string[] {
  return required.filter(
    (name) => !pet.vaccinations.some((v) => v.name.trim().toLowerCase() === name.trim().toLowerCase() && (v.expiresOn === null || v.expiresOn >= onDate)),
  );
}

export const useBookingFlowStore = defineStore('bookingFlow', () => {
  const service = ref<Service | null>(null);
  const business = ref<Business | null>(null);
  const pets = ref<Pet[]>([]);
  const petIds = ref<string[]>([]);
  const availability = ref<Availability | null>(null);
  const windowFrom = ref('');
  /** Days of the current window: AVAILABILITY_WINDOW_DAYS unless the team is too large for it. */
  const windowDays = ref<number>(AVAILABILITY_WINDOW_DAYS);
  const loadingAvailability = ref(false);
  const date = ref('');
  const workerId = ref('');
  const startsAt = ref('');
  const durationMinutes = ref<number | null>(null);
  const startDate = ref('');
  const endDate = ref('');
  const repeat = reactive({ enabled: false, byDay: [] as number[], interval: 1, end: 'count' as 'count' | 'until', count: 4, until: '' });
  const location = reactive({
    kind: 'owner_home' as LocationKind,
    /** The saved place chosen, or '' for another place (the map and the address fields). */
    placeId: '',
    point: null as { lat: number; lng: number } | null,
    street: '',
    postalCode: '',
    city: '',
    country: '',
  });
  /** The owner's saved places; offered first when the service happens at the owner's place. */
  const places = ref<Place[]>([]);
  const notes = ref('');
  const specialInstructions = ref('');
  /** The pending booking being changed (the edit page): availability leaves its own hold out. */
  const excludeBookingId = ref('');
  /** The answer that created the last series: its conflicts are not stored anywhere else. */
  const lastSeries = ref<SeriesResponse | null>(null);
  let attempt: { body: string; key: string } | null = null;

  const kind = computed(() => (service.value ? bookingKindFor(service.value.type) : 'slot'));
  const dayUnit = computed(() => (service.value ? dayUnitFor(service.value.type) : null));
  const timeZone = computed(() => business.value?.timeZone ?? 'UTC');
  const locationKinds = computed<LocationKind[]>(() => (service.value ? locationKindsFor(service.value.type) : []));
  const needsPoint = computed(() => location.kind !== 'business');
  const placeChoices = computed<Place[]>(() => (locationKinds.value.some((k) => k !== 'business') ? places.value : []));

  /** A saved place (its point and address are sent with the booking), '' for another place, or 'business'. */
  function choosePlace(choice: string) {
    const place = places.value.find((p) => p.id === choice);
    if (place) {
      const kind: LocationKind = place.kind === 'home' && locationKinds.value.includes('owner_home') ? 'owner_home' : 'custom';
      Object.assign(location, {
        kind: locationKinds.value.includes(kind) ? kind : (locationKinds.value.find((k) => k !== 'business') ?? kind),
        placeId: place.id,
        point: { ...place.location },
        street: place.address.street,
        postalCode: place.address.postalCode ?? '',
        city: place.address.city,
        country: place.address.country ?? '',
      });
      return;
    }
    const wasSaved = location.placeId !== '';
    location.placeId = '';
    if (choice === 'business') location.kind = 'business';
    else if (location.kind === 'business' || wasSaved) location.kind = locationKinds.value.find((k) => k !== 'business') ?? 'custom';
    if (wasSaved) Object.assign(location, { point: null, street: '', postalCode: '', city: '', country: '' });
  }
  const today = computed(() => todayIn(timeZone.value));

  /** The date the price and vaccinations are judged on: the (first) day of the booking. */
  const bookingDate = computed(() => (kind.value === 'day' ? startDate.value : date.value) || today.value);
  const petChoices = computed<PetChoice[]>(() =>
    pets.value
      .filter((p) => p.status === 'active' && (service.value?.petTypes ?? []).includes(p.species))
      .map((pet) => ({ pet, missingVaccinations: missingVaccinations(pet, service.value?.requiredVaccinations ?? [], bookingDate.value) })),
  );
  const petCount = computed(() => Math.max(1, petIds.value.length));

  const workers = computed(() => (availability.value?.kind === 'slot' ? availability.value.workers : []));
  const slotDays = computed(() => slotsByDate(availability.value, workerId.value));
  const availableDates = computed(() => [...slotDays.value.keys()]);
  const slotsOfDay = computed(() => slotDays.value.get(date.value) ?? []);
  const selectedSlot = computed(() => slotsOfDay.value.find((s) => s.startsAt === startsAt.value) ?? null);
  const days = computed(() => (availability.value?.kind === 'day' ? availability.value.days : []));

  /** Nights of boarding (the check-out day is not one) or days of daycare (both ends count). */
  const units = computed(() => {
    if (kind.value !== 'day' || !startDate.value || !endDate.value) return 0;
    const span = daysBetween(startDate.value, endDate.value);
    return dayUnit.value === 'night' ? span : span + 1;
  });
  /** The dates a day booking occupies, to check them against what is open and left. */
  const occupiedDates = computed(() => Array.from({ length: Math.max(0, units.value) }, (_, i) => addDays(startDate.value, i)));
  const dayProblem = computed(() => {
    if (kind.value !== 'day' || !startDate.value || !endDate.value) return '';
    if (units.value < 1) return dayUnit.value === 'night' ? 'Check-out must be after check-in.' : 'The last day cannot be before the first.';
    for (const d of occupiedDates.value) {
      const info = days.value.find((x) => x.date === d);
      if (!info) continue; // outside the loaded window: the API checks it
      if (!info.open) return `The business is closed on ${d}.`;
      if (info.remaining < petCount.value) return `Only ${info.remaining} ${info.remaining === 1 ? 'place is' : 'places are'} left on ${d}.`;
    }
    return '';
  });

  const rule = computed<WeeklyRule>(() => ({
    byDay: [...repeat.byDay].sort((a, b) => a - b),
    interval: repeat.interval,
    ...(repeat.end === 'count' ? { count: repeat.count } : { until: repeat.until }),
  }));
  const occurrences = computed<string[]>(() => {
    if (!repeat.enabled || !date.value || !repeat.byDay.length) return [];
    if (repeat.end === 'until' && !repeat.until) return [];
    try {
      return expandWeeklyRule(rule.value, date.value);
    } catch {
      return [];
    }
  });

  const estimate = computed<PriceBreakdown | null>(() => {
    const s = service.value;
    if (!s) return null;
    if (kind.value === 'day' && units.value < 1) return null;
    try {
      return priceBooking({
        service: {
          priceMinor: s.price.amountMinor,
          currency: s.price.currency,
          priceType: s.priceType,
          additionalPetPriceMinor: s.additionalPetPriceMinor ?? 0,
          durationMinutes: s.durationMinutes,
        },
        pets: petCount.value,
        ...(s.priceType === 'per_hour' ? { durationMinutes: durationMinutes.value ?? s.durationMinutes ?? 60 } : {}),
        ...(dayUnit.value === 'night' ? { nights: units.value } : dayUnit.value === 'day' ? { days: units.value } : {}),
      });
    } catch {
      return null;
    }
  });

  function reset() {
    Object.assign(repeat, { enabled: false, byDay: [], interval: 1, end: 'count', count: 4, until: '' });
    Object.assign(location, { kind: 'owner_home', placeId: '', point: null, street: '', postalCode: '', city: '', country: '' });
    petIds.value = [];
    availability.value = null;
    windowDays.value = AVAILABILITY_WINDOW_DAYS;
    date.value = workerId.value = startsAt.value = startDate.value = endDate.value = notes.value = specialInstructions.value = '';
    durationMinutes.value = null;
    excludeBookingId.value = '';
    attempt = null;
  }

  /**
   * `excludeBookingId`: the owner's pending booking the form changes, so that its own time counts as free.
   * `prefill` ("book again"): the pets, worker and place to start from, kept only where still offered.
   */
  async function load(serviceId: string, options: { excludeBookingId?: string; prefill?: BookingPrefill } = {}): Promise<void> {
    reset();
    excludeBookingId.value = options.excludeBookingId ?? '';
    service.value = (await servicesApi.get(serviceId)).data;
    const [biz, mine, saved] = await Promise.all([
      businessesApi.get(service.value.businessId),
      petsApi.list('active'),
      // Saved places only make booking quicker: the form works without them.
      placesApi.list().catch(() => null),
    ]);
    business.value = biz.data;
    pets.value = mine.data ?? [];
    places.value = saved?.data ?? [];
    const first = petChoices.value[0];
    if (petChoices.value.length === 1 && first) petIds.value = [first.pet.id];
    location.kind = locationKinds.value[0] ?? 'owner_home';
    // The home first (then any saved place) when the service comes to the owner.
    const preferred = placeChoices.value.find((p) => p.kind === 'home') ?? placeChoices.value[0];
    if (preferred && location.kind !== 'business') choosePlace(preferred.id);
    durationMinutes.value = service.value.priceType === 'per_hour' ? (service.value.durationMinutes ?? 60) : null;
    const prefill = options.prefill;
    if (prefill) prefillChoices(prefill);
    await loadAvailability(today.value);
    if (prefill?.workerId && workers.value.some((w) => w.workerId === prefill.workerId)) chooseWorker(prefill.workerId);
  }

  /** The pets (those the service still takes, up to its maximum) and the place of a "book again" link. */
  function prefillChoices(prefill: BookingPrefill) {
    const offered = new Set(petChoices.value.map((c) => c.pet.id));
    const chosen = prefill.petIds.filter((id) => offered.has(id)).slice(0, service.value?.maxPets ?? 1);
    if (chosen.length) petIds.value = chosen;
    if (prefill.place === 'business' && locationKinds.value.includes('business')) choosePlace('business');
    else if (prefill.place && placeChoices.value.some((p) => p.id === prefill.place)) choosePlace(prefill.place);
  }

  /** Loads `windowDays` days from `from` and keeps the choices that are still offered. */
  async function loadAvailability(from: string = windowFrom.value || today.value): Promise<void> {
    if (!service.value) return;
    loadingAvailability.value = true;
    try {
      const data = await availabilityFrom(service.value.id, from);
      availability.value = data;
      windowFrom.value = from;
      if (workerId.value && !workers.value.some((w) => w.workerId === workerId.value)) workerId.value = '';
      if (kind.value === 'slot') {
        if (!slotDays.value.has(date.value)) date.value = availableDates.value[0] ?? '';
        if (!slotsOfDay.value.some((s) => s.startsAt === startsAt.value)) startsAt.value = '';
      } else if (!startDate.value) {
        const firstOpen = days.value.find((d) => d.open && d.remaining >= petCount.value);
        if (firstOpen) {
          startDate.value = firstOpen.date;
          endDate.value = dayUnit.value === 'night' ? addDays(firstOpen.date, 1) : firstOpen.date;
        }
      }
    } finally {
      loadingAvailability.value = false;
    }
  }

  /** The window from `from`, shortened while the API says the team is too large for it. */
  async function availabilityFrom(serviceId: string, from: string): Promise<Availability> {
    for (;;) {
      try {
        const { data } = await bookingsApi.availability(
          serviceId,
          from,
          addDays(from, windowDays.value - 1),
          petCount.value,
          excludeBookingId.value || undefined,
        );
        return data;
      } catch (err) {
        const shorter = SHORTER_WINDOWS.find((days) => days < windowDays.value);
        if (!(err instanceof ApiError) || err.status !== 400 || !err.fieldErrors['querystring.to'] || shorter === undefined) throw err;
        windowDays.value = shorter;
      }
    }
  }

  function chooseDate(value: string) {
    date.value = value;
    if (!slotsOfDay.value.some((s) => s.startsAt === startsAt.value)) startsAt.value = '';
    if (repeat.enabled && value && !repeat.byDay.length) repeat.byDay = [weekdayOf(value)];
  }

  function chooseWorker(value: string) {
    workerId.value = value;
    if (!slotDays.value.has(date.value)) date.value = availableDates.value[0] ?? '';
    if (!slotsOfDay.value.some((s) => s.startsAt === startsAt.value)) startsAt.value = '';
  }

  function setRepeat(enabled: boolean) {
    repeat.enabled = enabled;
    if (enabled && !repeat.byDay.length && date.value) repeat.byDay = [weekdayOf(date.value)];
  }

  /** What is missing before the request can be sent, per field; empty when it can. */
  function problems(): Record<string, string> {
    const errors: Record<string, string> = {};
    if (!petIds.value.length) errors.petIds = 'Choose at least one pet.';
    else if (service.value && petIds.value.length > service.value.maxPets)
      errors.petIds = `This service takes at most ${service.value.maxPets} ${service.value.maxPets === 1 ? 'pet' : 'pets'}.`;
    if (kind.value === 'slot' && !startsAt.value) errors.startsAt = 'Choose a time.';
    if (kind.value === 'day') {
      if (!startDate.value) errors.startDate = 'Choose the first day.';
      if (!endDate.value) errors.endDate = 'Choose the last day.';
      else if (dayProblem.value) errors.endDate = dayProblem.value;
    }
    if (needsPoint.value && !location.point) errors.location = 'Click the map where the service should take place.';
    if (repeat.enabled) {
      if (!repeat.byDay.length) errors['rule.byDay'] = 'Choose at least one weekday.';
      if (repeat.end === 'until' && !repeat.until) errors['rule.until'] = 'Choose the last date.';
      else if (repeat.end === 'until' && repeat.until < date.value) errors['rule.until'] = 'The last date cannot be before the first.';
      if (repeat.end === 'count' && (!Number.isInteger(repeat.count) || repeat.count < 1 || repeat.count > 52))
        errors['rule.count'] = 'Between 1 and 52 times.';
    }
    return errors;
  }

  function body(): CreateBookingBody {
    const s = service.value!;
    const address = {
      street: location.street.trim() || null,
      postalCode: location.postalCode.trim() || null,
      city: location.city.trim() || null,
      country: location.country.trim() || null,
    };
    const hasAddress = Object.values(address).some((v) => v !== null);
    return {
      serviceId: s.id,
      petIds: [...petIds.value],
      ...(kind.value === 'slot' ? { startsAt: startsAt.value } : { startDate: startDate.value, endDate: endDate.value }),
      ...(s.priceType === 'per_hour' && kind.value === 'slot' && durationMinutes.value ? { durationMinutes: durationMinutes.value } : {}),
      ...(workerId.value && kind.value === 'slot' ? { workerId: workerId.value } : {}),
      location:
        location.kind === 'business'
          ? { kind: 'business' }
          : { kind: location.kind, lat: location.point!.lat, lng: location.point!.lng, ...(hasAddress ? { address } : {}) },
      ...(notes.value.trim() ? { notes: notes.value.trim() } : {}),
      ...(specialInstructions.value.trim() ? { specialInstructions: specialInstructions.value.trim() } : {}),
    };
  }

  /**
   * Sends the request. A retry of the same request (same body) re-sends its Idempotency-Key, so a
   * lost answer never books twice; any change makes it a new request with a new key.
   */
  async function submit(): Promise<BookingOutcome> {
    const keyFor = (payload: unknown) => {
      const text = JSON.stringify(payload);
      if (!attempt || attempt.body !== text) attempt = { body: text, key: newIdempotencyKey() };
      return attempt.key;
    };
    if (repeat.enabled && kind.value === 'slot') {
      // A series is a slot booking plus its rule; boarding and daycare never repeat.
      const { startDate: _startDate, endDate: _endDate, ...slot } = body();
      const payload: CreateSeriesBody = { ...slot, startsAt: startsAt.value, rule: rule.value };
      lastSeries.value = (await seriesApi.create(payload, keyFor(payload))).data;
      return { kind: 'series', result: lastSeries.value };
    }
    const payload = body();
    return { kind: 'booking', booking: (await bookingsApi.create(payload, keyFor(payload))).data };
  }

  return {
    service,
    business,
    pets,
    petIds,
    availability,
    windowFrom,
    windowDays,
    loadingAvailability,
    date,
    workerId,
    startsAt,
    durationMinutes,
    startDate,
    endDate,
    repeat,
    location,
    places,
    placeChoices,
    choosePlace,
    notes,
    specialInstructions,
    excludeBookingId,
    lastSeries,
    kind,
    dayUnit,
    timeZone,
    locationKinds,
    needsPoint,
    today,
    petChoices,
    petCount,
    workers,
    availableDates,
    slotsOfDay,
    selectedSlot,
    days,
    units,
    dayProblem,
    rule,
    occurrences,
    estimate,
    load,
    loadAvailability,
    chooseDate,
    chooseWorker,
    setRepeat,
    problems,
    body,
    submit,
  };
});
