/**
 * What the malformed-request test (the parent, in vitest) and the app under test (a child process,
 * target.ts) say to each other. The app runs in its own process because a handler that loops forever
 * without awaiting blocks its whole event loop: no timer in that process could fire, so only another
 * process can notice the hang, report it and start a fresh app to go on with the other requests.
 */

/** What a variant must get. Every answer must also be < 500, in the envelope when ≥ 400, and within 2 s. */
export type Expectation =
  /** Invalid by construction: a 4xx, and no committed row. */
  | 'refuse'
  /** Valid by the schema but extreme (year 9999, 100 k characters, an id pointing nowhere in a filter): any < 500; refused means nothing written. */
  | 'survive'
  /** 2xx or 4xx, and nothing written either way (webhook events that must not change anything). */
  | 'unchanged';

export type VariantClass =
  | 'type'
  | 'null'
  | 'range'
  | 'integer'
  | 'huge'
  | 'length'
  | 'pattern'
  | 'enum'
  | 'control'
  | 'surrogate'
  | 'date'
  | 'uuid-format'
  | 'uuid-nil'
  | 'uuid-random'
  | 'items'
  | 'nesting'
  | 'extra-field'
  | 'missing'
  | 'empty-body'
  | 'invalid-json'
  | 'content-type'
  | 'repeated-param'
  | 'long-path'
  | 'multipart'
  | 'webhook'
  | 'header';

/** A JSON value, or text to put into the serialized JSON as it is (a lone surrogate escape, deep nesting). */
export type Raw = { $raw: string };

/** How one variant changes its operation's valid base request. */
export type Mutation =
  /** `also`: a second field set at the same time (a pair of dates). */
  | { where: 'body'; path: (string | number)[]; value: unknown; also?: { path: (string | number)[]; value: unknown } }
  | { where: 'body'; path: (string | number)[]; remove: true }
  /** Replaces the body: `text` sent as is with `contentType` (null: no content-type header); `absent`: no body at all. */
  | { where: 'raw-body'; text?: string; contentType: string | null }
  /** Query parameters set to values put into the URL as they are (already percent-encoded); null removes one, an array repeats it. */
  | { where: 'query'; set: Record<string, string | string[] | null> }
  /** A path parameter set to a value put into the URL as it is. */
  | { where: 'path'; name: string; value: string }
  /** A request header the document does not describe (Idempotency-Key, the refresh cookie) set to this value. */
  | { where: 'header'; name: string; value: string }
  | { where: 'multipart'; kind: MultipartKind }
  | { where: 'webhook'; kind: WebhookKind };

export type MultipartKind =
  | 'no-boundary'
  | 'truncated'
  | 'wrong-part-name'
  | 'empty-file'
  | 'two-files'
  | 'not-an-image'
  | 'missing-purpose'
  | 'bad-purpose'
  | 'nul-purpose'
  | 'boundary-only';

export type WebhookKind =
  | 'data-object-null'
  | 'data-missing'
  | 'data-object-array'
  | 'amount-string'
  | 'unknown-type'
  | 'unknown-intent'
  | 'duplicate'
  | 'unsigned'
  | 'bad-signature'
  | 'invalid-json'
  | 'charge-null'
  | 'refund-null'
  | 'account-null';

export type Variant = {
  op: string;
  cls: VariantClass;
  /** What was done, for the report: `body.location.lat = 91`. */
  label: string;
  expect: Expectation;
  mutation: Mutation;
  /** Tables a 2xx may write to (documented with the variant). */
  allowWrites?: string[];
  /** The base request is sent first, unchecked (a delivery the variant then repeats). */
  prelude?: true;
};

/** One request of the run: a variant of an operation, or the operation's valid base request. */
export type PlanItem =
  | { index: number; op: string; kind: 'variant'; variant: Omit<Variant, 'mutation'> }
  /** `flavour`: a second base request of the operation that reaches other code (a day service besides a slot service). */
  | { index: number; op: string; kind: 'base'; flavour?: string };

export type Answer = { status: number; contentType: string; body: string };
/** The apps' manual clocks, handed to a restarted app. */
export type Clocks = { main: string; stripe: string };

export type ToTarget =
  /** Build the apps on this database; with a world (and the clocks), go on with it after a restart. */
  | { type: 'init'; url: string; world: unknown | null; clocks: Clocks | null; selfTest: boolean }
  /** `overHttp`: send it over a real HTTP connection too (only where a second send changes nothing). */
  | { type: 'run'; index: number; prelude?: boolean; overHttp?: boolean }
  /** Write out what the app buffers (live positions, track points) now. */
  | { type: 'settle' }
  | { type: 'ping' }
  | { type: 'stop' };

export type FromTarget =
  | {
      type: 'ready';
      world: unknown;
      plan: PlanItem[];
      hash: string;
      /** Each operation's method and path, by operationId. */
      operations: Record<string, string>;
      /** Operations of the document with no base request, and base requests of operations the document no longer has. */
      coverage: { uncovered: string[]; stale: string[] };
      summary: PlanSummary;
      /** Seconds spent loading modules, building the apps and building the world. */
      timings: Record<string, number>;
    }
  /** `writesBehind`: the operation may write after answering (buffered positions); the test then waits for the buffer. */
  | { type: 'answer'; index: number; prelude: boolean; answer: Answer; overHttp?: Answer; clocks: Clocks; writesBehind: boolean }
  | { type: 'error'; index: number; message: string }
  | { type: 'settled' }
  | { type: 'pong' }
  | { type: 'fatal'; message: string };

export type PlanSummary = {
  /** Variants generated but dropped because the schema accepts them although they were meant to be invalid. */
  droppedValid: number;
  byClass: Record<string, number>;
};
