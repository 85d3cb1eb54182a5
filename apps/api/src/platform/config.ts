import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { z } from 'zod';
import { repoRoot } from './paths.js';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const url = (protocols: string[]) => z.url().refine((v) => protocols.includes(new URL(v).protocol.replace(':', '')), `must be a ${protocols.join(' or ')} URL`);

/** Every environment variable the server reads. README.md documents each one. */
const envSchema = z.object({
  APP_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().default(path.join(repoRoot, 'data')),
  DATABASE_URL: url(['postgres', 'postgresql']).optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  REDIS_URL: url(['redis', 'rediss']).optional(),
  SMTP_URL: url(['smtp', 'smtps']).optional(),
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  MAIL_FROM: z.string().default('WalkyDoggy <no-reply@walkydoggy.local>'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  CORS_ORIGINS: csv.optional(),
  TRUST_PROXY: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(300),
  AUTH_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(20),
  JOB_WORKERS: bool.default(true),
  WEB_DIST: z.string().default(path.join(repoRoot, 'apps/web/dist')),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  S3_BUCKET: z.string().min(3).optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(5 * 1024 * 1024),
  SEED_DEMO: bool.optional(),
  /** A MapLibre style URL; `builtin` for the built-in offline style only. */
  MAP_STYLE_URL: z.union([z.literal('builtin'), url(['http', 'https'])]).default('https://tiles.openfreemap.org/styles/liberty'),
  DEFAULT_AREA: z.string().trim().min(2).max(200).optional(),
  GEOCODER_URL: url(['http', 'https']).optional(),
  GEOCODER_KIND: z.enum(['nominatim', 'photon']).optional(),
  GEOCODER_USER_AGENT: z.string().min(8).max(200).optional(),
  GEOCODER_RATE_PER_SECOND: z.coerce.number().positive().max(100).default(1),
  GEOCODER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  GEOCODER_CACHE_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(5000),
  GEOCODER_CACHE_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .default(86_400),
  GEOCODE_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(60),
  PAYMENTS_PROVIDER: z.enum(['simulated', 'stripe']).default('simulated'),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, 'must be a Stripe secret key (sk_test_…, sk_live_…)')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\w+$/, 'must be a Stripe webhook signing secret (whsec_…)')
    .optional(),
  STRIPE_PUBLISHABLE_KEY: z
    .string()
    .regex(/^pk_(test|live)_\w+$/, 'must be a Stripe publishable key (pk_test_…, pk_live_…)')
    .optional(),
  STRIPE_API_URL: url(['http', 'https']).optional(),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC\w{32}$/, 'must be a Twilio account SID (AC followed by 32 characters)')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(8).optional(),
  TWILIO_FROM: z.string().min(2).optional(),
  TWILIO_API_URL: url(['http', 'https']).optional(),
  VAPID_PUBLIC_KEY: z.string().min(40).optional(),
  VAPID_PRIVATE_KEY: z.string().min(20).optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:)/, 'must be a mailto: or https: URL')
    .optional(),
  JOB_EXPIRE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  JOB_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(20),
  JOB_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(20),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  /** `statementTimeoutMs`: PostgreSQL cancels a statement of the API's pool running longer (0: never). */
  database: { kind: 'postgres'; url: string; poolMax: number; statementTimeoutMs: number } | { kind: 'pglite'; dir: string };
  /** Bearer token for /metrics; without one, /metrics is open outside production and off in production. */
  metricsToken: string | null;
  redisUrl: string | null;
  /** `maxConnections`: the SMTP pool's size; `timeoutMs`: connecting, the greeting and a silent socket each fail a send after this long. */
  mail: { from: string; smtpUrl: string | null; outboxDir: string; maxConnections: number; timeoutMs: number };
  jwtSecret: string;
  /** Lifetime of an access token; a token that claims a longer one is refused even when its signature is right. */
  accessTokenSeconds: number;
  corsOrigins: string[];
  trustProxy: boolean;
  logLevel: string;
  rateLimit: { max: number; authMax: number };
  /**
   * `expireSeconds`: a job still active after this long (its worker died) is failed and retried.
   * `concurrency`: jobs of one queue this instance works at once; `batchSize`: jobs fetched at a time.
   */
  jobs: { workers: boolean; expireSeconds: number; concurrency: number; batchSize: number };
  webDist: string | null;
  cookieSecure: boolean;
  /** argon2id cost; tests use cheaper settings. */
  passwordHashing: { memoryCost: number; timeCost: number };
  shutdownTimeoutMs: number;
  storage:
    | { kind: 'local'; dir: string }
    | {
        kind: 's3';
        bucket: string;
        endpoint: string | null;
        region: string;
        accessKeyId: string | null;
        secretAccessKey: string | null;
        forcePathStyle: boolean;
      };
  uploadMaxBytes: number;
  /** Seed a small demo city when the embedded database is empty (default on for the embedded mode). */
  seedDemo: boolean;
  /** MapLibre style URL for the web app's maps; null means the built-in offline style. */
  mapStyleUrl: string | null;
  /**
   * Geocoding: the built-in gazetteer plus the addresses the platform knows (no network), or a
   * Nominatim/Photon-compatible server, called at most `ratePerSecond` times a second per instance,
   * with `userAgent` (the provider's usage policy wants a contact), answers cached `cacheTtlSeconds`.
   * `clientRateMax`: geocode requests one client may send a minute.
   */
  geocoder: GeocoderConfig;
  /** Where search starts with no place chosen: a point (`lat,lng[,label]`) or a place name to geocode; null: where the listed businesses are. */
  defaultArea: { kind: 'point'; lat: number; lng: number; label: string } | { kind: 'name'; q: string } | null;
  /** Payment provider: the embedded simulation, or Stripe Connect (STRIPE_API_URL points the SDK at a Stripe-compatible server). */
  payments: { provider: 'simulated' } | { provider: 'stripe'; secretKey: string; webhookSecret: string; publishableKey: string; apiUrl: string | null };
  /** SMS: logged (embedded default) or sent through Twilio (TWILIO_API_URL points the SDK at a Twilio-compatible server). */
  sms: { provider: 'log' } | { provider: 'twilio'; accountSid: string; authToken: string; from: string; apiUrl: string | null };
  /** Web Push VAPID keys; when not configured they are generated once and kept in DATA_DIR (see platform/push.ts). */
  push: { publicKey: string | null; privateKey: string | null; subject: string };
};

