/**
 * The gateway's configuration, read from the environment once at start-up. A bad value stops the
 * process with one line per problem: the variable, the value given and what is allowed.
 */
import { z } from 'zod';
import { configurationProblems, upstreamUrlProblems, withoutUserinfo } from './config/rules.js';
import { MAX_TOKEN_LENGTH } from './credentials/credentials.js';
import { DEFAULT_ROWS_PER_SCOPE, MAX_ROWS_PER_SCOPE } from './emulator/dataset.js';
import { type FaultSettings, parseFaultSettings } from './emulator/faults.js';
import { LOCAL_FILTERS, type LocalFilter } from './port-statistics/local-query.js';
import { HSS_REGIONS, type HssRegion, hssEndpointOf, isHssRegion } from './upstream/regions.js';

/** The project the emulator's demo data is served for when no HSS_PROJECT_ID is set. */
export const DEMO_PROJECT_ID = '0a1b2c3d4e5f40718293a4b5c6d7e8f9';
/** The token the gateway uses against its embedded emulator when nothing else is configured. */
export const DEMO_AUTH_TOKEN = 'demo-token-for-the-embedded-hss-emulator';

/** Who the gateway is when the caller brings no token: the configured service identity. */
type ServiceIdentity =
  | { kind: 'token'; token: string }
  | { kind: 'aksk'; accessKey: string; secretKey: string; securityToken?: string }
  | {
      kind: 'iam';
      /** Undefined: the global IAM endpoint, or the embedded emulator's IAM in emulator mode. */
      endpoint: string | undefined;
      domainName: string;
      username: string;
      password: string;
    };

type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface GatewayConfig {
  port: number;
  /** Upstream base URL (HSS_ENDPOINT, else HSS_REGION's endpoint); undefined: the embedded emulator. */
  hssEndpoint: string | undefined;
  region: HssRegion | undefined;
  /** Default `projectId`; undefined: every query must name one. */
  projectId: string | undefined;
  /** The one configured of static token, AK/SK and IAM password; undefined: callers must bring a token. */
  serviceIdentity: ServiceIdentity | undefined;
  /** Whether a caller's own token is passed through (HSS_ALLOW_CALLER_TOKEN). */
  allowCallerToken: boolean;
  /** Whether every request must bring its own token, service identity or not (HSS_REQUIRE_CALLER_TOKEN). */
  requireCallerToken: boolean;
  logLevel: LogLevel;
  /** Per phase of one upstream call, and `totalMs` for all of it: connect, headers and whole body. */
  upstreamTimeouts: { connectMs: number; headersMs: number; bodyMs: number; totalMs: number };
  /** Sockets to HSS at most; further calls queue. */
  maxConnections: number;
  /** Each GraphQL request waits at most this long for HSS. */
  deadlineMs: number;
  /** Cross-request page cache; ttlMs 0 turns it off. */
  cache: {
    ttlMs: number;
    staleWhileRevalidateMs: number;
    staleIfErrorMs: number;
    maxEntries: number;
    maxBytes: number;
  };
  /** Shared cache and budget for several replicas; undefined: in memory. */
  redisUrl: string | undefined;
  /** The gateway's budgets of upstream calls per API, in any minute (src/quota/budget-rule.ts). */
  budget: {
    /** Per credential (HSS counts per user); 0: not counted. */
    perCaller: number;
    /** All callers together (HSS counts per source address); 0: not counted. */
    perAddress: number;
    /** Address calls a minute that background refreshes leave to requests with nothing to show. */
    refreshReserve: number;
  };
  /** Lists answered from snapshots of their scope's whole table (src/quota/snapshot.ts). */
  snapshots: {
    /** The most pages of 200 a snapshot may take; 0: no snapshots. */
    maxPages: number;
    /** Filters a snapshot never answers: a query with one goes to HSS. */
    upstreamFilters: LocalFilter[];
  };
  /** Upstream calls per minute with caller tokens HSS has not accepted yet, all together; 0: no limit. */
  unprovenTokenCallsPerMinute: number;
  resilience: {
    retry: { maxRetries: number; maxTotalMs: number; baseDelayMs: number; maxDelayMs: number };
    breaker: { consecutiveFailures: number; halfOpenAfterMs: number };
  };
  emulator: {
    rowsPerScope: number;
    /** HSS's flow control: calls per minute per user and per source address, per API; 0: off. */
    quotaPerMinute: number;
    faults: FaultSettings;
  };
  http: {
    graphiql: boolean;
    introspection: boolean;
    /** Origins allowed cross-origin; empty: same-origin only. `*`: any. */
    corsOrigins: string[];
    maxRequestBytes: number;
    /** How long a client may take to send a whole request (HTTP_REQUEST_TIMEOUT_MS). */
    requestTimeoutMs: number;
    /** How long a client may take to send the request's headers; at most `requestTimeoutMs`. */
    headersTimeoutMs: number;
    /** Only operations from the committed manifest run. */
    trustedDocuments: boolean;
    metrics: boolean;
    /** Operation names labelled as themselves in metrics, besides the trusted documents'. */
    metricsOperationNames: string[];
  };
  limits: { depth: number; aliases: number; tokens: number; directives: number; cost: number };
  shutdown: { delayMs: number; timeoutMs: number };
  /** OpenTelemetry tracing: an OTLP/HTTP collector; undefined: no tracing. */
  tracing: { endpoint: string | undefined; serviceName: string };
}

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `must be a whole number from ${min} to ${max}` });

