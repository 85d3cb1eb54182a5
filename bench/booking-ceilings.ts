/**
 * The two pgbench ceilings of the booking benchmark, on the table the API has just written to.
 *
 * - Single INSERT: a random (worker, slot) booking per transaction straight into `bookings` (the
 *   issue's yardstick: "pgbench inserting into the same table with the same exclusion constraint").
 * - Same statements: exactly what PostgreSQL receives for one `POST /v1/bookings`, recorded from the
 *   API process while it served a booking (node-postgres's own calls, so the sign-in check, begin,
 *   the bookable read, the insert, pg-boss's job insert and commit, with their texts byte for byte),
 *   replayed in one transaction per booking with the request's parts drawn at random.
 */
import { BOOKING_NUMBER_PATTERN } from '../apps/api/src/modules/bookings/booking-number.js';
import { DAYS, DURATION_MINUTES, HOME, OWNERS, STARTS_PER_DAY, TIME_ZONE, TRAVEL_BUFFER_MINUTES, WORKERS, type Seeded } from './booking-seed.js';
import { CONNECTIONS, type SentStatement } from './support.js';

const uuidArray = (ids: string[]) => `'{${ids.join(',')}}'::uuid[]`;

/** One random (worker, slot) booking per transaction, straight into `bookings`; an overlap inserts nothing. */
export function singleInsertScript(seeded: Seeded): string {
  const price = JSON.stringify({ currency: 'GBP', lines: [], subtotalMinor: 2000, discountMinor: 0, totalMinor: 2000 });
  return [
    `\\set w random(1, ${WORKERS})`,
    `\\set o random(1, ${OWNERS})`,
    `\\set d random(0, ${DAYS - 1})`,
    `\\set q random(0, ${STARTS_PER_DAY - 1})`,
    `insert into bookings (number, owner_id, business_id, service_id, worker_id, kind, status, starts_at, ends_at, blocked_until, duration_minutes, pet_count, location_kind, location, price, total_minor, currency, cancellation_policy, expires_at) ` +
      `select 'PB-' || md5(random()::text), (${uuidArray(seeded.owners.map((o) => o.id))})[:o::int], '${seeded.businessId}', '${seeded.serviceId}', (${uuidArray(seeded.workerIds)})[:w::int], 'slot', 'pending', ` +
      `s, s + interval '${DURATION_MINUTES} minutes', s + interval '${DURATION_MINUTES + TRAVEL_BUFFER_MINUTES} minutes', ${DURATION_MINUTES}, 1, 'owner_home', ` +
      `'SRID=4326;POINT(${HOME.lng} ${HOME.lat})'::geography, '${price}'::jsonb, 2000, 'GBP', 'moderate', s ` +
      `from (select ((date '${seeded.firstDate}' + :d::int) + make_interval(mins => ${6 * 60} + (:q)::int * 15)) at time zone '${TIME_ZONE}' as s) slot ` +
      `on conflict do nothing;`,
    '',
  ].join('\n');
}

/**
 * The request whose statements were recorded: what in them is the owner, the pet, the worker, the time,
 * and the ids the API chose for the rows it wrote (the notifications and their deliveries).
 */
export type RecordedBooking = { ownerId: string; petId: string; workerId: string; startsAt: string; generatedIds: string[]; statements: SentStatement[] };

/** What a recorded statement does in the booking, told by its text and the request's parts in it. */
export type StatementKind = 'sign-in check' | 'begin' | 'bookable read' | 'booking insert' | 'job insert' | 'commit' | 'other';

export type ReplayedStatement = { kind: StatementKind; text: string; named: boolean; parameters: number; random: string[] };

/** The replay: its script, the `-D` variables it binds, and each statement with what in it is random. */
export type Replay = {
  script: string;
  variables: Record<string, string>;
  statements: ReplayedStatement[];
  /** Booking numbers of this ceiling's rows: twelve digits, which the API's and the single insert's never are. */
  numberPattern: string;
  /** The same replay with only some of the statements (`BENCH_BREAKDOWN`: what each part costs); on an emptied table, as it books the same grid points. */
  only(keep: (kind: StatementKind) => boolean): string;
};

function kindOf(text: string, random: string[], afterBegin: boolean): StatementKind {
  if (/^\s*begin\b/i.test(text)) return 'begin';
  if (/^\s*commit\b/i.test(text)) return 'commit';
  if (!afterBegin) return 'sign-in check';
  if (random.includes('number')) return 'booking insert';
  if (random.includes('start')) return 'bookable read';
  if (/\binsert\s+into\s+pgboss\./i.test(text)) return 'job insert';
  return 'other';
}

/**
 * A 90-minute grid holds a 60-minute walk and its 15-minute buffer, so no two grid points of one
 * worker overlap. 90 days of it take a run's bookings about as densely as the API's 60 days take the
 * API's (about 0.4 per worker and day). The grid lies before the days the API books.
 */
const GRID_MINUTES = 90;
const GRID_DAYS = 90;

