import { customType, timestamp } from 'drizzle-orm/pg-core';

/** Case-insensitive text (the citext extension is created by the first migration). */
export const citext = customType<{ data: string }>({ dataType: () => 'citext' });
/**
 * PostGIS geography columns (SRID 4326, [lng, lat]). Written with ST_GeogFromText/ST_GeomFromGeoJSON
 * in SQL and read with ST_AsGeoJSON/ST_X/ST_Y: the raw value reads back as EWKB hex.
 */
export const geographyPoint = customType<{ data: string }>({ dataType: () => 'geography(Point,4326)' });
export const geographyMultiPolygon = customType<{ data: string }>({ dataType: () => 'geography(MultiPolygon,4326)' });
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
export const createdAt = () => tstz('created_at').notNull().defaultNow();
