import type { Expectation, Mutation, Raw, Variant, VariantClass } from './protocol.js';
import { accepts, branchFor, dateKindOf, isFreeText, isNullable, kindOf, seeded, type JsonSchema, type Operation } from './schema.js';

/**
 * Malformed variants of one operation, generated from its schema in the API document: each changes
 * one thing of the operation's valid base request. A variant meant to be invalid is kept only if the
 * document's schema refuses it (so the test never insists on a refusal the contract does not
 * promise); a few classes are malformed by the project's rules although a JSON schema cannot say so
 * (control characters and lone surrogates in text, unknown fields, ids that point nowhere).
 */

/** A value already in its URL form (percent-encoded by the variant itself). */
export type Wire = { $wire: string | string[] };
export type Template = { path: Record<string, string | Wire>; query: Record<string, string | string[] | Wire>; body?: unknown };

const NIL = '00000000-0000-0000-0000-000000000000';
const MAX_DEPTH = 5;
const LONG = 100_000;
const PATH_LONG = 5_000;
const C0 = ['\u0001', '\u001b', '\u007f'] as const;
const SURROGATES = ['\\ud800', '\\udfff'] as const;
const DATE_EDGES = ['0000-01-01', '0001-01-01', '9999-12-31', '10000-01-01', '+010000-01-01', '2025-02-30'];
const DATE_TIME_EDGES = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '10000-01-01T00:00:00Z',
  '+010000-01-01T00:00:00Z',
  '2030-06-04T10:00:00+99:00',
  '2025-02-30T10:00:00Z',
];
/** Adjacent days at the ends of the calendar: a range of two days that code iterating day by day must survive. */
const DATE_PAIRS: [string, string][] = [
  ['0000-01-01', '0000-01-02'],
  ['0001-01-01', '0001-01-02'],
  ['9999-12-30', '9999-12-31'],
  ['10000-01-01', '10000-01-02'],
];

/** One value a node can take, before it is checked against the whole schema. */
type Candidate = { cls: VariantClass; what: string; value: unknown; intent: Expectation | 'invalid'; wire?: string };
type Ctx = { rng: ReturnType<typeof seeded>; turns: { n: number }; where: 'body' | 'query' | 'path' };

/** A JSON string literal with a lone surrogate inside; JSON.stringify would escape it, the server's parser will not. */
const withSurrogate = (text: string, escape: string): Raw => ({
  $raw: `${JSON.stringify(text.slice(0, 1)).slice(0, -1)}${escape}${JSON.stringify(text.slice(1)).slice(1)}`,
});
const decodeRaw = (v: unknown): unknown => (isRaw(v) ? JSON.parse(v.$raw) : v);
export const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && '$raw' in v;
const nested = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);
const inside = (text: string, ch: string) => (text.length > 1 ? `${text.slice(0, 1)}${ch}${text.slice(1)}` : `a${ch}b`);

function stringCandidates(s: JsonSchema, current: unknown, ctx: Ctx): Candidate[] {
  const text = typeof current === 'string' && current.length ? current : 'fuzz';
  const out: Candidate[] = [];
  const date = dateKindOf(s);
  if (s.enum) out.push({ cls: 'enum', what: '"not-in-enum"', value: 'not-in-enum', intent: 'invalid' });
  if (s.format === 'uuid') {
    out.push({ cls: 'uuid-format', what: '"not-a-uuid"', value: 'not-a-uuid', intent: 'invalid' });
    // An id that parses but points nowhere: a path or body naming it is refused; a list filter may just match nothing.
    const nowhere: Expectation = ctx.where === 'query' ? 'survive' : 'refuse';
    out.push({ cls: 'uuid-nil', what: 'the nil UUID', value: NIL, intent: nowhere });
    out.push({ cls: 'uuid-random', what: 'a random UUID', value: ctx.rng.uuid(), intent: nowhere });
  } else if (date) {
    const edges = date === 'date' ? DATE_EDGES : date === 'date-time' ? DATE_TIME_EDGES : [...DATE_EDGES, ...DATE_TIME_EDGES];
    for (const d of edges) out.push({ cls: 'date', what: JSON.stringify(d), value: d, intent: 'survive' });
  } else if (s.pattern) out.push({ cls: 'pattern', what: 'not matching its pattern', value: '!fuzz!', intent: 'invalid' });
  if (s.format === 'email') out.push({ cls: 'pattern', what: 'not an e-mail address', value: 'not-an-email', intent: 'invalid' });
  if (s.format === 'uri') out.push({ cls: 'pattern', what: 'not a URI', value: 'not a uri', intent: 'invalid' });
  if (s.maxLength !== undefined) out.push({ cls: 'length', what: `${s.maxLength + 1} characters`, value: 'x'.repeat(s.maxLength + 1), intent: 'invalid' });
  if (s.minLength) out.push({ cls: 'length', what: `${s.minLength - 1} characters`, value: 'x'.repeat(s.minLength - 1), intent: 'invalid' });
  const long = ctx.where === 'body' ? LONG : PATH_LONG;
  out.push({ cls: ctx.where === 'path' ? 'long-path' : 'length', what: `${long} characters`, value: 'x'.repeat(long), intent: 'survive' });
  out.push({ cls: 'control', what: 'a NUL byte inside', value: inside(text, '\u0000'), intent: 'refuse' });
  if (isFreeText(s)) {
    const turn = ctx.turns.n++;
    const c0 = C0[turn % C0.length]!;
    out.push({ cls: 'control', what: `\\u${c0.charCodeAt(0).toString(16).padStart(4, '0')} inside`, value: inside(text, c0), intent: 'refuse' });
    const lone = SURROGATES[turn % SURROGATES.length]!;
    out.push({ cls: 'surrogate', what: `a lone surrogate ${lone} inside`, value: withSurrogate(text, lone), intent: 'refuse' });
  }
  return out;
}

