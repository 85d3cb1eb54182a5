/**
 * The ceiling of the tracking benchmark, run as a child process: a bare `ws` server that does the
 * least a live-location relay can do. Owners connect with `?role=owner&booking=<id>` and are
 * subscribed to that booking; workers connect with `?role=worker&booking=<id>` and send JSON
 * positions; the server parses each one, forwards it to the booking's owners and acknowledges it
 * to the worker (as the API acknowledges `location:update`). No authentication, no validation, no
 * database. IPC: sends `{port}` once listening.
 */
import { WebSocketServer, type WebSocket } from 'ws';

const subscribers = new Map<string, Set<WebSocket>>();
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });

server.on('connection', (socket, request) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const booking = url.searchParams.get('booking') ?? '';
  if (url.searchParams.get('role') === 'owner') {
    const set = subscribers.get(booking) ?? new Set();
    set.add(socket);
    subscribers.set(booking, set);
    socket.on('close', () => set.delete(socket));
    return;
  }
  socket.on('message', (data) => {
    const update = JSON.parse(String(data)) as { workerId: string; seq: number; lng: number; lat: number; recordedAt: string };
    const message = JSON.stringify({ bookingId: booking, workerId: update.workerId, point: update });
    for (const owner of subscribers.get(booking) ?? []) owner.send(message);
    socket.send(JSON.stringify({ seq: update.seq, ack: { success: true, data: { accepted: true, recorded: true } } }));
  });
});
server.on('listening', () => process.send!({ port: (server.address() as { port: number }).port }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
