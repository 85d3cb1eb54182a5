import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { postgresDatabase } from '../../src/platform/db.js';
import { presenceOfApp } from '../../src/modules/tracking/presence.service.js';
import { createTestApp } from '../support/app.js';
import { startFakeStripe } from '../support/fake-stripe.js';
import { png } from '../support/media-fixtures.js';
import { stripeEnv } from '../payments/fixtures.js';
import { BASE, type BaseRequest, type Ctx } from './base.js';
import { SELF_TEST_BASE, selfTestRoutes } from './selftest.js';
import { applyMutation, isRaw, type Template, type Wire } from './mutations.js';
import { buildPlan, operationsOfApps, type Plan, type Step } from './plan.js';
import type { Answer, Clocks, FromTarget, ToTarget } from './protocol.js';
import { uploadBody, webhookBody, type Body } from './special.js';
import { buildWorld, type World } from './world.js';

/**
 * The app under test, in a process of its own (forked by malformed.postgres.test.ts, which explains
 * why). It builds the apps on the test's database — the world too, unless it is given one from
 * before a restart — then answers each planned request with `app.inject`, as the tests do.
 */

const send = (message: FromTarget) => process.send!(message);
/** Seconds from the process's start to its modules loaded (TypeScript compiled on the fly: most of a start). */
const importSeconds = process.uptime();

type Started = { ctx: Ctx; world: World; plan: Plan; image: Buffer; timings: Record<string, number>; close(): Promise<void> };

async function start(url: string, given: { world: World; clocks: Clocks | null } | null, selfTest: boolean): Promise<Started> {
  const t0 = performance.now();
  const lap = (from: number) => Math.round((performance.now() - from) / 100) / 10;
  const database = postgresDatabase(url, 5);
  const fake = await startFakeStripe();
  const main = await createTestApp({ sameDatabaseAs: { database }, ...(selfTest ? { routes: selfTestRoutes } : {}) });
  const stripe = await createTestApp({ env: stripeEnv(fake.url), sameDatabaseAs: { database } });
  let seq = 0;
  const ctx: Ctx = { main, stripe, fake, seq: () => ++seq };
  const apps = lap(t0);
  const t1 = performance.now();
  const world = given?.world ?? (selfTest ? ({} as World) : await buildWorld(main, { t: stripe, fake }));
  // Restarted: the clocks go on from where the last answer left them (or the world was built).
  const clocks = given && !selfTest ? (given.clocks ?? { main: world.clock, stripe: world.stripe.clock }) : null;
  if (clocks) {
    main.clock.set(new Date(clocks.main));
    stripe.clock.set(new Date(clocks.stripe));
  }
  const worldSeconds = lap(t1);
  const t2 = performance.now();
  const operations = operationsOfApps(main.app.swagger(), stripe.app.swagger());
  const plan = selfTest ? await buildPlan(operations, SELF_TEST_BASE, world, ctx, Object.keys(SELF_TEST_BASE)) : await buildPlan(operations, BASE, world, ctx);
  return {
    ctx,
    world,
    plan,
    image: await png(),
    timings: { modules: Math.round(importSeconds * 10) / 10, apps, world: worldSeconds, plan: lap(t2) },
    async close() {
      await main.close();
      await stripe.close();
      await fake.close();
      await database.close();
    },
  };
}

/** JSON with the raw parts (lone surrogate escapes, deep nesting) put in as they are. */
function serialize(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => (isRaw(v) ? `\u0000raw${raws.push(v.$raw) - 1}\u0000` : v));
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_, i: string) => raws[Number(i)]!);
}

const inUrl = (v: string | Wire): string[] => (typeof v === 'object' ? (Array.isArray(v.$wire) ? v.$wire : [v.$wire]) : [encodeURIComponent(v)]);

function urlOf(path: string, tpl: Template): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => inUrl(tpl.path[name] ?? '')[0]!);
  const query = Object.entries(tpl.query).flatMap(([name, v]) =>
    (Array.isArray(v) ? v.map(encodeURIComponent) : inUrl(v)).map((x) => `${encodeURIComponent(name)}=${x}`),
  );
  return query.length ? `${filled}?${query.join('&')}` : filled;
}

let requests = 0;
/** The held delivery of a "same event twice" variant, sent by its prelude and again by the variant. */
let replay: Body | undefined;

type Request = { app: FastifyInstance; method: string; url: string; headers: Record<string, string>; payload?: string | Buffer };