function numberCandidates(s: JsonSchema, current: unknown): Candidate[] {
  const out: Candidate[] = [];
  const integer = kindOf(s) === 'integer';
  const step = integer ? 1 : 0.5;
  if (s.exclusiveMinimum !== undefined)
    out.push({ cls: 'range', what: `${s.exclusiveMinimum} (exclusive minimum)`, value: s.exclusiveMinimum, intent: 'invalid' });
  else if (s.minimum !== undefined) out.push({ cls: 'range', what: `below minimum ${s.minimum}`, value: s.minimum - step, intent: 'invalid' });
  if (s.exclusiveMaximum !== undefined)
    out.push({ cls: 'range', what: `${s.exclusiveMaximum} (exclusive maximum)`, value: s.exclusiveMaximum, intent: 'invalid' });
  else if (s.maximum !== undefined) out.push({ cls: 'range', what: `above maximum ${s.maximum}`, value: s.maximum + step, intent: 'invalid' });
  if (integer) out.push({ cls: 'integer', what: 'not a whole number', value: (typeof current === 'number' ? current : 1) + 0.5, intent: 'invalid' });
  if (s.multipleOf) out.push({ cls: 'range', what: `not a multiple of ${s.multipleOf}`, value: s.multipleOf * 2 + 1, intent: 'invalid' });
  out.push({ cls: 'huge', what: '1e308', value: 1e308, intent: 'survive' }, { cls: 'huge', what: '-1e308', value: -1e308, intent: 'survive' });
  return out;
}

/** Values for one node of a body, before checking them against the whole body's schema. */
function nodeCandidates(full: JsonSchema, current: unknown, ctx: Ctx): Candidate[] {
  const s = branchFor(full, current);
  if (!s) return [];
  const kind = kindOf(s);
  const out: Candidate[] = [];
  if (!isNullable(full)) out.push({ cls: 'null', what: 'null', value: null, intent: 'invalid' });
  const wrong: Record<string, unknown[]> = {
    string: [12345],
    number: ['12'],
    integer: ['12'],
    boolean: ['true', 1],
    object: [[], 'fuzz'],
    array: [{}, 'fuzz'],
  };
  for (const v of wrong[kind] ?? []) out.push({ cls: 'type', what: `${JSON.stringify(v)} (wrong type)`, value: v, intent: 'invalid' });
  if (kind === 'string') out.push(...stringCandidates(s, current, ctx));
  if (kind === 'number' || kind === 'integer') out.push(...numberCandidates(s, current));
  if (kind === 'array') {
    const item = Array.isArray(current) && current.length ? current[0] : undefined;
    if (s.minItems) out.push({ cls: 'items', what: `${s.minItems - 1} items (minimum ${s.minItems})`, value: [], intent: 'invalid' });
    if (s.maxItems !== undefined && item !== undefined)
      out.push({ cls: 'items', what: `${s.maxItems + 1} items (maximum ${s.maxItems})`, value: Array(s.maxItems + 1).fill(item), intent: 'invalid' });
  }
  return out;
}