/**
 * The pgbench script replaying `recorded` once per transaction. The texts are sent as recorded, with
 * each `$n` replaced by a pgbench variable (bound as a parameter in prepared mode, as the API binds
 * it) or, where the request's random parts go, by an expression of pgbench's random numbers:
 *
 * - the owner, their dog and the worker: `('{…}'::uuid[])[:o]`, an element of a constant array
 *   (pgbench numbers cannot be uuids);
 * - the start, end and end of the travel buffer: `to_timestamp(:s)` and so on (epoch seconds);
 * - the booking number: twelve digits, bound (the API binds `WD-XXXX-XXXX`, random; any repeat would
 *   conflict, so these come from the grid point, which never repeats);
 * - the ids the API chose for its notification rows: derived from the booking number, so new per
 *   booking and equal wherever one id appears twice;
 * - SQL nulls: `null`, since a pgbench variable cannot be one;
 * - everything else (service, business, point, price, the request's `now` in created_at, the event
 *   and the answer deadline, the job's JSON with both mails): the recorded value, bound as a `-D`
 *   variable, so every replayed booking has the same mails and timestamps.
 *
 * Random (worker, slot) pairs are drawn without repeats — grid point `permute(k)` for the k-th
 * transaction of all clients — because pgbench stops a client at its first error, and the exclusion
 * constraint's error is how an overlap surfaces in the API's insert.
 */
export function sameStatementsScript(recorded: RecordedBooking, seeded: Seeded, seconds: number): Replay {
  const owners = seeded.owners;
  const ownerIndex = owners.findIndex((o) => o.id === recorded.ownerId);
  if (ownerIndex < 0 || owners[ownerIndex]!.petId !== recorded.petId) throw new Error('The recorded booking is not one of the seeded owners’.');
  const start = Date.parse(recorded.startsAt);
  const end = start + DURATION_MINUTES * 60_000;
  const blocked = end + TRAVEL_BUFFER_MINUTES * 60_000;
  // Enough grid points for 20,000 bookings a second, whatever the run's length (a warm-up included).
  const gridDays = Math.max(GRID_DAYS, Math.ceil((20_000 * (seconds + 10)) / (WORKERS * ((24 * 60) / GRID_MINUTES))));
  const points = WORKERS * gridDays * ((24 * 60) / GRID_MINUTES);
  const gridStart = Date.parse(`${seeded.firstDate}T00:00:00Z`) / 1000 - gridDays * 86_400;

  const variables: Record<string, string> = { n: '0' };
  const found = { owner: 0, pet: 0, worker: 0, start: 0, number: 0 };
  const instant = (v: string) => (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v) ? Date.parse(v) : NaN);
  let constants = 0;
  /** What goes where the recorded value `v` went. */
  function replacement(v: string | null): { sql: string; random?: string } {
    if (v === null) return { sql: 'null' };
    if (v === recorded.ownerId) return (found.owner++, { sql: `(${uuidArray(owners.map((o) => o.id))})[:o]`, random: 'owner' });
    if (v === recorded.petId) return (found.pet++, { sql: `(${uuidArray(owners.map((o) => o.petId))})[:o]`, random: 'pet' });
    if (v === recorded.workerId) return (found.worker++, { sql: `(${uuidArray(seeded.workerIds)})[:w]`, random: 'worker' });
    if (BOOKING_NUMBER_PATTERN.test(v)) return (found.number++, { sql: ':num', random: 'number' });
    // A row id the API chose: a new one per booking, the same in every statement of the transaction.
    const generated = recorded.generatedIds.indexOf(v);
    if (generated >= 0) return { sql: `md5(:num::text || '-${generated}')::uuid`, random: 'generated id' };
    const at = instant(v);
    if (at === start) return (found.start++, { sql: 'to_timestamp(:s)', random: 'start' });
    if (at === end) return { sql: 'to_timestamp(:e)', random: 'end' };
    if (at === blocked) return { sql: 'to_timestamp(:b)', random: 'blocked until' };
    const name = `v${++constants}`;
    variables[name] = v;
    return { sql: `:${name}` };
  }

  let afterBegin = false;
  const statements = recorded.statements.map(({ text, values, named }): ReplayedStatement => {
    const used = new Set<number>();
    const random: string[] = [];
    const parts = values.map(replacement);
    const replayed = text.replace(/\$(\d+)/g, (_, n: string) => {
      const part = parts[Number(n) - 1];
      if (!part) throw new Error(`$${n} without a value in: ${text.slice(0, 200)}`);
      used.add(Number(n));
      if (part.random) random.push(part.random);
      return part.sql;
    });
    if (used.size !== values.length) throw new Error(`A value is not in its statement's text: ${text.slice(0, 200)}`);
    if (/;\s*\S/.test(replayed.replace(/'(?:[^']|'')*'/g, "''"))) throw new Error(`More than one statement in: ${text.slice(0, 200)}`);
    const kind = kindOf(text, random, afterBegin);
    afterBegin ||= kind === 'begin';
    return { kind, text: replayed.trim().replace(/;$/, ''), named, parameters: values.length, random };
  });
  if (!found.owner || !found.pet || !found.worker || !found.start || found.number !== 1)
    throw new Error(`The recorded statements do not look like one booking: ${JSON.stringify(found)}`);

  const header = [
    // The k-th transaction of all clients books grid point permute(k): every point once, in random order.
    `\\set n :n + 1`,
    `\\set p permute(:client_id + ${CONNECTIONS} * :n, ${points}, 4)`,
    `\\set o random(1, ${OWNERS})`,
    `\\set w 1 + :p % ${WORKERS}`,
    `\\set s ${gridStart} + (:p / ${WORKERS}) * ${GRID_MINUTES * 60}`,
    `\\set e :s + ${DURATION_MINUTES * 60}`,
    `\\set b :e + ${TRAVEL_BUFFER_MINUTES * 60}`,
    `\\set num 100000000000 + :p`,
  ];
  const only = (keep: (kind: StatementKind) => boolean) => [...header, ...statements.filter((st) => keep(st.kind)).map((st) => `${st.text};`), ''].join('\n');
  return { script: only(() => true), variables, statements, numberPattern: '^[0-9]{12}$', only };
}
