/** Real city centres for seeding; businesses are spread over a disc of `spreadKm` around them. */
export type City = {
  key: string;
  name: string;
  lat: number;
  lng: number;
  timeZone: string;
  currency: 'GBP' | 'EUR' | 'USD';
  country: string;
  spreadKm: number;
  /** Local price level against London (GBP = 1). */
  priceLevel: number;
  districts: string[];
  postalPrefix: string;
  /** Where the demo business (the one the demo accounts run) is: the README's story ("a walker in Fulham"). */
  demo: { district: string; lat: number; lng: number };
};

export const CITIES: City[] = [
  {
    key: 'london',
    name: 'London',
    lat: 51.5074,
    lng: -0.1278,
    timeZone: 'Europe/London',
    currency: 'GBP',
    country: 'GB',
    spreadKm: 15,
    priceLevel: 1,
    districts: ['Camden', 'Hackney', 'Islington', 'Clapham', 'Brixton', 'Greenwich', 'Hampstead', 'Fulham', 'Shoreditch', 'Wimbledon'],
    postalPrefix: 'SW',
    demo: { district: 'Fulham', lat: 51.4781, lng: -0.1996 },
  },
  {
    key: 'berlin',
    name: 'Berlin',
    lat: 52.52,
    lng: 13.405,
    timeZone: 'Europe/Berlin',
    currency: 'EUR',
    country: 'DE',
    spreadKm: 14,
    priceLevel: 0.95,
    districts: ['Mitte', 'Kreuzberg', 'Neukölln', 'Prenzlauer Berg', 'Charlottenburg', 'Friedrichshain', 'Schöneberg', 'Pankow'],
    postalPrefix: '10',
    demo: { district: 'Mitte', lat: 52.52, lng: 13.405 },
  },
  {
    key: 'paris',
    name: 'Paris',
    lat: 48.8566,
    lng: 2.3522,
    timeZone: 'Europe/Paris',
    currency: 'EUR',
    country: 'FR',
    spreadKm: 10,
    priceLevel: 1.1,
    districts: ['Le Marais', 'Montmartre', 'Belleville', 'Batignolles', 'Bastille', 'Montparnasse', 'Passy', 'Saint-Germain'],
    postalPrefix: '750',
    demo: { district: 'Le Marais', lat: 48.859, lng: 2.362 },
  },
  {
    key: 'new-york',
    name: 'New York',
    lat: 40.7128,
    lng: -74.006,
    timeZone: 'America/New_York',
    currency: 'USD',
    country: 'US',
    spreadKm: 15,
    priceLevel: 1.4,
    districts: ['Brooklyn Heights', 'Williamsburg', 'Upper West Side', 'Harlem', 'Astoria', 'Chelsea', 'Park Slope', 'Tribeca'],
    postalPrefix: '100',
    demo: { district: 'Chelsea', lat: 40.7465, lng: -74.0014 },
  },
  {
    key: 'san-francisco',
    name: 'San Francisco',
    lat: 37.7749,
    lng: -122.4194,
    timeZone: 'America/Los_Angeles',
    currency: 'USD',
    country: 'US',
    spreadKm: 8,
    priceLevel: 1.5,
    districts: ['Mission', 'Noe Valley', 'Sunset', 'Richmond', 'SoMa', 'Marina', 'Bernal Heights', 'Haight-Ashbury'],
    postalPrefix: '941',
    demo: { district: 'Mission', lat: 37.7599, lng: -122.4148 },
  },
  {
    key: 'amsterdam',
    name: 'Amsterdam',
    lat: 52.3676,
    lng: 4.9041,
    timeZone: 'Europe/Amsterdam',
    currency: 'EUR',
    country: 'NL',
    spreadKm: 8,
    priceLevel: 1.05,
    districts: ['Jordaan', 'De Pijp', 'Oud-West', 'Oost', 'Noord', 'Westerpark', 'Zuid', 'Centrum'],
    postalPrefix: '10',
    demo: { district: 'Jordaan', lat: 52.3745, lng: 4.8807 },
  },
];

export function findCity(name: string): City | undefined {
  const key = name.trim().toLowerCase().replace(/\s+/g, '-');
  return CITIES.find((c) => c.key === key || c.name.toLowerCase() === name.trim().toLowerCase());
}
