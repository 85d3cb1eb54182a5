/**
 * The stall benchmark's probe: `GET /healthz` back-to-back on one keep-alive connection, in a worker
 * thread of its own, so that what the benchmark's main thread does (sending a 5 MB upload, reading a
 * 20 MB answer) never delays a probe and is never mistaken for the server's stall. It probes only
 * between `start` and `stop`, and keeps the longest time a probe waited for its answer: a probe sent
 * while the server's event loop is blocked waits until the loop runs again. `watchHealth(port)` runs it.
 */
import http from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export type ProbeWindow = { worstMs: number; probes: number };

/** The probe against the API on `port`: `measure` runs `during` and says how long /healthz waited at worst meanwhile. */
export async function watchHealth(port: number) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { port }, execArgv: [...process.execArgv] });
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the /healthz probe stopped (exit ${code})`)));
  });
  await Promise.race([new Promise((resolve) => worker.once('message', resolve)), failed]);
  return {
    async measure<T>(during: () => Promise<T>): Promise<{ result: T; window: ProbeWindow }> {
      worker.postMessage('start');
      const result = await during().finally(() => worker.postMessage('stop'));
      const window = await Promise.race([new Promise<ProbeWindow>((resolve) => worker.once('message', resolve)), failed]);
      return { result, window };
    },
    async stop() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}

async function probe(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const healthz = () =>
    new Promise<void>((resolve, reject) => {
      const request = http.get({ host: '127.0.0.1', port, path: '/healthz', agent }, (response) => {
        response.resume();
        response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`/healthz answered ${response.statusCode}`))));
      });
      request.on('error', reject);
    });
  // Only while a window is open: the probe's own load must not slow the requests between windows.
  let stopAt: number | null = null;
  const window = async () => {
    stopAt = null;
    let worstMs = 0;
    let probes = 0;
    for (;;) {
      const sent = performance.now();
      await healthz();
      // A probe sent before `stop` counts even when it is answered after it: it waited through the request.
      if (stopAt === null || sent <= stopAt) {
        worstMs = Math.max(worstMs, performance.now() - sent);
        probes++;
      }
      if (stopAt !== null) break;
    }
    parentPort!.postMessage({ worstMs, probes } satisfies ProbeWindow);
  };
  parentPort!.on('message', (m) => {
    if (m === 'start') void window();
    if (m === 'stop') stopAt = performance.now();
  });
  await healthz();
  parentPort!.postMessage('ready');
}

if (!isMainThread && (workerData as { port?: number } | null)?.port) await probe((workerData as { port: number }).port);
