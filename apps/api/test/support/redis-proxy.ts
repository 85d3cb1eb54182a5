import net from 'node:net';

/**
 * A TCP proxy in front of a Redis server, for outage tests that must not kill the server other test
 * files share: `cut()` drops every connection and resets new ones (as a dead Redis does), `restore()`
 * lets them through again. The proxy keeps its port while cut: closed, the port could be taken by
 * another process's connection before `restore()` listens again (EADDRINUSE seen in CI).
 * Clients connect to `url` (same database number as `target`).
 */
export async function redisProxy(target: string) {
  const upstream = new URL(target);
  const connections = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  let cut = false;

  async function listen() {
    const s = net.createServer((client) => {
      if (cut) {
        client.on('error', () => {});
        client.resetAndDestroy();
        return;
      }
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

  function dropAll() {
    for (const socket of connections) socket.destroy();
    connections.clear();
  }

  async function close() {
    const s = server;
    server = null;
    cut = true;
    dropAll();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  await listen();
  return {
    url: `redis://127.0.0.1:${port}${upstream.pathname}`,
    /** Redis is gone: open connections drop, new ones are reset. */
    async cut() {
      cut = true;
      dropAll();
    },
    /** Redis is back on the same address. */
    async restore() {
      cut = false;
    },
    close,
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
