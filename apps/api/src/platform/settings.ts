import { platformSettings } from '@walkydoggy/shared/db';
import { platformSettingsSchema, type PlatformSettings } from '@walkydoggy/shared';
import type { Db, Executor } from './db.js';
import type { Clock } from './clock.js';

const CACHE_MS = 5_000;

/** Platform settings, read through a short cache (several API instances converge within seconds). */
export function createSettings(db: Db, clock: Clock) {
  let cached: { at: number; value: PlatformSettings } | null = null;
  async function read(exec: Executor): Promise<PlatformSettings> {
    const rows = await exec.select().from(platformSettings);
    return platformSettingsSchema.parse(Object.fromEntries(rows.map((r) => [r.key, r.value])));
  }
  return {
    /**
     * Pass the open transaction when there is one: on PGlite (a single connection) a read through
     * `db` would wait for that transaction forever.
     */
    async get(exec: Executor = db): Promise<PlatformSettings> {
      const now = clock.now().getTime();
      if (cached && now - cached.at < CACHE_MS) return cached.value;
      const value = await read(exec);
      cached = { at: now, value };
      return value;
    },
    async update(exec: Executor, patch: Partial<PlatformSettings>, actorId: string): Promise<PlatformSettings> {
      for (const [key, value] of Object.entries(patch)) {
        await exec
          .insert(platformSettings)
          .values({ key, value, updatedBy: actorId, updatedAt: clock.now() })
          .onConflictDoUpdate({ target: platformSettings.key, set: { value, updatedBy: actorId, updatedAt: clock.now() } });
      }
      cached = null;
      return read(exec);
    },
  };
}
export type Settings = ReturnType<typeof createSettings>;
