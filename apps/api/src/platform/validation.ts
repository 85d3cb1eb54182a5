import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inputProblem, type FieldError } from '@walkydoggy/shared';
import { ValidationFailed } from './errors.js';

/*
 * The one validator of every route's input (docs/ARCHITECTURE.md, "Input"). Before a route's own
 * schema runs:
 * - every string and object key of the body, query and path parameters is checked by the shared
 *   `inputProblem` (no control characters, no broken Unicode, bounded nesting), so no text field can
 *   be forgotten, whoever wrote its schema;
 * - request bodies are strict: an object with a field its schema does not know is refused, not
 *   silently stripped (a misspelt `startAt` would otherwise book with the default and say nothing).
 * Problems are reported as the type provider reports Zod issues, so the one error handler turns them
 * into the same `VALIDATION_ERROR` envelope with field paths.
 */

type Issue = { code: string; path: PropertyKey[]; message: string };
// The marker fastify-type-provider-zod puts on its validation errors (`hasZodFastifySchemaValidationErrors`).
const ZOD_VALIDATION_ERROR = Symbol.for('ZodFastifySchemaValidationError');

function validationErrors(issues: Issue[]) {
  return issues.map((issue) => ({
    [ZOD_VALIDATION_ERROR]: true,
    keyword: issue.code,
    instancePath: `/${issue.path.map(String).join('/')}`,
    schemaPath: `#/${issue.path.map(String).join('/')}/${issue.code}`,
    message: issue.message,
    params: { issue: { code: issue.code } },
  }));
}

/** `Object.defineProperties` copy of a definition: keeps Zod's lazy getters (an object's shape) lazy. */
function mergeDefs(...defs: object[]): object {
  const descriptors = {};
  for (const def of defs) Object.assign(descriptors, Object.getOwnPropertyDescriptors(def));
  return Object.defineProperties({}, descriptors);
}

type AnySchema = z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } }; clone(def: object): z.ZodType };
const strictCache = new WeakMap<z.ZodType, z.ZodType>();

/**
 * The same schema with every object in it refusing unknown keys (objects that say what to do with
 * them — `.loose()`, `.catchall()` — keep their choice). Refinements and transforms are part of each
 * definition and come along. Intersections are left as they are: a strict side would refuse the other
 * side's keys.
 */
export function strictInput<T extends z.ZodType>(schema: T): T {
  const cached = strictCache.get(schema);
  if (cached) return cached as T;
  const s = schema as unknown as AnySchema;
  const def = s._zod.def;
  const map = (inner: unknown) => strictInput(inner as z.ZodType);
  let result: z.ZodType;
  switch (def.type) {
    case 'object': {
      const shape = Object.fromEntries(Object.entries(def.shape as Record<string, z.ZodType>).map(([k, v]) => [k, map(v)]));
      result = s.clone(mergeDefs(def, { shape, catchall: def.catchall ?? z.never() }));
      break;
    }
    case 'array':
      result = s.clone(mergeDefs(def, { element: map(def.element) }));
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'catch':
    case 'readonly':
      result = s.clone(mergeDefs(def, { innerType: map(def.innerType) }));
      break;
    case 'pipe':
      result = s.clone(mergeDefs(def, { in: map(def.in) }));
      break;
    case 'union':
      result = s.clone(mergeDefs(def, { options: (def.options as z.ZodType[]).map(map) }));
      break;
    case 'record':
      result = s.clone(mergeDefs(def, { valueType: map(def.valueType) }));
      break;
    case 'tuple':
      result = s.clone(mergeDefs(def, { items: (def.items as z.ZodType[]).map(map), rest: def.rest ? map(def.rest) : def.rest }));
      break;
    default:
      result = schema;
  }
  strictCache.set(schema, result);
  return result as T;
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart, ...rest }) => {
  const validate = zodValidatorCompiler({ schema: httpPart === 'body' ? strictInput(schema) : schema, httpPart, ...rest });
  return (data: unknown) => {
    const problem = inputProblem(data);
    if (problem) return { error: validationErrors([{ code: problem.code, path: problem.path, message: problem.message }]) as never };
    return validate(data);
  };
};

/**
 * The same rules for input a route reads itself (a JSON body beside a multipart one, a socket
 * payload): `inputProblem`, then the schema made strict. Problems are a ValidationFailed with paths
 * under `root` (`body`, `payload`), as the route validator's would be.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, root: string): z.infer<T> {
  const problem = inputProblem(value);
  if (problem)
    throw new ValidationFailed('Some fields are not valid.', [{ path: [root, ...problem.path].join('.'), message: problem.message, code: problem.code }]);
  const result = strictInput(schema).safeParse(value);
  if (result.success) return result.data;
  throw new ValidationFailed(
    'Some fields are not valid.',
    result.error.issues.flatMap((issue): FieldError[] => {
      const at = [root, ...issue.path.map(String)];
      if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...at, key].join('.'), message: 'Unknown field.', code: issue.code }));
      return [{ path: at.join('.'), message: issue.message, code: issue.code }];
    }),
  );
}
