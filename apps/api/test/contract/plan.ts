import crypto from 'node:crypto';
import { EXEMPT, type BaseEntry, type Build, type Ctx } from './base.js';
import { mutationsOf, type Template } from './mutations.js';
import type { PlanItem, PlanSummary, Variant } from './protocol.js';
import { operationsOf, type Operation } from './schema.js';
import { specialVariants } from './special.js';
import type { World } from './world.js';

/**
 * The run, in order: for each operation (reads and changes first, then what depends on them, then
 * what uses up or deletes its target), its variants and then its valid base request — for each of
 * its flavours, if it has more than one.
 */
export type Step = { item: PlanItem; op: Operation; entry: BaseEntry; build: Build; variant: Variant | null };
export type Plan = { steps: Step[]; hash: string; operations: Record<string, string>; uncovered: string[]; stale: string[]; summary: PlanSummary };

/** The operations of both apps' documents: the Stripe-configured one adds the webhook. */
export function operationsOfApps(mainDoc: unknown, stripeDoc: unknown): Operation[] {
  const main = operationsOf(mainDoc, 'main');
  const known = new Set(main.map((o) => o.id));
  return [...main, ...operationsOf(stripeDoc, 'stripe').filter((o) => !known.has(o.id))];
}

export async function buildPlan(all: Operation[], bases: Record<string, BaseEntry>, world: World, ctx: Ctx, only?: string[]): Promise<Plan> {
  const operations = only ? all.filter((o) => only.includes(o.id)) : all;
  const uncovered = operations.filter((o) => !bases[o.id] && !EXEMPT[o.id]).map((o) => o.id);
  const stale = Object.keys(bases).filter((id) => !operations.some((o) => o.id === id));
  const covered = operations.filter((o) => bases[o.id]).sort((a, b) => (bases[a.id]!.phase ?? 0) - (bases[b.id]!.phase ?? 0));
  const steps: Step[] = [];
  const summary: PlanSummary = { droppedValid: 0, byClass: {} };
  for (const op of covered) {
    const entry = bases[op.id]!;
    for (const [flavour, build] of [['', entry.build] as const, ...Object.entries(entry.flavours ?? {})]) {
      const base = await build(world, ctx);
      const tpl: Template = { path: base.path ?? {}, query: base.query ?? {}, ...(base.body !== undefined ? { body: base.body } : {}) };
      const { variants, dropped } = mutationsOf(op, tpl, entry.bodySchema ?? op.body?.schema ?? null);
      summary.droppedValid += dropped;
      for (const v of [...variants, ...(flavour ? [] : specialVariants(op.id))]) {
        const variant = flavour ? { ...v, label: `[${flavour}] ${v.label}` } : v;
        const { mutation: _mutation, ...described } = variant;
        steps.push({ item: { index: steps.length, op: op.id, kind: 'variant', variant: described }, op, entry, build, variant });
        summary.byClass[variant.cls] = (summary.byClass[variant.cls] ?? 0) + 1;
      }
      steps.push({ item: { index: steps.length, op: op.id, kind: 'base', ...(flavour ? { flavour } : {}) }, op, entry, build, variant: null });
    }
  }
  const hash = crypto
    .createHash('sha256')
    .update(steps.map((s) => `${s.item.op} ${s.variant?.label ?? 'base'}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  return { steps, hash, operations: Object.fromEntries(operations.map((o) => [o.id, `${o.method} ${o.path}`])), uncovered, stale, summary };
}