type Found = { path: (string | number)[]; schema: JsonSchema; value: unknown };
/** Every node of a body worth mutating: the properties of objects (present or not), the first item of arrays. */
function nodesOf(schema: JsonSchema, value: unknown, path: (string | number)[] = []): Found[] {
  if (path.length > MAX_DEPTH) return [];
  const s = branchFor(schema, value);
  if (!s) return [];
  const out: Found[] = [];
  const kind = kindOf(s);
  if (kind === 'object' && s.properties) {
    const obj = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    for (const [name, prop] of Object.entries(s.properties)) {
      out.push({ path: [...path, name], schema: prop, value: obj[name] });
      if (obj[name] !== undefined) out.push(...nodesOf(prop, obj[name], [...path, name]));
    }
  }
  if (kind === 'array' && s.items && Array.isArray(value) && value.length) {
    out.push({ path: [...path, 0], schema: s.items, value: value[0] });
    out.push(...nodesOf(s.items, value[0], [...path, 0]));
  }
  return out;
}

const label = (path: (string | number)[]) => ['body', ...path].join('.');
const setAt = (root: unknown, path: (string | number)[], value: unknown): unknown => {
  if (!path.length) return value;
  const [head, ...rest] = path;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<string | number, unknown>;
  copy[head!] = setAt(copy[head!], rest, value);
  return copy;
};
const removeAt = (root: unknown, path: (string | number)[]): unknown => {
  const [head, ...rest] = path;
  const copy = { ...(root as Record<string, unknown>) };
  if (rest.length) copy[head as string] = removeAt(copy[head as string], rest);
  else delete copy[head as string];
  return copy;
};

/** Kept when the schema refuses it (or its class is malformed by the project's rules), with the expectation it carries. */
function judge(c: Candidate, valid: boolean): Expectation | null {
  if (c.intent === 'invalid') return valid ? null : 'refuse';
  if (c.intent === 'survive') return valid ? 'survive' : 'refuse';
  return c.intent;
}

function bodyVariants(op: Operation, schema: JsonSchema, base: unknown, ctx: Ctx, dropped: { n: number }): Variant[] {
  const out: Variant[] = [];
  const push = (cls: VariantClass, what: string, expect: Expectation | null, mutation: Mutation) => {
    if (expect) out.push({ op: op.id, cls, label: what, expect, mutation });
    else dropped.n++;
  };
  const check = (whole: unknown) => accepts(schema, decodeDeep(whole));
  for (const node of nodesOf(schema, base)) {
    for (const c of nodeCandidates(node.schema, node.value, ctx)) {
      push(c.cls, `${label(node.path)} = ${c.what}`, judge(c, check(setAt(base, node.path, c.value))), { where: 'body', path: node.path, value: c.value });
    }
  }
  // Structure: missing required fields and unknown fields, at the root and in every nested object of the base.
  const objects: Found[] = [{ path: [], schema, value: base }, ...nodesOf(schema, base)];
  for (const o of objects) {
    const s = o.value === undefined ? undefined : branchFor(o.schema, o.value);
    if (!s || kindOf(s) !== 'object' || !s.properties || typeof o.value !== 'object' || o.value === null || Array.isArray(o.value)) continue;
    for (const name of s.required ?? [])
      if ((o.value as Record<string, unknown>)[name] !== undefined)
        push(
          'missing',
          `${label([...o.path, name])} missing`,
          judge({ cls: 'missing', what: '', value: null, intent: 'invalid' }, check(removeAt(base, [...o.path, name]))),
          {
            where: 'body',
            path: [...o.path, name],
            remove: true,
          },
        );
    push('extra-field', `unknown field ${label([...o.path, 'fuzzExtra'])}`, 'refuse', { where: 'body', path: [...o.path, 'fuzzExtra'], value: 'surprise' });
  }
  const pairs = datePairsOf(schema);
  for (const [from, to] of pairs ? DATE_PAIRS : []) {
    const both = setAt(setAt(base, [pairs![0]], from), [pairs![1]], to);
    const expect: Expectation = check(both) ? 'survive' : 'refuse';
    out.push({
      op: op.id,
      cls: 'date',
      label: `body.${pairs![0]} = ${from}, body.${pairs![1]} = ${to}`,
      expect,
      mutation: { where: 'body', path: [pairs![0]], value: from, also: { path: [pairs![1]], value: to } },
    });
  }
  push('nesting', 'unknown field nested 1,000 levels deep', 'refuse', { where: 'body', path: ['fuzzDeep'], value: { $raw: nested(1000, '{"a":', '}') } });
  const scalar = nodesOf(schema, base).find((n) => n.path.length === 1 && n.value !== undefined && typeof n.value !== 'object');
  if (scalar)
    push('nesting', `${label(scalar.path)} = an array nested 1,000 levels deep`, 'refuse', {
      where: 'body',
      path: scalar.path,
      value: { $raw: nested(1000, '[', ']') },
    });
  for (const v of [{}, [], 'fuzz', null])
    push(v === null || typeof v !== 'object' || Array.isArray(v) ? 'type' : 'missing', `body = ${JSON.stringify(v)}`, check(v) ? null : 'refuse', {
      where: 'body',
      path: [],
      value: v,
    });
  return out;
}

