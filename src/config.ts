/**
 * The gateway's configuration, read from the environment once at start-up (config/environment.ts
 * says what each variable may be). A bad value stops the process with one line per problem: the
 * variable, the value given and what is allowed.
 */
import { resolve } from 'node:path';
import { type Environment, environment } from './config/environment.js';
import type { GatewayConfig, ServiceIdentity } from './config/gateway-config.js';
import { unknownVariableProblems } from './config/unknown-variables.js';
import { withoutUserinfo } from './config/urls.js';
import type { LocalFilter } from './rows/snapshot-query.js';
import { unloggable } from './telemetry/unloggable.js';
import { type HssRegion, hssEndpointOf } from './upstream/regions.js';

export { DEMO_AUTH_TOKEN, DEMO_PROJECT_ID, type GatewayConfig } from './config/gateway-config.js';

import {
  BUILTIN_PERSISTED_DOCUMENTS,
  DEMO_AUTH_TOKEN,
  DEMO_PROJECT_ID,
  EMBEDDED_AUDIENCE,
} from './config/gateway-config.js';

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
  if (e.HSS_AUTH_TOKEN)
    return unloggable({ kind: 'token' as const, token: e.HSS_AUTH_TOKEN }, { kind: 'token' });
  if (e.HSS_ACCESS_KEY && e.HSS_SECRET_KEY) {
    const keys = { kind: 'aksk' as const, accessKey: e.HSS_ACCESS_KEY, secretKey: e.HSS_SECRET_KEY };
    const shown = { kind: 'aksk', accessKey: e.HSS_ACCESS_KEY };
    return unloggable(e.HSS_SECURITY_TOKEN ? { ...keys, securityToken: e.HSS_SECURITY_TOKEN } : keys, shown);
  }
  if (e.IAM_DOMAIN_NAME && e.IAM_USERNAME && e.IAM_PASSWORD) {
    const iam = {
      kind: 'iam' as const,
      endpoint: e.IAM_ENDPOINT,
      domainName: e.IAM_DOMAIN_NAME,
      username: e.IAM_USERNAME,
      password: e.IAM_PASSWORD,
    };
    return unloggable(iam, { kind: 'iam', domainName: iam.domainName, username: iam.username });
  }
  return embedded
    ? unloggable({ kind: 'token' as const, token: DEMO_AUTH_TOKEN }, { kind: 'token' })
    : undefined;
}

/**
 * The variables as the schema reads them, with every problem found: unknown names first (a
 * misspelt name is often why another variable looks unset), then each variable's, then the rules'.
 */
function parseEnvironment(env: NodeJS.ProcessEnv): Environment {
  const present = Object.fromEntries(
    CONFIG_VARIABLES.map((name) => [name, env[name]]).filter(
      ([, value]) => value !== undefined && value !== '',
    ),
  );
  const parsed = environment.safeParse(present);
  const lines = unknownVariableProblems(env, CONFIG_VARIABLES).map(
    ({ variable, message }) => `${variable}=${shownValue(variable, env[variable], true)}: ${message}`,
  );
  for (const issue of parsed.error?.issues ?? []) {
    const name = String(issue.path[0]);
    const setOnly = issue.code === 'custom' && issue.params?.setOnly === true;
    lines.push(`${name}=${shownValue(name, present[name], setOnly)}: ${issue.message}`);
  }
  if (!parsed.success || lines.length > 0)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  return parsed.data;
}

