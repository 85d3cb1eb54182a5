import { sql } from 'drizzle-orm';
import type { ServiceArea } from '@walkydoggy/shared';
import { rowsOf, type Executor } from '../../platform/db.js';
import { ValidationFailed } from '../../platform/errors.js';

/** The SQL expression that stores a GeoJSON area as geography(MultiPolygon, 4326). */
export function areaToGeography(area: ServiceArea) {
  return sql`ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(area)}), 4326))::geography`;
}

/**
 * Rings that cross themselves (a bow-tie) or holes outside their shell pass the Zod shape checks;
 * PostGIS decides. The check is planar, which an area crossing the antimeridian passes too: its
 * ring is simply read as a wide one there, while the stored geography takes the short way round.
 */
export async function assertValidArea(exec: Executor, area: ServiceArea, path = 'body.serviceArea'): Promise<void> {
  let reason: string | null;
  try {
    const result = await exec.execute<{ valid: boolean; reason: string }>(sql`
      select ST_IsValid(g) as valid, ST_IsValidReason(g) as reason
      from (select ST_GeomFromGeoJSON(${JSON.stringify(area)}) as g) as area`);
    const row = rowsOf<{ valid: boolean; reason: string }>(result)[0];
    reason = row && !row.valid ? row.reason : null;
  } catch {
    reason = 'PostGIS could not read this GeoJSON.';
  }
  if (reason) throw ValidationFailed.field(path, `The service area is not a valid polygon: ${reason}.`, 'invalid_geometry');
}
