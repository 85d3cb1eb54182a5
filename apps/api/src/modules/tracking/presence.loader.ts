/**
 * Turns many single-key reads into one: every key asked for while the current turn of the event loop
 * runs goes out in one `load(keys)` (setImmediate), and each caller gets its own key's value. The live
 * path's caches start cold — after a restart, thousands of workers send their first position within a
 * second, each missing the online, active-booking and last-point caches — and one statement per miss
 * would queue them behind the connection pool; one statement per turn does not.
 */
export function batchLoader<K, V>(load: (keys: K[]) => Promise<Map<K, V>>, missing: V): (key: K) => Promise<V> {
  let waiting = new Map<K, { resolve(value: V): void; reject(err: unknown): void }[]>();
  let scheduled = false;

  async function run() {
    scheduled = false;
    const batch = waiting;
    waiting = new Map();
    try {
      const found = await load([...batch.keys()]);
      for (const [key, callers] of batch) for (const c of callers) c.resolve(found.has(key) ? found.get(key)! : missing);
    } catch (err) {
      for (const callers of batch.values()) for (const c of callers) c.reject(err);
    }
  }

  return (key) =>
    new Promise<V>((resolve, reject) => {
      const callers = waiting.get(key);
      if (callers) callers.push({ resolve, reject });
      else waiting.set(key, [{ resolve, reject }]);
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void run());
      }
    });
}
