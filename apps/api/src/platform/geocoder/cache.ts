/**
 * A small in-process LRU cache with a time to live: a Map keeps insertion order, so the first key
 * is the least recently used one. `size` 0 turns it off.
 */
export function createLruCache<V>(opts: { size: number; ttlMs: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { value: V; expires: number }>();
  return {
    get(key: string): V | undefined {
      const hit = entries.get(key);
      if (!hit) return undefined;
      entries.delete(key);
      if (hit.expires <= now()) return undefined;
      entries.set(key, hit);
      return hit.value;
    },
    set(key: string, value: V): void {
      if (opts.size <= 0) return;
      entries.delete(key);
      entries.set(key, { value, expires: now() + opts.ttlMs });
      while (entries.size > opts.size) entries.delete(entries.keys().next().value as string);
    },
    get size() {
      return entries.size;
    },
  };
}
