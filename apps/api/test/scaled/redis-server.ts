import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './instances.js';

/**
 * A `redis-server` of the test's own (Debian's, on PATH) on a free port, without persistence, that the
 * test may kill and start again on the same port: the shared Redis of the machine is never touched.
 */
export async function ownRedisServer() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-redis-'));
  let proc: ChildProcess | null = null;
  const log: string[] = [];

  async function start() {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => log.push(String(d)));
    child.stderr!.on('data', (d) => log.push(String(d)));
    const failed = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${log.join('')}`)));
    });
    proc = child;
    await Promise.race([untilPong(port), failed]);
    failed.catch(() => {});
  }

  async function kill() {
    const child = proc;
    proc = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    /** SIGKILL: connections drop, nothing is saved, new connections are refused. */
    kill,
    /** A new, empty server on the same port; resolves once it answers PING. */
    start,
    async stop() {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once the server on `port` answers PING (polls; 30 s at most). */
async function untilPong(port: number) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const pong = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(1_000, () => socket.destroy());
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (d) => {
        socket.destroy();
        resolve(String(d).startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
    });
    if (pong) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within 30 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
