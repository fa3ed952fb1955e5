/**
 * The environment variables the gateway reads, as one zod schema: each variable's form, range and
 * default, and the cross-checks between them (rules.ts). Parsing it is config.ts's job.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { MAX_TOKEN_LENGTH } from '../credentials/credentials.js';
import { LOCAL_FILTERS } from '../rows/snapshot-query.js';
import { HSS_MAX_TOTAL } from '../upstream/hss-apis.js';
import { HSS_REGIONS, isHssRegion } from '../upstream/regions.js';
import { configurationProblems } from './rules.js';
import { upstreamUrlProblems } from './urls.js';

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

/** `10.0.0.7`, `::1`, `10.0.0.0/8`, `fd00::/8`. */
function isAddressOrNetwork(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: `must be an http(s) URL such as ${example}` });

/** An HSS or IAM base URL: http(s), and nothing the clients could not append a path to (config/rules.ts). */
const upstreamUrl = (example: string) =>
  httpUrl(example).superRefine((url, ctx) => {
    for (const message of upstreamUrlProblems(url)) ctx.addIssue({ code: 'custom', message });
  });

export const environment = z
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
    // Unset: true when OIDC_ISSUER is set (signing in is then what lets a caller in), else false.
    HSS_REQUIRE_CALLER_TOKEN: boolean.optional(),
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
    EMULATOR_ROWS_PER_SCOPE: integer(0, HSS_MAX_TOTAL).optional(),
    EMULATOR_PORT: integer(0, 65535).default(0),
    EMULATOR_QUOTA_PER_MINUTE: integer(0, 100_000).default(5),
    // Read by the emulator itself when the gateway starts it (embedded-emulator.ts).
    EMULATOR_FAULTS: z.string().optional(),
    HSS_MAX_CONNECTIONS: integer(1, 1000).default(10),
    GRAPHQL_DEADLINE_MS: integer(100, 600_000).default(20_000),
    CACHE_TTL_SECONDS: integer(0, 86_400).default(60),
    CACHE_STALE_WHILE_REVALIDATE_SECONDS: integer(0, 86_400).default(240),
    HOSTS_CACHE_TTL_SECONDS: integer(1, 86_400).default(600),
    HOSTS_FETCH_AHEAD_ROWS: integer(0, 100).default(10),
    CACHE_STALE_IF_ERROR_SECONDS: integer(0, 7 * 86_400).default(3600),
    CACHE_MAX_ENTRIES: integer(1, 10_000_000).default(10_000),
    CACHE_MAX_MB: integer(1, 100_000).default(32),
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
    FLEET_MAX_REPLICAS: integer(1, 1000).default(5),
    HSS_RATE_LIMIT_PER_MINUTE: integer(0, 100_000).default(5),
    HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: integer(0, 100_000).default(5),
    HSS_REFRESH_RESERVE: integer(0, 100_000).default(1),
    SNAPSHOT_MAX_PAGES: integer(0, 50).default(4),
    // Unset: a quarter of CACHE_TTL_SECONDS, at least 1 (config.ts); 0: no live answers.
    LIVE_TICK_SECONDS: integer(0, 86_400).optional(),
    LIVE_MAX_PER_CALLER: integer(1, 100_000).default(20),
    SNAPSHOT_UPSTREAM_FILTERS: commaList
      .refine((names) => names.every((n) => (LOCAL_FILTERS as readonly string[]).includes(n)), {
        error: `must be a comma-separated list of ${LOCAL_FILTERS.join(', ')}`,
      })
      .optional(),
    OIDC_ISSUER: z
      .union([
        z.literal('embedded'),
        httpUrl('https://login.example.com/realms/acme').superRefine((url, ctx) => {
          for (const message of upstreamUrlProblems(url)) ctx.addIssue({ code: 'custom', message });
        }),
      ])
      .optional(),
    OIDC_AUDIENCE: nonEmpty(256).optional(),
    OIDC_JWKS_URL: httpUrl('https://login.example.com/realms/acme/protocol/openid-connect/certs').optional(),
    OIDC_CLOCK_SKEW_SECONDS: integer(0, 300).default(30),
    OIDC_JWKS_COOLDOWN_SECONDS: integer(0, 3600).default(30),
    ACCESS_POLICY_FILE: nonEmpty(4096).optional(),
    IAM_TOKEN_RECHECK_SECONDS: integer(10, 86_400).default(300),
    IAM_TOKEN_PROJECTS: commaList
      .refine((ids) => ids.length > 0 && ids.every((id) => id === '*' || /^[A-Za-z0-9_-]{1,256}$/.test(id)), {
        error: 'must be * or a comma-separated list of HSS project ids',
      })
      .optional(),
    IAM_TOKEN_DOMAINS: commaList
      .refine((names) => names.length > 0 && names.every((name) => name.length <= 256), {
        error: 'must be a comma-separated list of account (domain) ids or names',
      })
      .optional(),
    IAM_VERIFY_CALLS_PER_MINUTE: integer(0, 100_000).optional(),
    IAM_VERIFY_CALLS_PER_CLIENT_ADDRESS: integer(0, 100_000).optional(),
    ENTITLEMENT_SECONDS: integer(60, 86_400).default(3600),
    TRUSTED_PROXIES: commaList
      .refine((entries) => entries.every(isAddressOrNetwork), {
        error: 'must be a comma-separated list of IP addresses or CIDR networks such as 10.0.0.0/8',
      })
      .optional(),
    HSS_RETRY_MAX: integer(0, 10).default(2),
    HSS_RETRY_MAX_TOTAL_MS: integer(0, 600_000).default(3000),
    HSS_RETRY_BASE_DELAY_MS: integer(0, 60_000).default(200),
    HSS_CIRCUIT_FAILURES: integer(1, 1000).default(5),
    HSS_CIRCUIT_OPEN_SECONDS: integer(1, 3600).default(30),
    GRAPHIQL: boolean.default('true'),
    INTROSPECTION: boolean.default('true'),
    METRICS: boolean.default('true'),
    // Set: /metrics is served on this port alone (a NetworkPolicy can then admit only the monitoring
    // namespace to it), and not on PORT.
    METRICS_PORT: integer(0, 65535).optional(),
    // One line per GraphQL request at info: this fraction of them (0 to 1); errors are always logged.
    ACCESS_LOG_SAMPLE: z
      .string()
      .trim()
      .regex(/^(0(\.\d+)?|1(\.0+)?)$/, { error: 'must be a number from 0 to 1' })
      .transform(Number)
      .default(1),
    // Unset: on exactly when TRUSTED_DOCUMENTS_FILE names manifests (config.ts).
    TRUSTED_DOCUMENTS: boolean.optional(),
    TRUSTED_DOCUMENTS_FILE: commaList
      .refine((files) => files.length > 0, { error: 'must name at least one manifest file' })
      .optional(),
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
    HTTP_MAX_HEADER_BYTES: integer(16 * 1024, 256 * 1024).default(40 * 1024),
    HTTP_MAX_CONNECTIONS: integer(1, 1_000_000).optional(),
    HTTP_MAX_CONNECTIONS_PER_ADDRESS: integer(1, 1_000_000).optional(),
    HTTP_MAX_BYTES_IN_FLIGHT: integer(64 * 1024, 1024 * 1024 * 1024).optional(),
    MAX_QUERY_DEPTH: integer(1, 100).default(12),
    MAX_ALIASES: integer(0, 1000).default(15),
    MAX_TOKENS: integer(100, 100_000).default(2000),
    MAX_DIRECTIVES: integer(0, 1000).default(50),
    MAX_OPERATION_COST: integer(1, 100_000).default(25),
    DOCUMENT_CACHE_MB: integer(1, 10_000).default(16),
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

export type Environment = z.infer<typeof environment>;
