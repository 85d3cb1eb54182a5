/**
 * A load generator of the tracking benchmark, run as a child process (several share the work, so the
 * load takes its fair share of the cores instead of running in the parent). It holds a slice of the
 * worker/owner pairs: each owner watches its booking (`booking:join` on the API, a subscription on
 * the ws ceiling) and each worker sends one position a second. A pair's worker and owner live in the
 * same process, so the fan-out latency (owner received − worker sent) is read on one clock.
 *
 * IPC from the parent: `{type:'connect', mode, url, pairs}` → `{type:'ready', failed}`;
 * `{type:'go', startAt, seconds, intervalMs, total, warmupSeconds}` → `{type:'done', stats}`;
 * `{type:'idle', mode, url, tokens}` → `{type:'ready', failed}` (sockets that only stay connected);
 * `{type:'close'}` closes everything and exits.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type { Pair } from './tracking-seed.js';

export type Mode = 'api' | 'ws';
export type LoadStats = {
  /** Updates sent inside the measured window. */
  sent: number;
  /** Of those, acknowledged with success. */
  accepted: number;
  /** Error acknowledgements by code; `timeout` for none within the wait after the window. */
  refused: Record<string, number>;
  /** Deliveries to owners of updates sent inside the window. */
  delivered: number;
  /** Fan-out latency of each delivery, ms. */
  latencies: number[];
  /** Acknowledgement round trip of each accepted update, ms. */
  ackLatencies: number[];
};

type Link = { send(update: Record<string, unknown>): void; close(): void };
type Slot = Pair & { index: number; worker: Link | null; owner: Link | null; sentAt: number[]; lat: number; lng: number; heading: number };

const CONNECT_CONCURRENCY = 40;
const slots: Slot[] = [];
const idle: { close(): void }[] = [];
let measuring: { from: number; to: number } | null = null;
const stats: LoadStats = { sent: 0, accepted: 0, refused: {}, delivered: 0, latencies: [], ackLatencies: [] };
const inWindow = (t: number) => measuring !== null && t >= measuring.from && t < measuring.to;

function socketIo(url: string, token: string): Promise<Socket> {
  const socket = io(`${url}/v1`, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60_000 });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(new Error(`${err.message} ${JSON.stringify((err as { data?: unknown }).data ?? '')}`)));
  });
}