const boolean = z.enum(['true', 'false'], { error: 'must be true or false' });
/** `a, b,c` as `['a', 'b', 'c']`; empty items are dropped. */
const commaList = z.string().transform((list) =>
  list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const nonEmpty = (max: number) =>
  z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` });

const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: `must be an http(s) URL such as ${example}` });

/** An HSS or IAM base URL: http(s), and nothing the clients could not append a path to (config/rules.ts). */
const upstreamUrl = (example: string) =>
  httpUrl(example).superRefine((url, ctx) => {
    for (const message of upstreamUrlProblems(url)) ctx.addIssue({ code: 'custom', message });
  });

const environment = z
  .object({
    PORT: integer(0, 65535).default(4000),
    HSS_ENDPOINT: upstreamUrl('https://hss.ap-southeast-1.myhuaweicloud.com').optional(),
    HSS_REGION: z
      .string()
      .refine(isHssRegion, { error: `must be one of ${HSS_REGIONS.join(', ')}` })
      .optional(),
    HSS_PROJECT_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, {
        error: 'must be an HSS project id: 1 to 256 characters, each a letter, digit, _ or -',
      })
      .optional(),
    HSS_AUTH_TOKEN: nonEmpty(MAX_TOKEN_LENGTH).optional(),
    HSS_ALLOW_CALLER_TOKEN: boolean.default('true'),
    HSS_REQUIRE_CALLER_TOKEN: boolean.default('false'),
    HSS_ALLOW_INSECURE_HTTP: boolean.default('false'),
    HSS_ACCESS_KEY: nonEmpty(128).optional(),
    HSS_SECRET_KEY: nonEmpty(256).optional(),
    HSS_SECURITY_TOKEN: nonEmpty(MAX_TOKEN_LENGTH).optional(),
    IAM_ENDPOINT: upstreamUrl('https://iam.myhuaweicloud.com').optional(),
    IAM_DOMAIN_NAME: nonEmpty(256).optional(),
    IAM_USERNAME: nonEmpty(256).optional(),
    IAM_PASSWORD: nonEmpty(1024).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    HSS_CONNECT_TIMEOUT_MS: integer(1, 600_000).default(5_000),
    HSS_HEADERS_TIMEOUT_MS: integer(1, 600_000).default(10_000),
    HSS_BODY_TIMEOUT_MS: integer(1, 600_000).default(10_000),
    HSS_TIMEOUT_MS: integer(100, 600_000).default(10_000),
    EMULATOR_ROWS_PER_SCOPE: integer(0, MAX_ROWS_PER_SCOPE).default(DEFAULT_ROWS_PER_SCOPE),
    EMULATOR_QUOTA_PER_MINUTE: integer(0, 100_000).default(5),
    EMULATOR_FAULTS: z
      .string()
      .transform((json, ctx) => {
        const parsed = parseFaultSettings(json);
        if (parsed.ok) return parsed.settings;
        ctx.addIssue({ code: 'custom', message: `must be fault settings as JSON: ${parsed.message}` });
        return z.NEVER;
      })
      .optional(),
    HSS_MAX_CONNECTIONS: integer(1, 1000).default(10),
    GRAPHQL_DEADLINE_MS: integer(100, 600_000).default(20_000),
    CACHE_TTL_SECONDS: integer(0, 86_400).default(60),
    CACHE_STALE_WHILE_REVALIDATE_SECONDS: integer(0, 86_400).default(240),
    CACHE_STALE_IF_ERROR_SECONDS: integer(0, 7 * 86_400).default(3600),
    CACHE_MAX_ENTRIES: integer(1, 10_000_000).default(10_000),
    CACHE_MAX_MB: integer(1, 100_000).default(64),
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
    HSS_RATE_LIMIT_PER_MINUTE: integer(0, 100_000).default(5),
    HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: integer(0, 100_000).default(5),
    HSS_REFRESH_RESERVE: integer(0, 100_000).default(1),
    SNAPSHOT_MAX_PAGES: integer(0, 50).default(4),
    SNAPSHOT_UPSTREAM_FILTERS: commaList
      .refine((names) => names.every((n) => (LOCAL_FILTERS as readonly string[]).includes(n)), {
        error: `must be a comma-separated list of ${LOCAL_FILTERS.join(', ')}`,
      })
      .optional(),
    HSS_UNPROVEN_TOKEN_CALLS_PER_MINUTE: integer(0, 100_000).optional(),
    HSS_RETRY_MAX: integer(0, 10).default(2),
    HSS_RETRY_MAX_TOTAL_MS: integer(0, 600_000).default(3000),
    HSS_RETRY_BASE_DELAY_MS: integer(0, 60_000).default(200),
    HSS_CIRCUIT_FAILURES: integer(1, 1000).default(5),
    HSS_CIRCUIT_OPEN_SECONDS: integer(1, 3600).default(30),
    GRAPHIQL: boolean.default('true'),
    INTROSPECTION: boolean.default('true'),
    METRICS: boolean.default('true'),
    TRUSTED_DOCUMENTS: boolean.default('false'),
    CORS_ORIGINS: commaList
      .refine((origins) => origins.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)), {
        error: 'must be * or a comma-separated list of origins such as https://dashboard.example.com',
      })
      .optional(),
    METRICS_OPERATION_NAMES: commaList
      .refine((names) => names.length <= 200 && names.every((n) => /^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(n)), {
        error: 'must be a comma-separated list of at most 200 GraphQL operation names',
      })
      .optional(),
    MAX_REQUEST_BYTES: integer(1024, 100 * 1024 * 1024).default(100_000),
    HTTP_REQUEST_TIMEOUT_MS: integer(1000, 600_000).default(10_000),
    HTTP_HEADERS_TIMEOUT_MS: integer(1000, 600_000).default(5_000),
    MAX_QUERY_DEPTH: integer(1, 100).default(12),
    MAX_ALIASES: integer(0, 1000).default(15),
    MAX_TOKENS: integer(100, 100_000).default(2000),
    MAX_DIRECTIVES: integer(0, 1000).default(50),
    MAX_OPERATION_COST: integer(1, 100_000).default(25),
    SHUTDOWN_DELAY_SECONDS: integer(0, 300).default(0),
    SHUTDOWN_TIMEOUT_SECONDS: integer(1, 600).default(10),
    OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl('http://otel-collector:4318').optional(),
    OTEL_SERVICE_NAME: nonEmpty(256).default('hss-port-statistics-gateway'),
  })
  .superRefine((e, ctx) => {
    for (const { variable, message, setOnly } of configurationProblems(e)) {
      ctx.addIssue({ code: 'custom', path: [variable], message, params: { setOnly: setOnly === true } });
    }
  });

type Environment = z.infer<typeof environment>;

/** Every environment variable the gateway reads (deployment manifests are checked against it). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(environment.shape);

/** Thrown with every problem found, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const SECRETS = new Set(['HSS_AUTH_TOKEN', 'HSS_SECRET_KEY', 'HSS_SECURITY_TOKEN', 'IAM_PASSWORD']);
/** Variables holding URLs, which may carry a password (REDIS_URL legitimately does). */
const URLS = new Set([
  'HSS_ENDPOINT',
  'IAM_ENDPOINT',
  'REDIS_URL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'CORS_ORIGINS',
]);

/** The value as a problem's line shows it: never a secret, never a URL's userinfo. */
function shownValue(name: string, value: string | undefined, setOnly: boolean): string {
  if (value === undefined) return '(unset)';
  if (setOnly) return '(set)';
  if (SECRETS.has(name)) return '(hidden)';
  return JSON.stringify(URLS.has(name) ? withoutUserinfo(value) : value);
}

/**
 * The configured identity (several at once are refused, so the order only matters for the demo
 * token): static token, AK/SK or IAM password; in emulator mode with none of them, the demo token.
 */
function serviceIdentityOf(e: Environment, embedded: boolean): ServiceIdentity | undefined {
  if (e.HSS_AUTH_TOKEN) return { kind: 'token', token: e.HSS_AUTH_TOKEN };
  if (e.HSS_ACCESS_KEY && e.HSS_SECRET_KEY) {
    const keys = { kind: 'aksk' as const, accessKey: e.HSS_ACCESS_KEY, secretKey: e.HSS_SECRET_KEY };
    return e.HSS_SECURITY_TOKEN ? { ...keys, securityToken: e.HSS_SECURITY_TOKEN } : keys;
  }
  if (e.IAM_DOMAIN_NAME && e.IAM_USERNAME && e.IAM_PASSWORD) {
    return {
      kind: 'iam',
      endpoint: e.IAM_ENDPOINT,
      domainName: e.IAM_DOMAIN_NAME,
      username: e.IAM_USERNAME,
      password: e.IAM_PASSWORD,
    };
  }
  return embedded ? { kind: 'token', token: DEMO_AUTH_TOKEN } : undefined;
}

/**
 * Parses the environment. Empty variables count as unset, as shells and compose files often leave
 * them. Secrets are never echoed back in a message.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const present = Object.fromEntries(
    Object.keys(environment.shape)
      .map((name) => [name, env[name]])
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environment.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const setOnly = issue.code === 'custom' && issue.params?.setOnly === true;
      return `${name}=${shownValue(name, present[name], setOnly)}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const region = e.HSS_REGION as HssRegion | undefined;
  const hssEndpoint = e.HSS_ENDPOINT ?? (region ? hssEndpointOf(region) : undefined);
  const embedded = hssEndpoint === undefined;
  return {
    port: e.PORT,
    hssEndpoint,
    region,
    projectId: e.HSS_PROJECT_ID ?? (embedded ? DEMO_PROJECT_ID : undefined),
    serviceIdentity: serviceIdentityOf(e, embedded),
    allowCallerToken: e.HSS_ALLOW_CALLER_TOKEN === 'true',
    requireCallerToken: e.HSS_REQUIRE_CALLER_TOKEN === 'true',
    logLevel: e.LOG_LEVEL,
    upstreamTimeouts: {
      connectMs: e.HSS_CONNECT_TIMEOUT_MS,
      headersMs: e.HSS_HEADERS_TIMEOUT_MS,
      bodyMs: e.HSS_BODY_TIMEOUT_MS,
      totalMs: e.HSS_TIMEOUT_MS,
    },
    maxConnections: e.HSS_MAX_CONNECTIONS,
    deadlineMs: e.GRAPHQL_DEADLINE_MS,
    cache: {
      ttlMs: e.CACHE_TTL_SECONDS * 1000,
      staleWhileRevalidateMs: e.CACHE_STALE_WHILE_REVALIDATE_SECONDS * 1000,
      staleIfErrorMs: e.CACHE_STALE_IF_ERROR_SECONDS * 1000,
      maxEntries: e.CACHE_MAX_ENTRIES,
      maxBytes: e.CACHE_MAX_MB * 1024 * 1024,
    },
    redisUrl: e.REDIS_URL,
    budget: {
      perCaller: e.HSS_RATE_LIMIT_PER_MINUTE,
      perAddress: e.HSS_ADDRESS_RATE_LIMIT_PER_MINUTE,
      refreshReserve: e.HSS_REFRESH_RESERVE,
    },
    snapshots: {
      maxPages: e.SNAPSHOT_MAX_PAGES,
      upstreamFilters: (e.SNAPSHOT_UPSTREAM_FILTERS ?? []) as LocalFilter[],
    },
    // Made-up tokens must not buy unlimited calls to real HSS; the emulator has no quota to protect.
    unprovenTokenCallsPerMinute: e.HSS_UNPROVEN_TOKEN_CALLS_PER_MINUTE ?? (embedded ? 0 : 60),
    resilience: {
      retry: {
        maxRetries: e.HSS_RETRY_MAX,
        maxTotalMs: e.HSS_RETRY_MAX_TOTAL_MS,
        baseDelayMs: e.HSS_RETRY_BASE_DELAY_MS,
        maxDelayMs: Math.max(e.HSS_RETRY_BASE_DELAY_MS, 2000),
      },
      breaker: {
        consecutiveFailures: e.HSS_CIRCUIT_FAILURES,
        halfOpenAfterMs: e.HSS_CIRCUIT_OPEN_SECONDS * 1000,
      },
    },
    emulator: {
      rowsPerScope: e.EMULATOR_ROWS_PER_SCOPE,
      quotaPerMinute: e.EMULATOR_QUOTA_PER_MINUTE,
      faults: e.EMULATOR_FAULTS ?? {},
    },
    http: {
      graphiql: e.GRAPHIQL === 'true',
      introspection: e.INTROSPECTION === 'true',
      corsOrigins: e.CORS_ORIGINS ?? [],
      maxRequestBytes: e.MAX_REQUEST_BYTES,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      trustedDocuments: e.TRUSTED_DOCUMENTS === 'true',
      metrics: e.METRICS === 'true',
      metricsOperationNames: e.METRICS_OPERATION_NAMES ?? [],
    },
    limits: {
      depth: e.MAX_QUERY_DEPTH,
      aliases: e.MAX_ALIASES,
      tokens: e.MAX_TOKENS,
      directives: e.MAX_DIRECTIVES,
      cost: e.MAX_OPERATION_COST,
    },
    shutdown: { delayMs: e.SHUTDOWN_DELAY_SECONDS * 1000, timeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000 },
    tracing: { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
  };
}
