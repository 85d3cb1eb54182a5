import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../../src/platform/db.js';

/**
 * Proof that a request wrote nothing: a row-level trigger on every table of the public schema (and on
 * pg-boss's jobs) appends the table's name to a log of this test's own, in the writing transaction.
 * A rolled-back write leaves no line; a committed one does. Installed by the test in its own copy of
 * the database, never by a migration.
 */
export async function installWriteLog(database: Database): Promise<string[]> {
  await database.db.execute(
    sql.raw(`
    create schema if not exists fuzz_audit;
    create table if not exists fuzz_audit.writes (id bigserial primary key, tbl text not null, op text not null);
    create or replace function fuzz_audit.note_write() returns trigger language plpgsql as $$
    begin
      insert into fuzz_audit.writes (tbl, op) values (tg_argv[0], tg_op);
      return null;
    end $$;`),
  );
  // Partitioned tables carry the trigger for their partitions (pg-boss partitions its jobs by queue).
  const tables = rowsOf<{ name: string }>(
    await database.db.execute(sql`
      select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and not c.relispartition
        and ((n.nspname = 'public' and c.relname <> 'spatial_ref_sys') or (n.nspname = 'pgboss' and c.relname = 'job'))
      order by 1`),
  ).map((r) => r.name);
  for (const table of tables) {
    const label = table.replace(/^public\./, '').replace(/"/g, '');
    await database.db.execute(
      sql.raw(`create trigger fuzz_audit_write after insert or update or delete on ${table}
        for each row execute function fuzz_audit.note_write('${label}')`),
    );
  }
  return tables;
}

/** Reads the writes committed since the last read, by table (`{bookings: 1, booking_events: 1}`). */
export function writeReader(database: Database) {
  let last = 0;
  return async (): Promise<Record<string, number>> => {
    const rows = rowsOf<{ id: string; tbl: string }>(await database.db.execute(sql`select id, tbl from fuzz_audit.writes where id > ${last} order by id`));
    const out: Record<string, number> = {};
    for (const r of rows) {
      out[r.tbl] = (out[r.tbl] ?? 0) + 1;
      last = Math.max(last, Number(r.id));
    }
    return out;
  };
}
