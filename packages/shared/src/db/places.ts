import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, geographyPoint, tstz } from './columns.js';
import { users } from './accounts.js';

export type PlaceAddress = { street: string; city: string; postalCode: string | null; country: string | null };

/**
 * An owner's saved places (home, work, others), offered first when booking. At most one home and one
 * work per person (partial unique index); the count limit is checked under a lock on the user row.
 */
export const userPlaces = pgTable(
  'user_places',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['home', 'work', 'other'] }).notNull(),
    label: text('label').notNull(),
    address: jsonb('address').$type<PlaceAddress>().notNull(),
    location: geographyPoint('location').notNull(),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('user_places_user_idx').on(t.userId, t.createdAt),
    uniqueIndex('user_places_one_home_work_key')
      .on(t.userId, t.kind)
      .where(sql`${t.kind} in ('home', 'work')`),
    check('user_places_kind_check', sql`${t.kind} in ('home', 'work', 'other')`),
    check('user_places_label_check', sql`char_length(${t.label}) between 1 and 60`),
  ],
);
