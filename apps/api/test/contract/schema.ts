import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';

/**
 * The slice of JSON Schema (OpenAPI 3.1) the API document uses, and a validator for it: a variant
 * meant to be invalid is only sent as such when the document's own schema refuses it.
 */
export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
};

export type Operation = {
  id: string;
  method: string;
  /** The document's path, `/v1/pets/{id}`. */
  path: string;
  parameters: { in: 'path' | 'query' | 'header' | 'cookie'; name: string; required?: boolean; schema: JsonSchema }[];
  body: { required: boolean; contentTypes: string[]; schema: JsonSchema | null } | null;
  /** Which app serves it: the Stripe-configured one has the webhook. */
  app: 'main' | 'stripe';
};

type Doc = { paths: Record<string, Record<string, { operationId?: string; parameters?: Operation['parameters']; requestBody?: RequestBody }>> };
type RequestBody = { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };

/** Every operation of an OpenAPI document, in document order. */
export function operationsOf(doc: unknown, app: Operation['app']): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries((doc as Doc).paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!op.operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      const content = op.requestBody?.content ?? {};
      out.push({
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody
          ? { required: Boolean(op.requestBody.required), contentTypes: Object.keys(content), schema: content['application/json']?.schema ?? null }
          : null,
        app,
      });
    }
  }
  return out;
}

const ajv = new Ajv2020({ strict: false, strictNumbers: true, allErrors: false, validateFormats: true });
(formatsPlugin as unknown as (a: Ajv2020) => void)(ajv);
type Validate = ReturnType<Ajv2020['compile']>;
const bySchema = new WeakMap<JsonSchema, Validate>();
// Also by the schema's text: most path parameters share one schema, and compiling is the slow part.
const byText = new Map<string, Validate>();

/** Whether the document's schema accepts the value. */
export function accepts(schema: JsonSchema, value: unknown): boolean {
  let validate = bySchema.get(schema);
  if (!validate) {
    const text = JSON.stringify(schema);
    validate = byText.get(text) ?? ajv.compile(schema);
    byText.set(text, validate);
    bySchema.set(schema, validate);
  }
  return validate(value) as boolean;
}

export const isNullable = (s: JsonSchema): boolean =>
  s.type === 'null' ||
  (Array.isArray(s.type) && s.type.includes('null')) ||
  (s.enum?.includes(null) ?? false) ||
  [...(s.anyOf ?? []), ...(s.oneOf ?? [])].some(isNullable);

/** The alternatives of a schema that are not null. */
export function branchesOf(s: JsonSchema): JsonSchema[] {
  const alts = s.anyOf ?? s.oneOf;
  if (!alts) return [s];
  return alts.flatMap((a) => (a.type === 'null' ? [] : branchesOf(a)));
}

/** The alternative the base value takes (so a variant stays one step from it), else the first. */
export function branchFor(s: JsonSchema, value: unknown): JsonSchema | undefined {
  const branches = branchesOf(s);
  return branches.find((b) => value !== undefined && accepts(b, value)) ?? branches[0];
}

export type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'unknown';
export function kindOf(s: JsonSchema): Kind {
  const types = (Array.isArray(s.type) ? s.type : [s.type]).filter((t) => t && t !== 'null');
  const t = types[0];
  if (t === 'string' || t === 'number' || t === 'integer' || t === 'boolean' || t === 'object' || t === 'array') return t;
  if (s.enum?.length) return typeof s.enum.find((e) => e !== null) === 'string' ? 'string' : 'unknown';
  if (s.properties) return 'object';
  return 'unknown';
}

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
/** 'date' for calendar dates, 'date-time' for instants, null for other values. */
export function dateKindOf(s: JsonSchema): 'date' | 'date-time' | 'both' | null {
  const kinds = new Set(branchesOf(s).map((b) => (b.format === 'date' || b.pattern === DATE_PATTERN ? 'date' : b.format === 'date-time' ? 'date-time' : null)));
  if (kinds.has('date') && kinds.has('date-time')) return 'both';
  return kinds.has('date') ? 'date' : kinds.has('date-time') ? 'date-time' : null;
}

/** A string with no format, pattern or enum: free text, where control characters could slip into storage. */
export const isFreeText = (s: JsonSchema) => kindOf(s) === 'string' && !s.enum && !s.format && !s.pattern;

/** A small deterministic generator (mulberry32), seeded per operation, so a run is the same every time. */
export function seeded(text: string) {
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
  let a = h >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join('');
  return {
    next,
    /** A version-4 UUID that points nowhere. */
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(next() * 4)]}${hex(3)}-${hex(12)}`,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
