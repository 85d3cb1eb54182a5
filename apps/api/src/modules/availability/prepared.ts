import crypto from 'node:crypto';
import { Column, getTableColumns, is, SQL, Table, type Query } from 'drizzle-orm';
import type { SelectedFieldsOrdered } from 'drizzle-orm/pg-core';
import type { Executor } from '../../platform/db.js';

/*
 * Statements of the booking path, built once and run as named prepared statements on any executor,
 * a transaction included. Building a query with drizzle (walking its tables and columns) cost more
 * Node time per booking than anything else, and planning each statement half of PostgreSQL's time;
 * `Database.prepared` saves the planning for raw SQL on the pool only. Availability and bookings
 * share this; its natural home is platform/db.ts.
 *
 * A statement is built per shape (say, per number of pets: `inArray` writes one parameter per
 * value) with `sql.placeholder(name)` where the values go, and its values are filled in per call by
 * drizzle, through the columns' encoders where a placeholder stands for a column's value. Rows are
 * mapped by drizzle as for any select.
 */

/** The selection as drizzle's result mapping takes it: each field with its path, in select order. */
function orderedFields(selection: Record<string, unknown>, path: string[] = []): SelectedFieldsOrdered {
  return Object.entries(selection).flatMap(([name, field]): SelectedFieldsOrdered => {
    const at = [...path, name];
    if (is(field, Column) || is(field, SQL) || is(field, SQL.Aliased)) return [{ path: at, field: field as SelectedFieldsOrdered[number]['field'] }];
    if (is(field, Table)) return orderedFields(getTableColumns(field), at);
    return orderedFields(field as Record<string, unknown>, at);
  });
}

type Buildable = { toSQL(): Query; execute(): Promise<unknown> };
type Built = { query: Query; fields: SelectedFieldsOrdered; name: string };

/**
 * A family of statements: `build(exec, shape)` gives the query (built, not run, on any executor) and
 * the selection it selects, for each shape a caller asks for; the returned function runs the one of
 * `shape` on `exec` with `values` for its placeholders. The statement is named after its text, so
 * one name never stands for two statements on a connection (PGlite ignores names).
 */
export function preparedStatements<Shape extends string | number, B extends Buildable>(
  build: (exec: Executor, shape: Shape) => { query: B; selection: Record<string, unknown> },
): (exec: Executor, shape: Shape, values: Record<string, unknown>) => Promise<Awaited<ReturnType<B['execute']>>> {
  const byShape = new Map<Shape, Built>();
  return (exec, shape, values) => {
    let built = byShape.get(shape);
    if (!built) {
      const { query, selection } = build(exec, shape);
      const text = query.toSQL();
      built = { query: text, fields: orderedFields(selection), name: `wd_${crypto.createHash('sha1').update(text.sql).digest('hex').slice(0, 20)}` };
      byShape.set(shape, built);
    }
    return exec._.session.prepareQuery(built.query, built.fields, built.name, true).execute(values) as Promise<Awaited<ReturnType<B['execute']>>>;
  };
}