/**
 * Parses the environment. Empty variables count as unset, as shells and compose files often leave
 * them. Secrets are never echoed back in a message. A variable in one of the gateway's namespaces
 * that it does not read stops the start too (config/unknown-variables.ts).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const e = parseEnvironment(env);
  const region = e.HSS_REGION as HssRegion | undefined;
  const hssEndpoint = e.HSS_ENDPOINT ?? (region ? hssEndpointOf(region) : undefined);
  const embedded = hssEndpoint === undefined;
  const projectId = e.HSS_PROJECT_ID ?? (embedded ? DEMO_PROJECT_ID : undefined);
  return {
    port: e.PORT,
    hssEndpoint,
    region,
    projectId,
    iamEndpoint: e.IAM_ENDPOINT,
    serviceIdentity: serviceIdentityOf(e, embedded),
    allowCallerToken: e.HSS_ALLOW_CALLER_TOKEN === 'true',
    requireCallerToken: (e.HSS_REQUIRE_CALLER_TOKEN ?? (e.OIDC_ISSUER ? 'true' : 'false')) === 'true',
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
      // Host lists change slowly, and a drill-down is one ListPortHost call per port: kept longer.
      ttlMsByApi: { ListPortHost: Math.max(e.HOSTS_CACHE_TTL_SECONDS, e.CACHE_TTL_SECONDS) * 1000 },
      staleIfErrorMs: e.CACHE_STALE_IF_ERROR_SECONDS * 1000,
      maxEntries: e.CACHE_MAX_ENTRIES,
      maxBytes: e.CACHE_MAX_MB * 1024 * 1024,
    },
    redisUrl: e.REDIS_URL,
    fleet: { maxReplicas: e.FLEET_MAX_REPLICAS },
    budget: {
      perCaller: e.HSS_RATE_LIMIT_PER_MINUTE,
      perAddress: e.HSS_ADDRESS_RATE_LIMIT_PER_MINUTE,
      refreshReserve: e.HSS_REFRESH_RESERVE,
    },
    live: {
      // Four reads per renewal: new data is seen within a quarter of a cache time-to-live of landing.
      // Without a cache every read is a call: once a minute, HSS's quota window.
      tickMs:
        (e.LIVE_TICK_SECONDS ??
          (e.CACHE_TTL_SECONDS > 0 ? Math.max(1, Math.ceil(e.CACHE_TTL_SECONDS / 4)) : 60)) * 1000,
      maxPerCaller: e.LIVE_MAX_PER_CALLER,
    },
    fetchAhead: { serverRows: e.HOSTS_FETCH_AHEAD_ROWS },
    snapshots: {
      maxPages: e.SNAPSHOT_MAX_PAGES,
      upstreamFilters: (e.SNAPSHOT_UPSTREAM_FILTERS ?? []) as LocalFilter[],
    },
    auth: {
      signIn: e.OIDC_ISSUER
        ? {
            issuer: e.OIDC_ISSUER,
            audience: e.OIDC_AUDIENCE ?? EMBEDDED_AUDIENCE,
            jwksUrl: e.OIDC_JWKS_URL,
            clockSkewSeconds: e.OIDC_CLOCK_SKEW_SECONDS,
            jwksCooldownMs: e.OIDC_JWKS_COOLDOWN_SECONDS * 1000,
            policyFile: e.ACCESS_POLICY_FILE === undefined ? undefined : resolve(e.ACCESS_POLICY_FILE),
          }
        : undefined,
      // Made-up tokens must not buy unbounded calls to real IAM; the emulator has nothing to protect.
      iamTokens: {
        recheckMs: e.IAM_TOKEN_RECHECK_SECONDS * 1000,
        verifyPerMinute: e.IAM_VERIFY_CALLS_PER_MINUTE ?? (embedded ? 0 : 60),
        verifyPerClientAddress: e.IAM_VERIFY_CALLS_PER_CLIENT_ADDRESS ?? (embedded ? 0 : 10),
        // By default the gateway's own project: any Huawei Cloud user can get a token of their own.
        projects: e.IAM_TOKEN_PROJECTS ?? (projectId ? [projectId] : ['*']),
        domains: e.IAM_TOKEN_DOMAINS,
      },
      entitlementMs: e.ENTITLEMENT_SECONDS * 1000,
    },
    trustedProxies: e.TRUSTED_PROXIES ?? [],
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
      port: e.EMULATOR_PORT,
      quotaPerMinute: e.EMULATOR_QUOTA_PER_MINUTE,
      faultsJson: e.EMULATOR_FAULTS,
    },
    http: {
      graphiql: e.GRAPHIQL === 'true',
      introspection: e.INTROSPECTION === 'true',
      corsOrigins: e.CORS_ORIGINS ?? [],
      maxRequestBytes: e.MAX_REQUEST_BYTES,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      maxHeaderBytes: e.HTTP_MAX_HEADER_BYTES,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
      maxConnectionsPerAddress: e.HTTP_MAX_CONNECTIONS_PER_ADDRESS,
      maxBytesInFlight: e.HTTP_MAX_BYTES_IN_FLIGHT,
      // Naming manifests means trusting only them, unless TRUSTED_DOCUMENTS=false says the ids are a
      // convenience beside arbitrary documents (a migration to persisted documents, for instance).
      trustedDocuments: (e.TRUSTED_DOCUMENTS ?? (e.TRUSTED_DOCUMENTS_FILE ? 'true' : 'false')) === 'true',
      persistedDocumentFiles: (e.TRUSTED_DOCUMENTS_FILE ?? ['builtin']).map((file) =>
        file === 'builtin' ? BUILTIN_PERSISTED_DOCUMENTS : resolve(file),
      ),
      metrics: e.METRICS === 'true',
      metricsOperationNames: e.METRICS_OPERATION_NAMES ?? [],
      metricsPort: e.METRICS_PORT,
      accessLogSample: e.ACCESS_LOG_SAMPLE,
    },
    limits: {
      depth: e.MAX_QUERY_DEPTH,
      aliases: e.MAX_ALIASES,
      tokens: e.MAX_TOKENS,
      directives: e.MAX_DIRECTIVES,
      cost: e.MAX_OPERATION_COST,
      documentCacheBytes: e.DOCUMENT_CACHE_MB * 1024 * 1024,
    },
    shutdown: { delayMs: e.SHUTDOWN_DELAY_SECONDS * 1000, timeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000 },
    tracing: { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
  };
}
