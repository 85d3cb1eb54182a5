import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fail, mockFetch, ok } from '../test/fetchMock';
import { BOOKING } from '../test/bookingFixtures';
import { fakeRealtime } from '../components/tracking/fakeRealtime';
import { RETRY_FIRST_MS, TRACK_BUFFER_KEY, useTrackBufferStore, type BufferedPoint } from './trackBuffer';

vi.mock('../lib/realtime', async () => (await import('../components/tracking/fakeRealtime')).fakeRealtimeModule());

const POINTS = `POST /v1/bookings/${BOOKING}/tracking/points`;
const EVENTS = `POST /v1/bookings/${BOOKING}/walk-events`;
const fix = (seq: number): BufferedPoint => ({
  seq,
  lng: 13.4 + seq / 10_000,
  lat: 52.52,
  accuracyM: 5,
  recordedAt: new Date(Date.parse('2025-06-02T07:00:00Z') + seq * 1000).toISOString(),
});
/** Lets the awaited fetches of a flush run under fake timers. */
const drain = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};
const fresh = () => {
  setActivePinia(createPinia());
  return useTrackBufferStore();
};

beforeEach(() => {
  // Only the timers the buffer uses: fetch's Response reads its body on the real event loop.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  localStorage.clear();
  fakeRealtime.reset();
  setActivePinia(createPinia());
});
afterEach(() => {
  useTrackBufferStore().stop();
  vi.useRealTimers();
});

describe('offline track buffer', () => {
  it('keeps points and events across a reload, and numbers each booking’s points on from where it stopped', () => {
    const buffer = useTrackBufferStore();
    expect(buffer.nextSeq(BOOKING)).toBe(0);
    expect(buffer.nextSeq(BOOKING)).toBe(1);
    buffer.addPoint(BOOKING, fix(0));
    buffer.addPoint(BOOKING, fix(1));
    buffer.addPoint(BOOKING, fix(1));
    buffer.addEvent(BOOKING, { kind: 'pee', at: '2025-06-02T07:00:05Z', clientId: 'c-1' });

    const reloaded = fresh();
    expect(reloaded.pendingPoints).toBe(2);
    expect(reloaded.pendingEvents).toBe(1);
    expect(reloaded.nextSeq(BOOKING)).toBe(2);
    expect(JSON.parse(localStorage.getItem(TRACK_BUFFER_KEY)!).points[BOOKING]).toHaveLength(2);
  });

  it('sends points in batches of at most 500 and the events with their clientIds, removing what was acknowledged', async () => {
    const net = mockFetch({ [POINTS]: ok({ accepted: 500, duplicates: 0, jumps: 0, outside: 0 }), [EVENTS]: ok({}, 201) });
    // A long stretch without signal, left over from the last page (written directly: 1203 adds would only be slow).
    const stored = Array.from({ length: 1203 }, (_, seq) => fix(seq));
    localStorage.setItem(TRACK_BUFFER_KEY, JSON.stringify({ points: { [BOOKING]: stored }, events: {}, seqs: { [BOOKING]: 1202 } }));
    const buffer = useTrackBufferStore();
    buffer.addEvent(BOOKING, { kind: 'pee', at: '2025-06-02T07:00:05Z', clientId: 'c-1' });
    buffer.addEvent(BOOKING, { kind: 'water', at: '2025-06-02T07:00:09Z', clientId: 'c-2' });

    const flushing = buffer.flush();
    await drain();
    expect(await flushing).toBe(true);

    const batches = net.callsTo(POINTS).map((c) => (c.body as { points: BufferedPoint[] }).points);
    expect(batches.map((b) => b.length)).toEqual([500, 500, 203]);
    expect(batches[1]![0]!.seq).toBe(500);
    expect(net.callsTo(EVENTS).map((c) => c.body)).toEqual([
      { kind: 'pee', at: '2025-06-02T07:00:05Z', clientId: 'c-1' },
      { kind: 'water', at: '2025-06-02T07:00:09Z', clientId: 'c-2' },
    ]);
    expect(buffer.pending).toBe(0);
    expect(fresh().pending).toBe(0);
  });

  it('keeps what failed on a network error, tries again later by itself, and sends on the browser’s "online" event', async () => {
    let reachable = false;
    const net = mockFetch({
      [POINTS]: () => {
        if (!reachable) throw new TypeError('Failed to fetch');
        return ok({ accepted: 3, duplicates: 0, jumps: 0, outside: 0 });
      },
      [EVENTS]: ok({}, 201),
    });
    const buffer = useTrackBufferStore();
    buffer.start();
    for (let seq = 0; seq < 3; seq++) buffer.addPoint(BOOKING, fix(seq));
    buffer.addEvent(BOOKING, { kind: 'poo', at: '2025-06-02T07:00:05Z', clientId: 'c-9' });

    const first = buffer.flush();
    await drain();
    expect(await first).toBe(false);
    expect(buffer.pendingPoints).toBe(3);
    // Points go first; the event waits behind them rather than being sent out of order.
    expect(net.callsTo(EVENTS)).toHaveLength(0);
    buffer.stop();
    // A reload: the new page finds the points and retries by itself (still unreachable: one attempt, nothing lost).

    setActivePinia(createPinia());
    const again = useTrackBufferStore();
    again.start();
    await drain();
    expect(again.pendingPoints).toBe(3);
    const attempts = net.callsTo(POINTS).length;
    await vi.advanceTimersByTimeAsync(RETRY_FIRST_MS);
    await drain();
    expect(net.callsTo(POINTS).length).toBe(attempts + 1);
    expect(again.pendingPoints).toBe(3);

    reachable = true;
    window.dispatchEvent(new Event('online'));
    await drain();
    expect(again.pending).toBe(0);
    expect(net.callsTo(EVENTS)).toHaveLength(1);
    again.stop();
  });

  it('flushes when the socket connects again', async () => {
    const net = mockFetch({ [POINTS]: ok({ accepted: 1, duplicates: 0, jumps: 0, outside: 0 }) });
    const buffer = useTrackBufferStore();
    buffer.start();
    buffer.addPoint(BOOKING, fix(0));
    fakeRealtime.setState('connecting');
    fakeRealtime.setState('connected');
    await drain();
    expect(net.callsTo(POINTS)).toHaveLength(1);
    expect(buffer.pending).toBe(0);
  });

  it('drops what the API will never accept instead of blocking the rest behind it', async () => {
    mockFetch({
      [POINTS]: fail(403, 'FORBIDDEN', 'You are not assigned to this booking.'),
      [EVENTS]: fail(409, 'CONFLICT', 'The walk is not in progress.'),
    });
    const buffer = useTrackBufferStore();
    buffer.addPoint(BOOKING, fix(0));
    buffer.addEvent(BOOKING, { kind: 'pee', at: '2025-06-02T07:00:05Z', clientId: 'c-1' });
    const flushing = buffer.flush();
    await drain();
    expect(await flushing).toBe(true);
    expect(buffer.pending).toBe(0);
  });
});
