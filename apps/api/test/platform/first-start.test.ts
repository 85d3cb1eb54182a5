import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { announce, formatAnnouncement } from '../../src/platform/announce.js';
import { lockFile, runningServer, writeServerLock } from '../../src/platform/server-lock.js';
import { firstStartLines } from '../../src/seed/first-start.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../src/seed/seed-city.js';
import { repoRoot } from '../../src/platform/paths.js';

const demo = [
  { email: DEMO_ACCOUNTS.petOwner, role: 'pet_owner' },
  { email: DEMO_ACCOUNTS.business, role: 'business' },
];
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-first-start-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A process that is alive until killed: the "running server" of the lock tests. */
function sleeper() {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
}

describe('the start-up announcement', () => {
  const a = {
    title: 'WalkyDoggy is running at http://localhost:3000',
    lines: firstStartLines([], demo),
    fields: { url: 'http://localhost:3000' },
  };

  it('is plain lines on a terminal: the address and each demo sign-in on its own line, unescaped', () => {
    const text = formatAnnouncement(a);
    const lines = text.split('\n');
    expect(lines[0]).toBe('WalkyDoggy is running at http://localhost:3000');
    expect(lines).toContain(`  pet_owner ${DEMO_ACCOUNTS.petOwner}`);
    expect(lines).toContain(`  business  ${DEMO_ACCOUNTS.business}`);
    expect(text).toContain(DEMO_PASSWORD);
    expect(text).not.toMatch(/\\n|[{}"]/);

    let written = '';
    const logged: unknown[] = [];
    const log = { info: (...args: unknown[]) => logged.push(args) } as unknown as FastifyBaseLogger;
    announce(log, a, { isTTY: true, write: (chunk: string) => ((written += chunk), true) } as never);
    expect(written.trim()).toBe(text.trim());
    expect(logged).toEqual([]);
  });

  it('stays one JSON log line when stdout is not a terminal', () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    let written = '';
    announce(pino({ level: 'info' }, sink) as unknown as FastifyBaseLogger, a, { isTTY: false, write: (c: string) => ((written += c), true) } as never);
    expect(written).toBe('');
    expect(chunks).toHaveLength(1);
    const line = JSON.parse(chunks[0]!);
    expect(line).toMatchObject({ msg: a.title, url: 'http://localhost:3000', lines: a.lines });
  });

  it('shows what was seeded on the first start, and the remaining demo sign-ins on later starts', () => {
    expect(firstStartLines(['Demo data seeded'], demo)).toEqual(['Demo data seeded']);
    expect(firstStartLines([], [])).toEqual([]);
    expect(firstStartLines([], demo)).toHaveLength(3);
  });
});

describe('the embedded server lock', () => {
  it('names a live server, and is ignored once that process has ended', async () => {
    const dir = tempDir();
    const child = sleeper();
    writeServerLock(dir, { pid: child.pid!, url: 'http://localhost:3000' });
    expect(runningServer(dir)).toMatchObject({ pid: child.pid, url: 'http://localhost:3000' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(runningServer(dir)).toBeNull();
  });

  it('is removed by the server that wrote it, not by another', () => {
    const dir = tempDir();
    const remove = writeServerLock(dir, { pid: process.pid, url: 'http://a' });
    expect(fs.existsSync(lockFile(dir))).toBe(true);
    remove();
    expect(fs.existsSync(lockFile(dir))).toBe(false);
    const removeOld = writeServerLock(dir, { pid: process.pid, url: 'http://a' });
    fs.writeFileSync(lockFile(dir), JSON.stringify({ pid: process.pid + 1, url: 'http://b' }));
    removeOld();
    expect(fs.existsSync(lockFile(dir))).toBe(true);
  });

  it('makes admin:create refuse, with how to go on, instead of printing a link that will not work', () => {
    const dir = tempDir();
    const child = sleeper();
    try {
      fs.writeFileSync(lockFile(dir), JSON.stringify({ pid: child.pid, url: 'http://localhost:3000', startedAt: new Date().toISOString() }));
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, APP_ENV: 'development', LOG_LEVEL: 'silent' };
      delete env.DATABASE_URL;
      const run = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['apps/api/src/cli/admin-create.ts', '--email', 'boss@example.com'], {
        cwd: repoRoot,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`The embedded server is running (pid ${child.pid}, http://localhost:3000)`);
      expect(run.stderr).toContain('Stop the server first');
      expect(run.stdout).not.toContain('token=');
      // It did not open (and so did not create) the embedded database.
      expect(fs.existsSync(path.join(dir, 'pgdata'))).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
