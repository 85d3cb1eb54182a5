/**
 * The owner changing a pending booking: the booking form (pets, a new slot from real availability or
 * new dates, notes) filled with the booking, and only what changed sent as `PUT /bookings/:id`. The
 * form's state lives in the booking flow store, so its slot and date pickers serve both. Availability
 * is asked for without the booking's own hold, so its current time and places count as free.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Booking, UpdateBookingBody } from '@walkydoggy/shared';
import { addDays, localDate } from '../lib/time';
import { useBookingFlowStore } from './bookingFlow';
import { useBookingsStore } from './bookings';

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export const useBookingEditStore = defineStore('bookingEdit', () => {
  const flow = useBookingFlowStore();
  const bookings = useBookingsStore();
  const booking = ref<Booking | null>(null);

  /** The new total as the form estimates it (the API prices it again), and whether it differs from the booking's. */
  const newTotalMinor = computed(() => flow.estimate?.totalMinor ?? null);
  const priceChanges = computed(() => !!booking.value && newTotalMinor.value !== null && newTotalMinor.value !== booking.value.price.totalMinor);
  /** A payment that is reserved (or being made) now and would be released by a new price. */
  const reservedPayment = computed(() => {
    const payment = booking.value?.payment;
    return payment && ['pending', 'authorized'].includes(payment.status) ? payment : null;
  });

  /** Whether a start time other than the booking's own is chosen. */
  const movesTime = computed(() => !!booking.value && flow.startsAt !== '' && flow.startsAt !== booking.value.startsAt);

  /**
   * Chooses the booking's own time in the picker again. It is offered like any free time (availability
   * leaves the booking's own hold out), unless it is now too soon; then none is chosen, which keeps it too.
   */
  function keepCurrentTime() {
    const b = booking.value;
    if (!b || b.kind !== 'slot') return;
    if (flow.workerId && flow.workerId !== b.worker?.id) flow.chooseWorker('');
    const day = localDate(b.startsAt, b.business.timeZone);
    if (flow.availableDates.includes(day)) flow.chooseDate(day);
    flow.startsAt = flow.slotsOfDay.some((s) => s.startsAt === b.startsAt) ? b.startsAt : '';
  }

  /** Loads the booking and fills the form with it; false when it cannot be changed (any more). */
  async function open(id: string): Promise<boolean> {
    const current = await bookings.open(id);
    booking.value = current;
    if (!current.actions.includes('edit')) return false;
    await flow.load(current.service.id, { excludeBookingId: current.id });
    flow.petIds = current.pets.map((p) => p.id);
    flow.notes = current.notes ?? '';
    flow.specialInstructions = current.specialInstructions ?? '';
    if (flow.service?.priceType === 'per_hour' && current.kind === 'slot') flow.durationMinutes = current.durationMinutes;
    if (current.kind === 'day') {
      flow.startDate = current.startDate ?? '';
      flow.endDate = current.endDate ?? '';
    }
    // The weeks shown start at the booking's own day when it lies beyond the first ones.
    const day = localDate(current.startsAt, current.business.timeZone);
    const from = current.kind === 'slot' && day >= addDays(flow.windowFrom, flow.windowDays) ? day : flow.windowFrom;
    // Slots and places left also depend on how many pets come along (the form was loaded for one).
    if (current.petCount !== 1 || from !== flow.windowFrom) await flow.loadAvailability(from);
    keepCurrentTime();
    return true;
  }

  /** What is missing or wrong before the change can be sent, per field. */
  function problems(): Record<string, string> {
    const errors: Record<string, string> = {};
    const max = flow.service?.maxPets ?? Infinity;
    if (!flow.petIds.length) errors.petIds = 'Choose at least one pet.';
    else if (flow.petIds.length > max) errors.petIds = `This service takes at most ${max} ${max === 1 ? 'pet' : 'pets'}.`;
    if (flow.kind === 'day') {
      if (!flow.startDate) errors.startDate = 'Choose the first day.';
      if (!flow.endDate) errors.endDate = 'Choose the last day.';
      // The places left count without this booking, so they are the ones it can have.
      else if (flow.dayProblem) errors.endDate = flow.dayProblem;
    }
    return errors;
  }

  /** Only the fields that differ from the booking: an unchanged field is not re-checked or re-priced for nothing. */
  function changes(): UpdateBookingBody {
    const b = booking.value;
    if (!b) return {};
    const body: UpdateBookingBody = {};
    if (
      !sameSet(
        flow.petIds,
        b.pets.map((p) => p.id),
      )
    )
      body.petIds = [...flow.petIds];
    if (b.kind === 'slot') {
      if (flow.startsAt && flow.startsAt !== b.startsAt) body.startsAt = flow.startsAt;
      if (flow.service?.priceType === 'per_hour' && flow.durationMinutes && flow.durationMinutes !== b.durationMinutes)
        body.durationMinutes = flow.durationMinutes;
      if (flow.workerId && flow.workerId !== b.worker?.id) body.workerId = flow.workerId;
    } else {
      if (flow.startDate !== b.startDate) body.startDate = flow.startDate;
      if (flow.endDate !== b.endDate) body.endDate = flow.endDate;
    }
    // An emptied text is sent as '' so the API clears it.
    if (flow.notes.trim() !== (b.notes ?? '')) body.notes = flow.notes.trim();
    if (flow.specialInstructions.trim() !== (b.specialInstructions ?? '')) body.specialInstructions = flow.specialInstructions.trim();
    return body;
  }

  /** Sends the changes; null when nothing changed. The answer says whether it needs paying again (`actions`). */
  async function save(): Promise<Booking | null> {
    const b = booking.value;
    const body = changes();
    if (!b || !Object.keys(body).length) return null;
    booking.value = await bookings.update(b.id, body);
    return booking.value;
  }

  return { booking, newTotalMinor, priceChanges, reservedPayment, movesTime, keepCurrentTime, open, problems, changes, save };
});
