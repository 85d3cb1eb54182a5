/**
 * The map's centre until a place is known. Search never starts here: it starts at the place the
 * visitor chose, their last place, or the platform's default area from GET /v1/config.
 */
export const DEFAULT_CENTER: [number, number] = [13.405, 52.52];
