/** Berlin: where the demo data lives, and a sensible start when the browser does not share its location. */
export const DEFAULT_CENTER: [number, number] = [13.405, 52.52];
export const DEFAULT_CITY = 'Berlin';
