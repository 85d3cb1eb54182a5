import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export type RunningServer = {
  baseUrl: string;
  dataDir: string;
  log: () => string;
  /** The server's exit code if it stopped on its own, else null. */
  exitCode: () => number | null;
  stop: () => Promise<void>;
};

export const repoRoot = path.resolve(import.meta.dirname, '../..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * What the e2e server starts with: demo businesses around London, the demo city of `npm start`, with the
 * demo business in Fulham (the seed's demo accounts share one
 * password), and an admin made the real way, by `npm run admin:create`, whose set-password link the
 * running server mails to the outbox.
 */
export const DEMO = {
  city: 'London',
  admin: 'admin@e2e.walkydoggy.test',
  /** The seed's demo business owner (business 0 of the city) and its worker; see apps/api/src/seed/seed-city.ts. */
  business: 'business@demo.walkydoggy.test',
  worker: 'worker@demo.walkydoggy.test',
  password: 'walkydoggy-demo',
} as const;

/** Runs one of the API's CLIs; a failure is reported in the server log, not thrown: the other suites still run. */
async function runCli(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    let log = '';
    const cli = spawn(process.execPath, [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), script, ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cli.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    cli.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    cli.on('exit', (code) => resolve(code === 0 ? '' : `--- ${script} exited with code ${code} ---\n${log}\n`));
    cli.on('error', (err) => resolve(`--- ${script} could not start: ${err.message} ---\n`));
  });
}

async function seedDemoData(env: NodeJS.ProcessEnv): Promise<string> {
  return (
    (await runCli('apps/api/src/cli/seed.ts', ['--city', DEMO.city, '--businesses', '12', '--workers-per-business', '1'], env)) +
    (await runCli('apps/api/src/cli/admin-create.ts', ['--email', DEMO.admin, '--first-name', 'Ada', '--last-name', 'Admin'], env))
  );
}

/** Starts the API (which also serves apps/web/dist) the way `npm start` does, on a fresh data directory. */
export async function startServer(timeoutMs = 120_000): Promise<RunningServer> {
  const port = await freePort();
  // A street style nobody answers for (a port no one listens on): the maps take their offline fallback,
  // as they would on a machine without network. maps.spec.ts checks that, and a reachable style too.
  const mapStylePort = await freePort();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'walkydoggy-e2e-'));
  const baseUrl = `http://localhost:${port}`;
  let output = '';
  const env = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    PUBLIC_URL: baseUrl,
    LOG_LEVEL: 'warn',
    AUTH_RATE_LIMIT_MAX: '1000',
    // Every browser context of every test comes from 127.0.0.1, so one minute of the suite (pages, their
    // assets and the booking tests' polling) is far more than one real visitor sends.
    RATE_LIMIT_MAX: '10000',
    SEED_DEMO: 'false',
    MAP_STYLE_URL: `http://127.0.0.1:${mapStylePort}/e2e-unreachable-map/style.json`,
  };
  // PGlite allows one process at a time, so the demo data is written before the server opens the database.
  if (process.env.E2E_SEED !== '0') output += await seedDemoData(env);
  const child: ChildProcess = spawn(process.execPath, [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'apps/api/src/server.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stopping it also stops whatever tsx started.
    detached: true,
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 15_000);
      await exited;
      clearTimeout(timer);
    }
    await fs.rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`The server exited with code ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) return { baseUrl, dataDir, log: () => output, exitCode: () => child.exitCode, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`The server did not answer /healthz within ${timeoutMs / 1000} s:\n${output}`);
}
