import { inArray } from 'drizzle-orm';
import { users } from '@walkydoggy/shared/db';
import type { Executor } from '../platform/db.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './seed-city.js';

export type DemoSignIn = { email: string; role: string };

/** The demo sign-ins present in this database (none once they were erased or never seeded). */
export async function existingDemoAccounts(db: Executor): Promise<DemoSignIn[]> {
  const order: string[] = Object.values(DEMO_ACCOUNTS);
  const rows = await db.select({ email: users.email, role: users.role }).from(users).where(inArray(users.email, order));
  return rows.sort((a, b) => order.indexOf(a.email) - order.indexOf(b.email));
}

/**
 * What the server prints under "running at …": on the first start, what was seeded (sign-ins
 * included); on later starts, the demo sign-ins still there, so a restart does not hide them.
 */
export function firstStartLines(seeded: string[], demo: DemoSignIn[]): string[] {
  if (seeded.length) return seeded;
  if (!demo.length) return [];
  return [`DEMO DATA ONLY. Demo sign-ins (password ${DEMO_PASSWORD} unless you changed it):`, ...demo.map((a) => `  ${a.role.padEnd(9)} ${a.email}`)];
}
