import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../src/platform/db.js';
import { businessNearestSql, businessSearchSql, markerSql, NEAREST_WINDOWS, serviceSearchSql } from '../../src/modules/search/search.queries.js';
import { seedCity } from '../../src/seed/seed-city.js';
import { createTestApp, type TestApp } from '../support/app.js';

/**
 * The search must be answered by the GiST indexes on businesses.location and businesses.service_area:
 * without them every search reads the whole table. EXPLAIN of the exact SQL the API runs.
 */
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await seedCity(t.db, null, { city: 'London', businesses: 4000, workersPerBusiness: 0, seed: 11, passwordHashing: { memoryCost: 1024, timeCost: 1 } });
  await t.db.execute(sql`analyze`);
});
afterAll(() => t?.close());

type PlanNode = { 'Node Type': string; 'Index Name'?: string; Plans?: PlanNode[] };
async function indexScans(query: SQL): Promise<string[]> {
  const [row] = rowsOf<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(await t.db.execute(sql`explain (format json) ${query}`));
  const found: string[] = [];
  const walk = (node: PlanNode) => {
    if (/Index/.test(node['Node Type']) && node['Index Name']) found.push(`${node['Node Type']}: ${node['Index Name']}`);
    node.Plans?.forEach(walk);
  };
  walk(row!['QUERY PLAN'][0].Plan);
  return found;
}

const point = { lat: 51.51, lng: -0.12 };
const gist = [expect.stringMatching(/Index Scan: businesses_location_gist$/), expect.stringMatching(/Index Scan: businesses_service_area_gist$/)];

describe('search plans use the GiST indexes', () => {
  it.each(['distance', 'rating', 'price'] as const)('businesses sorted by %s', async (sort) => {
    const scans = await indexScans(businessSearchSql({ point, radiusKm: 5, serviceType: 'walking', sort, limit: 20 }));
    expect(scans).toEqual(expect.arrayContaining(gist));
  });
  it('businesses on a later page', async () => {
    const after = { k: null, dist: 1200, id: '00000000-0000-4000-8000-000000000000' };
    expect(await indexScans(businessSearchSql({ point, radiusKm: 5, sort: 'distance', after, limit: 20 }))).toEqual(expect.arrayContaining(gist));
  });
  it('the nearest-first page walks the location index in distance order (KNN)', async () => {
    for (const after of [undefined, { k: null, dist: 1200, id: '00000000-0000-4000-8000-000000000000' }]) {
      const [row] = rowsOf<{ 'QUERY PLAN': [{ Plan: PlanNode & { 'Order By'?: string } }] }>(
        await t.db.execute(
          sql`explain (format json) ${businessNearestSql({ point, radiusKm: 5, serviceType: 'walking', sort: 'distance', after, limit: 20 }, NEAREST_WINDOWS[0])}`,
        ),
      );
      const knn: string[] = [];
      const walk = (node: PlanNode & { 'Order By'?: string }) => {
        if (node['Index Name'] === 'businesses_location_gist' && node['Order By']?.includes('<->')) knn.push(node['Node Type']);
        (node.Plans as (PlanNode & { 'Order By'?: string })[] | undefined)?.forEach(walk);
      };
      walk(row!['QUERY PLAN'][0].Plan);
      expect(knn).toEqual(['Index Scan']);
    }
  });
  it('services and markers', async () => {
    expect(await indexScans(serviceSearchSql({ point, radiusKm: 5, serviceType: 'walking', sort: 'distance', limit: 20 }))).toEqual(
      expect.arrayContaining(gist),
    );
    expect(await indexScans(markerSql({ point, radiusKm: 10, limit: 500 }))).toEqual(expect.arrayContaining(gist));
  });
});