export type GeocoderConfig = { clientRateMax: number; cacheSize: number; cacheTtlSeconds: number } & (
  { kind: 'embedded' } | { kind: 'http'; flavour: 'nominatim' | 'photon'; url: string; userAgent: string; ratePerSecond: number; timeoutMs: number }
);

export class ConfigError extends Error {}

/** `DEFAULT_AREA`: "lat,lng", "lat,lng,Label" or a place name. */
function parseDefaultArea(value: string | undefined): Config['defaultArea'] {
  if (!value) return null;
  const m = /^(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)(?:\s*,\s*(.+))?$/.exec(value);
  if (!m) return { kind: 'name', q: value };
  const lat = Number(m[1]);
  const lng = Number(m[2]);
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180)
    throw new ConfigError('Invalid configuration: DEFAULT_AREA must be "lat,lng[,label]" in degrees or a place name');
  return { kind: 'point', lat, lng, label: m[3]?.trim() || `${lat}, ${lng}` };
}

/** Parses the environment once. Throws a ConfigError whose message is one readable line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  if (e.APP_ENV === 'production' && !e.JWT_SECRET) throw new ConfigError('Invalid configuration: JWT_SECRET is required when APP_ENV=production');
  const missingStripe = ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_PUBLISHABLE_KEY'].filter((k) => !e[k as keyof typeof e]);
  if (e.PAYMENTS_PROVIDER === 'stripe' && missingStripe.length)
    throw new ConfigError(
      `Invalid configuration: ${missingStripe.join(', ')} ${missingStripe.length > 1 ? 'are' : 'is'} required when PAYMENTS_PROVIDER=stripe`,
    );
  const missingTwilio = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'].filter((k) => !e[k as keyof typeof e]);
  if (missingTwilio.length > 0 && missingTwilio.length < 3)
    throw new ConfigError(`Invalid configuration: ${missingTwilio.join(', ')} must be set too to send SMS through Twilio`);
  if (Boolean(e.VAPID_PUBLIC_KEY) !== Boolean(e.VAPID_PRIVATE_KEY))
    throw new ConfigError('Invalid configuration: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together');
  const dataDir = path.resolve(e.DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    env: e.APP_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX, statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS }
      : { kind: 'pglite', dir: path.join(dataDir, 'pgdata') },
    metricsToken: e.METRICS_TOKEN ?? null,
    redisUrl: e.REDIS_URL ?? null,
    mail: {
      from: e.MAIL_FROM,
      smtpUrl: e.SMTP_URL ?? null,
      outboxDir: path.join(dataDir, 'outbox'),
      maxConnections: e.SMTP_MAX_CONNECTIONS,
      timeoutMs: e.SMTP_TIMEOUT_MS,
    },
    jwtSecret: e.JWT_SECRET ?? localSecret(dataDir),
    accessTokenSeconds: e.ACCESS_TOKEN_SECONDS,
    corsOrigins: e.CORS_ORIGINS ?? [new URL(publicUrl).origin],
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    rateLimit: { max: e.RATE_LIMIT_MAX, authMax: e.AUTH_RATE_LIMIT_MAX },
    jobs: { workers: e.JOB_WORKERS, expireSeconds: e.JOB_EXPIRE_SECONDS, concurrency: e.JOB_CONCURRENCY, batchSize: e.JOB_BATCH_SIZE },
    webDist: fs.existsSync(path.join(e.WEB_DIST, 'index.html')) ? e.WEB_DIST : null,
    cookieSecure: e.APP_ENV !== 'development',
    passwordHashing: { memoryCost: 19_456, timeCost: 2 },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    storage: e.S3_BUCKET
      ? {
          kind: 's3',
          bucket: e.S3_BUCKET,
          endpoint: e.S3_ENDPOINT ?? null,
          region: e.S3_REGION,
          accessKeyId: e.S3_ACCESS_KEY_ID ?? null,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY ?? null,
          forcePathStyle: e.S3_FORCE_PATH_STYLE,
        }
      : { kind: 'local', dir: path.join(dataDir, 'media') },
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    seedDemo: e.SEED_DEMO ?? (!e.DATABASE_URL && e.APP_ENV !== 'test'),
    mapStyleUrl: e.MAP_STYLE_URL === 'builtin' ? null : e.MAP_STYLE_URL,
    geocoder: {
      clientRateMax: e.GEOCODE_RATE_LIMIT_MAX,
      cacheSize: e.GEOCODER_CACHE_SIZE,
      cacheTtlSeconds: e.GEOCODER_CACHE_TTL_SECONDS,
      ...(e.GEOCODER_URL
        ? {
            kind: 'http' as const,
            flavour: e.GEOCODER_KIND ?? (/photon/i.test(e.GEOCODER_URL) ? 'photon' : 'nominatim'),
            url: e.GEOCODER_URL.replace(/\/$/, ''),
            userAgent: e.GEOCODER_USER_AGENT ?? `WalkyDoggy/1.0 (+${publicUrl})`,
            ratePerSecond: e.GEOCODER_RATE_PER_SECOND,
            timeoutMs: e.GEOCODER_TIMEOUT_MS,
          }
        : { kind: 'embedded' as const }),
    },
    defaultArea: parseDefaultArea(e.DEFAULT_AREA),
    payments:
      e.PAYMENTS_PROVIDER === 'stripe'
        ? {
            provider: 'stripe',
            secretKey: e.STRIPE_SECRET_KEY!,
            webhookSecret: e.STRIPE_WEBHOOK_SECRET!,
            publishableKey: e.STRIPE_PUBLISHABLE_KEY!,
            apiUrl: e.STRIPE_API_URL ?? null,
          }
        : { provider: 'simulated' },
    sms: e.TWILIO_ACCOUNT_SID
      ? { provider: 'twilio', accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN!, from: e.TWILIO_FROM!, apiUrl: e.TWILIO_API_URL ?? null }
      : { provider: 'log' },
    push: {
      publicKey: e.VAPID_PUBLIC_KEY ?? null,
      privateKey: e.VAPID_PRIVATE_KEY ?? null,
      subject: e.VAPID_SUBJECT ?? (publicUrl.startsWith('https:') ? publicUrl : 'mailto:no-reply@walkydoggy.local'),
    },
  };
}

/**
 * Outside production a missing JWT_SECRET is generated once and kept in the data folder, so that
 * sign-ins survive a restart of the embedded app without anyone having to invent a secret.
 */
function localSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = crypto.randomBytes(48).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}
