import net from 'node:net';

/**
 * A TCP proxy in front of a Redis server, for outage tests that must not kill the server other test
 * files share: `cut()` drops every connection and refuses new ones (as a dead Redis does), `restore()`
 * accepts them again on the same port. Clients connect to `url` (same database number as `target`).
 */
export async function redisProxy(target: string) {
  const upstream = new URL(target);
  const connections = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;

  async function listen() {
    const s = net.createServer((client) => {
      const remote = net.connect(Number(upstream.port || 6379), upstream.hostname);
      connections.add(client).add(remote);
      const drop = () => {
        client.destroy();
        remote.destroy();
        connections.delete(client);
        connections.delete(remote);
      };
      for (const socket of [client, remote]) socket.on('error', drop).on('close', drop);
      client.pipe(remote).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as net.AddressInfo).port;
    server = s;
  }

  async function stop() {
    const s = server;
    server = null;
    for (const socket of connections) socket.destroy();
    connections.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  await listen();
  return {
    url: `redis://127.0.0.1:${port}${upstream.pathname}`,
    /** Redis is gone: open connections drop, new ones are refused. */
    cut: stop,
    /** Redis is back on the same address. */
    restore: listen,
    close: stop,
  };
}
export type RedisProxy = Awaited<ReturnType<typeof redisProxy>>;

/** Waits until `check()` holds, polling; fails with `what` after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
