/*
 * `preparedStatements` lives in platform/db.ts now, next to `Database.prepared`. This re-export keeps
 * the importers that are not yet switched (availability.queries.ts, bookings.queries.ts) working;
 * delete it once they import from '../../platform/db.js'.
 */
export { preparedStatements } from '../../platform/db.js';