/** The two top-level date fields of a body or query (from/to, startDate/endDate), if it has them. */
function datePairsOf(schema: JsonSchema): [string, string] | null {
  const s = branchFor(schema, {});
  const dates = Object.entries(s?.properties ?? {})
    .filter(([, p]) => dateKindOf(p) === 'date' || dateKindOf(p) === 'both')
    .map(([k]) => k);
  return dates.length >= 2 ? [dates[0]!, dates[1]!] : null;
}

const decodeDeep = (v: unknown): unknown => {
  if (isRaw(v)) return decodeRaw(v);
  if (Array.isArray(v)) return v.map(decodeDeep);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeDeep(x)]));
  return v;
};

/** A query or path value as the server reads it: percent-decoded, numbers coerced the way the routes coerce them. */
function asServerReads(s: JsonSchema, wire: string | string[]): unknown {
  if (Array.isArray(wire)) return wire.map((w) => asServerReads(s, w));
  let text: string;
  try {
    text = decodeURIComponent(wire);
  } catch {
    text = wire;
  }
  const kind = kindOf(branchFor(s, undefined) ?? s);
  if ((kind === 'number' || kind === 'integer') && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$|^$/i.test(text.trim())) return Number(text);
  return text;
}

/** Wire forms of the text candidates: control characters and lone surrogates percent-encoded as raw bytes. */
const URL_FORMS: Record<string, string> = { '\u0000': '%00', '\u0001': '%01', '\u001b': '%1B', '\u007f': '%7F' };
function wireOf(c: Candidate): string | null {
  if (isRaw(c.value)) {
    // A lone surrogate has no UTF-8 form: its CESU-8 bytes are what a broken client would send.
    const text = String(decodeRaw(c.value));
    return [...text].map((ch) => (ch === '\ud800' ? '%ED%A0%80' : ch === '\udfff' ? '%ED%BF%BF' : encodeURIComponent(ch))).join('');
  }
  if (typeof c.value === 'string') return [...c.value].map((ch) => URL_FORMS[ch] ?? encodeURIComponent(ch)).join('');
  if (typeof c.value === 'number') return String(c.value);
  return null;
}

