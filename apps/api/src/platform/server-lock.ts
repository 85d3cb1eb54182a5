import fs from 'node:fs';
import path from 'node:path';

/**
 * The embedded database (PGlite) belongs to one process: a second process that opens the same folder
 * works on its own copy in memory and what it writes is lost. The embedded server therefore leaves
 * a small file in DATA_DIR while it runs (its pid and address), which the command-line tools check.
 */
export type ServerLock = { pid: number; url: string; startedAt: string };

export const lockFile = (dataDir: string) => path.join(dataDir, 'server.pid');

export function writeServerLock(dataDir: string, lock: Omit<ServerLock, 'startedAt'>): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockFile(dataDir);
  fs.writeFileSync(file, JSON.stringify({ ...lock, startedAt: new Date().toISOString() }));
  const remove = () => {
    try {
      // Only our own lock: a later server may have replaced it.
      if (readLock(file)?.pid === lock.pid) fs.rmSync(file, { force: true });
    } catch {
      // Exiting anyway; a lock left behind names a dead pid and is ignored.
    }
  };
  process.once('exit', remove);
  return remove;
}

/** The embedded server running on this data folder, or null (a lock whose process has ended is ignored). */
export function runningServer(dataDir: string): ServerLock | null {
  const lock = readLock(lockFile(dataDir));
  if (!lock || lock.pid === process.pid) return null;
  return isAlive(lock.pid) ? lock : null;
}

function readLock(file: string): ServerLock | null {
  try {
    const lock = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ServerLock>;
    return Number.isInteger(lock.pid) && (lock.pid as number) > 0 ? (lock as ServerLock) : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What admin:create (or any tool that writes to the embedded database) says instead of losing its write. */
export function serverRunningMessage(lock: ServerLock, command: string, dataDir: string): string {
  return [
    `The embedded server is running (pid ${lock.pid}, ${lock.url}) and holds the embedded database in ${dataDir}:`,
    `a change made by \`${command}\` now would be lost.`,
    `Stop the server first (Ctrl-C in its terminal, or \`kill ${lock.pid}\`), run \`${command}\` again, then start the server again.`,
  ].join('\n');
}
