/** All tables. drizzle-kit reads this file; the tables live in one file per area. */
export * from './columns.js';
export * from './accounts.js';
export * from './catalog.js';
export * from './bookings.js';
export * from './live.js';
export * from './places.js';