/** The step's request: its base request, built now (fresh codes and times), with its mutation applied. */
async function requestOf(s: Started, step: Step, prelude: boolean): Promise<Request> {
  const { ctx, world } = s;
  const m = step.variant?.mutation ?? null;
  if (step.item.kind === 'base' || step.item.index === firstOf(s.plan, step.op.id)) step.entry.prepare?.(ctx);
  const base: BaseRequest = await step.build(world, ctx);
  const tpl = applyMutation({ path: base.path ?? {}, query: base.query ?? {}, ...(base.body !== undefined ? { body: base.body } : {}) }, prelude ? null : m);
  const headers: Record<string, string> = { ...(base.actor ? ctx.main.bearer(base.actor.accessToken) : {}), ...base.headers };
  if (m?.where === 'header' && !prelude) headers[m.name] = m.value;
  let payload: string | Buffer | undefined;
  let body: Body | undefined;
  if (m?.where === 'raw-body' && !prelude) {
    if (m.text !== undefined) payload = m.text;
    if (m.contentType) headers['content-type'] = m.contentType;
  } else if (base.upload || (m?.where === 'multipart' && !prelude))
    // A route that takes JSON or multipart (addPetPhoto) gets its multipart variants as uploads, not its JSON base body.
    body = uploadBody(s.image, base.upload?.purpose ?? null, m?.where === 'multipart' ? m.kind : null);
  else if (base.webhook) {
    const kind = prelude ? null : m?.where === 'webhook' ? m.kind : null;
    body = webhookBody(ctx.fake, world.stripe.intent, ctx.stripe.clock.now(), kind, kind === 'duplicate' ? replay : undefined);
    if (prelude) replay = body;
  } else if (tpl.body !== undefined) {
    payload = serialize(tpl.body);
    headers['content-type'] = 'application/json';
  }
  if (body) {
    payload = body.payload;
    Object.assign(headers, body.headers);
  }
  const app = step.op.app === 'stripe' ? ctx.stripe.app : ctx.main.app;
  return { app, method: step.op.method, url: urlOf(step.op.path, tpl), headers, ...(payload !== undefined ? { payload } : {}) };
}

const answerOf = (status: number, contentType: string, body: string): Answer => ({
  status,
  contentType,
  body: status >= 400 ? body.slice(0, 4000) : body.slice(0, 300),
});

async function viaInject(r: Request): Promise<Answer> {
  const n = ++requests;
  const res = await r.app.inject({
    method: r.method as 'GET',
    url: r.url,
    headers: r.headers,
    ...(r.payload !== undefined ? { payload: r.payload } : {}),
    // Every request from its own address: per-client rate limits must not answer in place of validation.
    remoteAddress: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
  });
  return answerOf(res.statusCode, String(res.headers['content-type'] ?? ''), res.body);
}

/** The same request from a real HTTP client, to show that inject answers what a client gets. */
async function viaHttp(r: Request): Promise<Answer> {
  if (!r.app.server.listening) await r.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = r.app.server.address() as AddressInfo;
  const payload = r.payload === undefined ? undefined : Buffer.from(r.payload);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: r.method, path: r.url, headers: { ...r.headers, ...(payload ? { 'content-length': String(payload.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(answerOf(res.statusCode ?? 0, String(res.headers['content-type'] ?? ''), Buffer.concat(chunks).toString('utf8'))));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const firsts = new Map<string, number>();
function firstOf(plan: Plan, op: string): number {
  if (!firsts.size) for (const s of plan.steps) if (!firsts.has(s.op.id)) firsts.set(s.op.id, s.item.index);
  return firsts.get(op)!;
}

let started: Started | null = null;
process.on('disconnect', () => process.exit(0));
process.on('message', (raw) => {
  const message = raw as ToTarget;
  void (async () => {
    try {
      if (message.type === 'init') {
        const given = message.world ? { world: message.world as World, clocks: message.clocks } : null;
        started = await start(message.url, given, message.selfTest);
        const { plan, world } = started;
        send({
          type: 'ready',
          world,
          plan: plan.steps.map((s) => s.item),
          hash: plan.hash,
          operations: plan.operations,
          coverage: { uncovered: plan.uncovered, stale: plan.stale },
          timings: started.timings,
          summary: plan.summary,
        });
      } else if (message.type === 'run') {
        const step = started!.plan.steps[message.index]!;
        try {
          const request = await requestOf(started!, step, Boolean(message.prelude));
          const result = await viaInject(request);
          const overHttp = message.overHttp ? await viaHttp(request) : undefined;
          const clocks = { main: started!.ctx.main.clock.now().toISOString(), stripe: started!.ctx.stripe.clock.now().toISOString() };
          send({
            type: 'answer',
            index: message.index,
            prelude: Boolean(message.prelude),
            answer: result,
            ...(overHttp ? { overHttp } : {}),
            clocks,
            writesBehind: Boolean(step.entry.writesBehind),
          });
        } catch (err) {
          send({ type: 'error', index: message.index, message: (err as Error).stack ?? String(err) });
        }
      } else if (message.type === 'settle') {
        await presenceOfApp(started!.ctx.main.app.platform.realtime)?.flush();
        // Track points are written by their own buffer every 200 ms (track.live.ts).
        await new Promise((r) => setTimeout(r, 300));
        send({ type: 'settled' });
      } else if (message.type === 'ping') send({ type: 'pong' });
      else if (message.type === 'stop') {
        await started?.close();
        process.exit(0);
      }
    } catch (err) {
      send({ type: 'fatal', message: (err as Error).stack ?? String(err) });
    }
  })();
});
