import { describe, expect, it } from 'vitest';
import type { Booking } from '@walkydoggy/shared';
import { bookingPlace, formatAddress, placeLabel, PLACE_ON_MAP } from './places';

const coordinates = /-?\d+\.\d{3,}/;
const business = { id: 'b1', name: 'Happy Paws', timeZone: 'Europe/London', address: { street: '5 Mare Street', city: 'London', postalCode: 'E8 4RP' } };
const booking = (location: Booking['location']) => ({ location, business }) as Pick<Booking, 'location' | 'business'>;

describe('formatAddress', () => {
  it('joins the parts that exist, postal code before the city', () => {
    expect(formatAddress({ street: '12 Elm Road', postalCode: 'E3 2AA', city: 'London', country: 'United Kingdom' })).toBe(
      '12 Elm Road, E3 2AA London, United Kingdom',
    );
    expect(formatAddress({ street: ' ', city: 'London', country: null }, { withCountry: false })).toBe('London');
    expect(formatAddress(null)).toBe('');
  });
});

describe('placeLabel', () => {
  it('names a saved place by its label and street', () => {
    expect(placeLabel({ label: 'Home', address: { street: '12 Elm Road', city: 'London', postalCode: null, country: null } })).toBe(
      'Home — 12 Elm Road, London',
    );
  });
});

describe('bookingPlace', () => {
  it('shows the stored address, never coordinates', () => {
    const home = booking({ kind: 'owner_home', lat: 51.5317, lng: -0.0144, address: { street: '12 Elm Road', city: 'London' } });
    expect(bookingPlace(home)).toBe('Your home: 12 Elm Road, London');
    expect(bookingPlace(home, 'business')).toBe("Owner's home: 12 Elm Road, London");
  });

  it('says "Your home" or "Place chosen on the map" when no address was stored', () => {
    const bareHome = booking({ kind: 'owner_home', lat: 51.5317, lng: -0.0144, address: null });
    const bareCustom = booking({ kind: 'custom', lat: 51.5317, lng: -0.0144, address: null });
    expect(bookingPlace(bareHome)).toBe('Your home');
    expect(bookingPlace(bareCustom)).toBe(PLACE_ON_MAP);
    for (const b of [bareHome, bareCustom]) expect(bookingPlace(b)).not.toMatch(coordinates);
  });

  it("names the business's address for services at the business", () => {
    expect(bookingPlace(booking({ kind: 'business', lat: null, lng: null, address: null }))).toBe('At Happy Paws, 5 Mare Street, E8 4RP London');
  });
});
