/**
 * Rendered feeds, kept a short while: calendar apps poll a feed every 15 minutes to a day, from a few
 * devices each, and a busy business's feed is thousands of events. An entry is served only while its
 * bookings' version is the one it was rendered from and it is younger than the time to live, so a
 * change to a booking shows at the next fetch and anything else (a pet renamed, a new business
 * address) within the time to live. Least recently used entries go first once the characters kept
 * pass the budget. Per API instance: each renders its own.
 */
export function createFeedCache(opts: { ttlMs: number; maxChars: number }) {
  const entries = new Map<string, { version: string; at: number; ics: string }>();
  let chars = 0;

  function drop(key: string) {
    const entry = entries.get(key);
    if (!entry) return;
    chars -= entry.ics.length;
    entries.delete(key);
  }

  return {
    get(key: string, version: string, now: number): string | null {
      const entry = entries.get(key);
      if (!entry) return null;
      if (entry.version !== version || now - entry.at >= opts.ttlMs || now < entry.at) {
        drop(key);
        return null;
      }
      // Map order is insertion order: moving the entry to the end keeps the least recently used first.
      entries.delete(key);
      entries.set(key, entry);
      return entry.ics;
    },
    set(key: string, version: string, now: number, ics: string) {
      drop(key);
      if (ics.length > opts.maxChars) return;
      for (const oldest of entries.keys()) {
        if (chars + ics.length <= opts.maxChars) break;
        drop(oldest);
      }
      entries.set(key, { version, at: now, ics });
      chars += ics.length;
    },
    /** Entries and characters kept (for tests). */
    size: () => ({ entries: entries.size, chars }),
  };
}
export type FeedCache = ReturnType<typeof createFeedCache>;