function paramVariants(op: Operation, where: 'query' | 'path', tpl: Template, ctx: Ctx, dropped: { n: number }): Variant[] {
  const out: Variant[] = [];
  for (const p of op.parameters.filter((x) => x.in === where)) {
    const current = (where === 'path' ? tpl.path[p.name] : tpl.query[p.name]) as string | string[] | undefined;
    const s = branchFor(p.schema, current) ?? p.schema;
    const kind = kindOf(s);
    const candidates: Candidate[] = [];
    if (kind === 'string') candidates.push(...stringCandidates(s, current, { ...ctx, where }));
    if (kind === 'number' || kind === 'integer') {
      candidates.push(...numberCandidates(s, current).filter((c) => c.cls !== 'huge' || c.value === 1e308));
      for (const t of ['abc', 'NaN', 'Infinity']) candidates.push({ cls: 'type', what: `"${t}"`, value: t, intent: 'invalid' });
    }
    if (where === 'query') {
      const sample = Array.isArray(current) ? current[0] : (current ?? (s.enum?.[0] as string | undefined) ?? '1');
      const repeated = [encodeURIComponent(String(sample)), encodeURIComponent(String(sample))];
      const valid = accepts(p.schema, asServerReads(p.schema, repeated));
      if (valid) dropped.n++;
      else
        out.push({
          op: op.id,
          cls: 'repeated-param',
          label: `query.${p.name} given twice`,
          expect: 'refuse',
          mutation: { where, set: { [p.name]: repeated } },
        });
      if (p.required && current !== undefined)
        out.push({ op: op.id, cls: 'missing', label: `query.${p.name} missing`, expect: 'refuse', mutation: { where, set: { [p.name]: null } } });
    }
    candidates.push({ cls: 'pattern', what: 'a malformed percent-escape', value: '%E0%A4%A', wire: '%E0%A4%A', intent: 'refuse' });
    for (const c of candidates) {
      const wire = c.wire ?? wireOf(c);
      if (wire === null) continue;
      const expect = judge(c, accepts(p.schema, asServerReads(p.schema, wire)));
      if (!expect) {
        dropped.n++;
        continue;
      }
      const mutation: Mutation = where === 'path' ? { where, name: p.name, value: wire } : { where, set: { [p.name]: wire } };
      out.push({ op: op.id, cls: c.cls, label: `${where}.${p.name} = ${c.what}`, expect, mutation });
    }
  }
  if (where === 'query') {
    const dates = op.parameters.filter((p) => p.in === 'query' && (dateKindOf(p.schema) === 'date' || dateKindOf(p.schema) === 'both'));
    if (dates.length >= 2)
      for (const [from, to] of DATE_PAIRS) {
        const ok = accepts(dates[0]!.schema, from) && accepts(dates[1]!.schema, to);
        out.push({
          op: op.id,
          cls: 'date',
          label: `query.${dates[0]!.name} = ${from}, query.${dates[1]!.name} = ${to}`,
          expect: ok ? 'survive' : 'refuse',
          mutation: { where: 'query', set: { [dates[0]!.name]: encodeURIComponent(from), [dates[1]!.name]: encodeURIComponent(to) } },
        });
      }
  }
  return out;
}

/** The generic malformations of a request body: not JSON, empty, the wrong content type, no body at all. */
function rawBodyVariants(op: Operation, base: unknown, schema: JsonSchema | null): Variant[] {
  const v = (cls: VariantClass, what: string, mutation: Mutation): Variant => ({ op: op.id, cls, label: what, expect: 'refuse', mutation });
  const out = [v('invalid-json', 'body is not valid JSON', { where: 'raw-body', text: '{"name": "Rex",', contentType: 'application/json' })];
  if (!schema) return out;
  out.push(v('empty-body', 'empty body with content-type JSON', { where: 'raw-body', text: '', contentType: 'application/json' }));
  // A body that may be null may as well be absent (a decline without a reason).
  if ((op.body?.required ?? true) && !accepts(schema, null)) out.push(v('empty-body', 'no body and no content-type', { where: 'raw-body', contentType: null }));
  out.push(v('content-type', 'JSON sent as text/plain', { where: 'raw-body', text: JSON.stringify(base ?? {}), contentType: 'text/plain' }));
  out.push(v('content-type', 'form-encoded body', { where: 'raw-body', text: 'name=Rex', contentType: 'application/x-www-form-urlencoded' }));
  return out;
}

export function mutationsOf(op: Operation, tpl: Template, bodySchema: JsonSchema | null): { variants: Variant[]; dropped: number } {
  const ctx: Ctx = { rng: seeded(op.id), turns: { n: 0 }, where: 'body' };
  const dropped = { n: 0 };
  const variants = [...paramVariants(op, 'path', tpl, ctx, dropped), ...paramVariants(op, 'query', tpl, ctx, dropped)];
  if (bodySchema && tpl.body !== undefined) variants.push(...bodyVariants(op, bodySchema, tpl.body, ctx, dropped));
  if (op.method !== 'GET') variants.push(...rawBodyVariants(op, tpl.body, bodySchema));
  return { variants, dropped: dropped.n };
}

/** The base request with one mutation applied: path params, query (wire form) and body (with raw parts still marked). */
export function applyMutation(tpl: Template, m: Mutation | null): Template {
  if (!m) return tpl;
  if (m.where === 'path') return { ...tpl, path: { ...tpl.path, [m.name]: { $wire: m.value } } };
  if (m.where === 'query') {
    const query = { ...tpl.query };
    for (const [name, value] of Object.entries(m.set)) {
      if (value === null) delete query[name];
      else query[name] = { $wire: value };
    }
    return { ...tpl, query };
  }
  if (m.where === 'body') {
    if ('remove' in m) return { ...tpl, body: removeAt(tpl.body, m.path) };
    const body = setAt(tpl.body, m.path, m.value);
    return { ...tpl, body: m.also ? setAt(body, m.also.path, m.also.value) : body };
  }
  return tpl;
}
