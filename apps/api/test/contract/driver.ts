import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Clocks, FromTarget, ToTarget } from './protocol.js';

/**
 * The test's handle on the app process (target.ts): one request at a time, each raced against a
 * timer that runs here, where no handler of the app can block it.
 */

type Ready = Extract<FromTarget, { type: 'ready' }>;
export type Outcome = FromTarget | { type: 'timeout' } | { type: 'exited'; code: number | null; signal: string | null };

export class Target {
  private waiter: { accept: (m: FromTarget) => boolean; resolve: (o: Outcome) => void } | null = null;
  private exit: { code: number | null; signal: string | null } | null = null;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: FromTarget) => {
      if (this.waiter?.accept(m)) {
        const { resolve } = this.waiter;
        this.waiter = null;
        resolve(m);
      }
    });
    child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      const w = this.waiter;
      this.waiter = null;
      w?.resolve({ type: 'exited', code, signal });
    });
  }

  /** Forks the app process and waits until it has built its apps (and the world, when none is given). */
  static async start(
    url: string,
    given: { world: unknown | null; clocks: Clocks | null; selfTest: boolean },
    timeoutMs: number,
  ): Promise<{ target: Target; ready: Ready; seconds: number }> {
    const started = performance.now();
    const child = fork(fileURLToPath(new URL('./target.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const target = new Target(child);
    const outcome = await target.ask({ type: 'init', url, ...given }, (m) => m.type === 'ready' || m.type === 'fatal', timeoutMs);
    if (outcome.type !== 'ready') {
      target.kill();
      throw new Error(`The app process did not start: ${JSON.stringify(outcome).slice(0, 2000)}`);
    }
    return { target, ready: outcome, seconds: (performance.now() - started) / 1000 };
  }

  ask(message: ToTarget, accept: (m: FromTarget) => boolean, timeoutMs: number): Promise<Outcome> {
    if (this.exit) return Promise.resolve({ type: 'exited', ...this.exit });
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve({ type: 'timeout' });
      }, timeoutMs);
      this.waiter = {
        accept: (m) => accept(m) || m.type === 'fatal',
        resolve: (o) => {
          clearTimeout(timer);
          resolve(o);
        },
      };
      this.child.send(message);
    });
  }

  run(index: number, prelude: boolean, timeoutMs: number, overHttp = false) {
    return this.ask({ type: 'run', index, prelude, overHttp }, (m) => (m.type === 'answer' || m.type === 'error') && m.index === index, timeoutMs);
  }

  /** Whether the app process still handles messages: a handler looping without awaiting blocks it entirely. */
  async responsive(timeoutMs = 2_000): Promise<boolean> {
    return (await this.ask({ type: 'ping' }, (m) => m.type === 'pong', timeoutMs)).type === 'pong';
  }

  async settle() {
    await this.ask({ type: 'settle' }, (m) => m.type === 'settled', 5_000);
  }

  kill() {
    if (!this.exit) this.child.kill('SIGKILL');
  }

  /** Closes the apps and the database pool, or kills the process when it does not answer. */
  async stop() {
    if (this.exit) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' } satisfies ToTarget);
    const timer = setTimeout(() => this.kill(), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