function rawWs(url: string, query: string): Promise<WebSocket> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/?${query}`, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function acked(slot: Slot, seq: number, ok: boolean, code?: string) {
  const sentAt = slot.sentAt[seq];
  if (sentAt === undefined || !inWindow(sentAt)) return;
  if (ok) {
    stats.accepted++;
    stats.ackLatencies.push(performance.now() - sentAt);
  } else stats.refused[code ?? 'unknown'] = (stats.refused[code ?? 'unknown'] ?? 0) + 1;
}

function delivered(slot: Slot, seq: number | null | undefined) {
  const sentAt = seq === null || seq === undefined ? undefined : slot.sentAt[seq];
  if (sentAt === undefined || !inWindow(sentAt)) return;
  stats.delivered++;
  stats.latencies.push(performance.now() - sentAt);
}

async function connectApi(url: string, slot: Slot) {
  const owner = await socketIo(url, slot.ownerToken);
  owner.on('location:updated', (p: { point: { seq: number | null } }) => delivered(slot, p.point.seq));
  const joined = (await owner.timeout(60_000).emitWithAck('booking:join', { bookingId: slot.bookingId })) as { success: boolean; error?: { code: string } };
  if (!joined.success) throw new Error(`booking:join refused: ${joined.error?.code}`);
  slot.owner = { send: () => {}, close: () => owner.close() };
  const worker = await socketIo(url, slot.workerToken);
  slot.worker = {
    send(update) {
      const seq = update.seq as number;
      worker
        .timeout(30_000)
        .emitWithAck('location:update', update)
        .then(
          (ack: { success: boolean; error?: { code: string } }) => acked(slot, seq, ack.success, ack.error?.code),
          () => acked(slot, seq, false, 'timeout'),
        );
    },
    close: () => worker.close(),
  };
}

async function connectWs(url: string, slot: Slot) {
  const owner = await rawWs(url, `role=owner&booking=${slot.bookingId}`);
  owner.on('message', (data) => delivered(slot, (JSON.parse(String(data)) as { point: { seq: number } }).point.seq));
  slot.owner = { send: () => {}, close: () => owner.close() };
  const worker = await rawWs(url, `role=worker&booking=${slot.bookingId}`);
  worker.on('message', (data) => {
    const m = JSON.parse(String(data)) as { seq: number; ack: { success: boolean } };
    acked(slot, m.seq, m.ack.success);
  });
  slot.worker = { send: (update) => worker.send(JSON.stringify({ ...update, workerId: slot.workerId })), close: () => worker.close() };
}

/** Runs `task` over `items` with at most CONNECT_CONCURRENCY at a time; the number that failed. */
async function pool<T>(items: T[], task: (item: T) => Promise<void>): Promise<{ failed: number; firstError: string | null }> {
  let next = 0;
  let failed = 0;
  let firstError: string | null = null;
  await Promise.all(
    Array.from({ length: Math.min(CONNECT_CONCURRENCY, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        // A connection refused in a burst of thousands (accept backlog) is tried again, twice.
        await task(item)
          .catch(() => new Promise((r) => setTimeout(r, 200)).then(() => task(item)))
          .catch(() => new Promise((r) => setTimeout(r, 1000)).then(() => task(item)))
          .catch((err: Error) => {
            failed++;
            firstError ??= err.message;
          });
      }
    }),
  );
  return { failed, firstError };
}

/**
 * Each worker's k-th update goes at start + offset + k·interval, and never less than an interval after
 * its previous one. The first `warmupSeconds` are sent but not measured (the server's caches fill).
 */
function run(startAt: number, seconds: number, intervalMs: number, total: number, warmupSeconds: number) {
  const startPerf = performance.now() + (startAt - Date.now());
  const endPerf = startPerf + (warmupSeconds + seconds) * 1000;
  measuring = { from: startPerf + warmupSeconds * 1000, to: endPerf };
  for (const slot of slots) {
    if (!slot.worker) continue;
    const offset = (slot.index / total) * intervalMs;
    let k = 0;
    let last = -Infinity;
    const tick = () => {
      const now = performance.now();
      if (now >= endPerf) return;
      const seq = slot.sentAt.length;
      slot.sentAt[seq] = now;
      // About 1.4 m/s in a slowly turning direction: plausible walking, never a "jump".
      slot.heading = (slot.heading + (Math.random() - 0.5) * 30 + 360) % 360;
      const rad = (slot.heading * Math.PI) / 180;
      slot.lat += (1.4 * Math.cos(rad)) / 111_320;
      slot.lng += (1.4 * Math.sin(rad)) / (111_320 * Math.cos((slot.lat * Math.PI) / 180));
      slot.worker!.send({
        lng: slot.lng,
        lat: slot.lat,
        accuracyM: 8,
        recordedAt: new Date().toISOString(),
        seq,
        speedMps: 1.4,
        heading: Math.round(slot.heading),
      });
      if (inWindow(now)) stats.sent++;
      last = now;
      k++;
      const due = Math.max(startPerf + offset + k * intervalMs, last + intervalMs + 5);
      setTimeout(tick, Math.max(0, due - performance.now()));
    };
    setTimeout(tick, Math.max(0, startPerf + offset - performance.now()));
  }
  // Stragglers of the window's last second may still arrive: wait, then report.
  setTimeout(
    () => {
      const answered = stats.accepted + Object.values(stats.refused).reduce((a, b) => a + b, 0);
      if (answered < stats.sent) stats.refused.unanswered = stats.sent - answered;
      process.send!({ type: 'done', stats });
    },
    Math.max(0, endPerf - performance.now()) + 3000,
  );
}

process.on(
  'message',
  (m: {
    type: string;
    mode?: Mode;
    url?: string;
    pairs?: (Pair & { index: number })[];
    tokens?: string[];
    startAt?: number;
    seconds?: number;
    intervalMs?: number;
    total?: number;
    warmupSeconds?: number;
  }) => {
    if (m.type === 'connect') {
      for (const p of m.pairs!) slots.push({ ...p, worker: null, owner: null, sentAt: [], lat: p.home.lat, lng: p.home.lng, heading: Math.random() * 360 });
      void pool(slots, (slot) => (m.mode === 'api' ? connectApi(m.url!, slot) : connectWs(m.url!, slot))).then((r) => process.send!({ type: 'ready', ...r }));
    }
    if (m.type === 'idle')
      void pool(m.tokens!, async (token) => {
        if (m.mode === 'api') {
          const socket = await socketIo(m.url!, token);
          idle.push({ close: () => socket.close() });
        } else {
          const socket = await rawWs(m.url!, `role=owner&booking=idle-${idle.length}`);
          idle.push({ close: () => socket.close() });
        }
      }).then((r) => process.send!({ type: 'ready', ...r }));
    if (m.type === 'go') run(m.startAt!, m.seconds!, m.intervalMs!, m.total!, m.warmupSeconds ?? 0);
    if (m.type === 'close') {
      for (const slot of slots) {
        slot.worker?.close();
        slot.owner?.close();
      }
      for (const socket of idle) socket.close();
      setTimeout(() => process.exit(0), 200);
    }
  },
);
