/**
 * Start-up time: `npm start` until the first 200 on /healthz, on a fresh embedded database (cold:
 * creates PGlite and the PostGIS, btree_gist and citext extensions) and on the same data folder again
 * (warm). The baseline is a bare Fastify hello-world started the same way (tsx), measured side by side.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function timeToHealthy(command: string, args: string[], env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 180_000) throw new Error('no 200 within 180 s');
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const baselineFile = path.join(os.tmpdir(), 'wd-bench-hello.mjs');
fs.writeFileSync(
  baselineFile,
  `import Fastify from '${path.join(root, 'node_modules/fastify/fastify.js')}';
const app = Fastify(); app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });`,
);
const tsx = path.join(root, 'node_modules/.bin/tsx');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const rows: { name: string; ms: number[] }[] = [
  { name: 'baseline: bare Fastify via tsx', ms: [] },
  { name: 'npm start, cold (new ./data)', ms: [] },
  { name: 'npm start, warm (same ./data)', ms: [] },
];
for (let i = 0; i < rounds; i++) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-bench-data-'));
  rows[0]!.ms.push(await timeToHealthy(tsx, [baselineFile], {}));
  rows[1]!.ms.push(await timeToHealthy('npm', ['start'], { DATA_DIR: dataDir }));
  rows[2]!.ms.push(await timeToHealthy('npm', ['start'], { DATA_DIR: dataDir }));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(rows[0]!.ms);
console.log(`\nStart-up to first 200 on /healthz (${rounds} rounds, median; ${os.cpus().length} cores, Node ${process.version})`);
console.log('| run | median | runs | × baseline |\n|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.name} | ${(median(r.ms) / 1000).toFixed(2)} s | ${r.ms.map((m) => (m / 1000).toFixed(2)).join(', ')} | ${(median(r.ms) / base).toFixed(1)} |`,
  );
