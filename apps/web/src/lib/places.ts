/**
 * How places are named on screen: by their address or the saved place's label, never by
 * coordinates. Used by the booking pages, the booking flow and the role home pages.
 */
import type { Booking, Place, PlaceKind } from '@walkydoggy/shared';

type AddressLike =
  { street?: string | null; postalCode?: string | null; city?: string | null; region?: string | null; country?: string | null } | null | undefined;

/** "12 Elm Road, E3 2AA London, United Kingdom"; '' when nothing is known. */
export function formatAddress(address: AddressLike, opts: { withCountry?: boolean } = {}): string {
  if (!address) return '';
  const clean = (s: string | null | undefined) => (s ?? '').trim();
  const locality = [clean(address.postalCode), clean(address.city)].filter(Boolean).join(' ');
  return [clean(address.street), locality, opts.withCountry === false ? '' : clean(address.country)].filter(Boolean).join(', ');
}

/** "Home — 12 Elm Road": a saved place as offered in lists. */
export function placeLabel(place: Pick<Place, 'label' | 'address'>): string {
  const street = formatAddress({ street: place.address.street, city: place.address.city }, { withCountry: false });
  return street && street !== place.label ? `${place.label} — ${street}` : place.label;
}

export const PLACE_KIND_NAMES: Record<PlaceKind, string> = { home: 'Home', work: 'Work', other: 'Other' };

/** Said instead of coordinates when a booking truly has no address. */
export const PLACE_ON_MAP = 'Place chosen on the map';

/**
 * Where a booking happens, as a person reads it: the stored address ("Your home: 12 Elm Road,
 * London" for its owner, "Owner's home: …" for the business), the business address for services at
 * the business, and "Your home" / "Place chosen on the map" when no address was stored.
 */
export function bookingPlace(booking: Pick<Booking, 'location' | 'business'>, viewer: 'owner' | 'business' = 'owner'): string {
  const l = booking.location;
  if (l.kind === 'business') {
    const at = formatAddress(booking.business.address, { withCountry: false });
    return at ? `At ${booking.business.name}, ${at}` : `At ${booking.business.name}`;
  }
  const address = formatAddress(l.address);
  if (l.kind === 'owner_home') {
    const home = viewer === 'owner' ? 'Your home' : "Owner's home";
    return address ? `${home}: ${address}` : home;
  }
  return address || PLACE_ON_MAP;
}

/** A link that opens the phone's navigation app at the place (the address when known). */
export function navigationUrl(booking: Pick<Booking, 'location' | 'business'>): string | null {
  const l = booking.location;
  const address = l.kind === 'business' ? formatAddress(booking.business.address) : formatAddress(l.address);
  if (l.lat !== null && l.lng !== null) return `https://www.google.com/maps/dir/?api=1&destination=${l.lat},${l.lng}`;
  return address ? `https://www.google.com/maps/dir/?api=1&destination=${encodeURIComponent(address)}` : null;
}
