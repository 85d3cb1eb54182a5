/** The last place someone searched around, kept in this browser only (localStorage). */
import type { ChosenPlace } from '../api/geocode';

const KEY = 'wd:last-place';

export function loadLastPlace(): ChosenPlace | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<ChosenPlace>;
    const valid =
      typeof v.label === 'string' &&
      v.label.length > 0 &&
      v.label.length <= 200 &&
      typeof v.lat === 'number' &&
      typeof v.lng === 'number' &&
      Math.abs(v.lat) <= 90 &&
      Math.abs(v.lng) <= 180;
    return valid ? { label: v.label!, lat: v.lat!, lng: v.lng! } : null;
  } catch {
    return null;
  }
}

export function saveLastPlace(place: ChosenPlace): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ label: place.label, lat: place.lat, lng: place.lng }));
  } catch {
    // Private mode or a full store: remembering is a convenience, never an error.
  }
}
