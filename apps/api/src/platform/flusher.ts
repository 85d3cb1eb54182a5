/**
 * The write-behind timer shared by the live buffers (presence positions, track points): `schedule()`
 * asks for a write within `delayMs`, `flush()` writes now. Writes never overlap: each runs after the
 * one before it and takes whatever is pending when it starts; a failed write does not stop the next.
 * The timer never keeps the process alive; whoever closes the app calls `flush()` then `cancel()`.
 */
export function createFlusher(delayMs: number, write: () => Promise<void>) {
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();
  const cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  function flush(): Promise<void> {
    const run = chain.then(() => {
      cancel();
      return write();
    });
    chain = run.catch(() => {});
    return run;
  }
  return {
    flush,
    schedule() {
      if (timer) return;
      timer = setTimeout(() => void flush(), delayMs);
      timer.unref();
    },
    cancel,
  };
}
