import { describe, expect, it } from 'vitest';
import { PET, PET2, SERVICE, WORKER, aBooking, aPlace } from '../test/bookingFixtures';
import { bookAgainLink, placeOfBooking, prefillFromQuery } from './bookAgain';

const HOME = '99999999-9999-4999-8999-999999999991';
const WORK = '99999999-9999-4999-8999-999999999992';
const places = [aPlace(), aPlace({ id: WORK, kind: 'work', label: 'Office', location: { lat: 52.5, lng: 13.3 } })];

describe('book again', () => {
  it('links to the same service with the same pets, worker and saved place; the slot is left out', () => {
    const booking = aBooking({
      pets: [
        { id: PET, name: 'Bello', species: 'dog', photoUrl: null },
        { id: PET2, name: 'Mimi', species: 'cat', photoUrl: null },
      ],
      location: { kind: 'custom', lat: 52.50001, lng: 13.30002, address: null },
    });
    expect(bookAgainLink(booking, places)).toEqual({ path: `/book/${SERVICE}`, query: { pets: `${PET},${PET2}`, worker: WORKER, place: WORK } });
  });

  it('names the business as the place for services there, and no place when it was not a saved one', () => {
    expect(placeOfBooking(aBooking({ location: { kind: 'business' } as never }), places)).toBe('business');
    expect(placeOfBooking(aBooking({ location: { kind: 'custom', lat: 48.1, lng: 11.5, address: null } }), places)).toBe('');
    expect(bookAgainLink(aBooking({ worker: null, location: { kind: 'custom', lat: 48.1, lng: 11.5, address: null } }), places)).toEqual({
      path: `/book/${SERVICE}`,
      query: { pets: PET },
    });
  });

  it('reads the prefill back from the query and drops anything malformed', () => {
    expect(prefillFromQuery({ pets: `${PET},${PET2},${PET}`, worker: WORKER, place: HOME })).toEqual({ petIds: [PET, PET2], workerId: WORKER, place: HOME });
    expect(prefillFromQuery({ place: 'business' })).toEqual({ petIds: [], workerId: '', place: 'business' });
    expect(prefillFromQuery({ pets: 'x,<script>', worker: '1', place: 'elsewhere' })).toEqual({ petIds: [], workerId: '', place: '' });
    expect(prefillFromQuery({})).toEqual({ petIds: [], workerId: '', place: '' });
  });
});
