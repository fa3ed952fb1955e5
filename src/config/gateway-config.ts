/**
 * The gateway's configuration, as the code reads it: parsed from the environment once
 * (config.ts), then handed to whatever needs its part.
 */
import { join } from 'node:path';
import type { LocalFilter } from '../rows/snapshot-query.js';
import type { HssRegion } from '../upstream/regions.js';

/** The project the emulator's demo data is served for when no HSS_PROJECT_ID is set. */
export const DEMO_PROJECT_ID = '0a1b2c3d4e5f40718293a4b5c6d7e8f9';
/** The token the gateway uses against its embedded emulator when nothing else is configured. */
export const DEMO_AUTH_TOKEN = 'demo-token-for-the-embedded-hss-emulator';
/** The audience the embedded emulator's sign-in tokens are issued for (OIDC_ISSUER=embedded). */
export const EMBEDDED_AUDIENCE = 'hss-gateway';

/**
 * The gateway's own persisted documents, written by `npm run codegen` (`sha256:<hash>` ->
 * operation); `builtin` in TRUSTED_DOCUMENTS_FILE.
 */
export const BUILTIN_PERSISTED_DOCUMENTS = join(
  __dirname,
  '..',
  '..',
  'schema',
  'generated',
  'persisted-documents.json',
);

/** Who the gateway is when the caller brings no token: the configured service identity. */
export type ServiceIdentity =
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
  /** IAM's base URL (IAM_ENDPOINT): callers' tokens are verified there; undefined: the global IAM, or the emulator. */
  iamEndpoint: string | undefined;
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
  /** Cross-request block cache; ttlMs 0 turns it off. */
  cache: {
    ttlMs: number;
    staleWhileRevalidateMs: number;
    staleIfErrorMs: number;
    /** APIs whose blocks stay fresh longer than `ttlMs` (host lists: HOSTS_CACHE_TTL_SECONDS). */
    ttlMsByApi: Readonly<Partial<Record<string, number>>>;
    maxEntries: number;
    maxBytes: number;
  };
  /** Shared cache and budget for several replicas; undefined: in memory. */
  redisUrl: string | undefined;
  fleet: {
    /**
     * The most replicas that may run at once (FLEET_MAX_REPLICAS): what a replica divides the
     * budgets by while Redis is unreachable, and the share it leaves each silent replica.
     */
    maxReplicas: number;
  };
  /** The gateway's budgets of upstream calls per API, in any minute (src/quota/budget-rule.ts). */
  budget: {
    /** Per credential (HSS counts per user); 0: not counted. */
    perCaller: number;
    /** All callers together (HSS counts per source address); 0: not counted. */
    perAddress: number;
    /** Address calls a minute that background refreshes leave to requests with nothing to show. */
    refreshReserve: number;
  };
  /** Lists answered from snapshots of their scope's whole table (src/rows/tables.ts). */
  snapshots: {
    /** The most blocks of 200 a snapshot may take; 0: no snapshots. */
    maxPages: number;
    /** Filters a snapshot never answers: a query with one goes to HSS. */
    upstreamFilters: LocalFilter[];
  };
  /**
   * The servers of the first `serverRows` rows of each list answered are fetched ahead with calls
   * the budget has spare (HOSTS_FETCH_AHEAD_ROWS; 0: never).
   */
  fetchAhead: { serverRows: number };
  /** Live answers (subscriptions): how often a scope's subscribers read again, ms; 0: none served. */
  live: {
    tickMs: number;
    /** Live answers one verified caller may have open at once (LIVE_MAX_PER_CALLER). */
    maxPerCaller: number;
  };
  /** Who may ask, and how they are verified (src/auth/). */
  auth: {
    /**
     * Company sign-in: bearer JWTs verified against the issuer's keys; undefined: off. `embedded`:
     * the embedded emulator plays the identity provider (emulator mode only).
     */
    signIn:
      | {
          issuer: string;
          audience: string;
          jwksUrl: string | undefined;
          clockSkewSeconds: number;
          /** The least time between two fetches of the keys (a token naming an unknown key asks). */
          jwksCooldownMs: number;
          /** The access policy file; undefined only with the embedded issuer (its demo policy). */
          policyFile: string | undefined;
        }
      | undefined;
    /** Callers' IAM tokens: how often one is verified again with IAM, and first verifications per minute. */
    iamTokens: {
      recheckMs: number;
      verifyPerMinute: number;
      verifyPerClientAddress: number;
      /**
       * The projects callers' tokens may be scoped to (IAM_TOKEN_PROJECTS); `*`: any, which admits
       * every Huawei Cloud account's users.
       */
      projects: string[];
      /** The accounts (domain ids or names) callers' tokens may belong to; undefined: any. */
      domains: string[] | undefined;
    };
    /** How long HSS answering a caller's own call proves its entitlement to a scope. */
    entitlementMs: number;
  };
  /** Proxies whose X-Forwarded-For names the caller's address (addresses or CIDR networks). */
  trustedProxies: string[];
  resilience: {
    retry: { maxRetries: number; maxTotalMs: number; baseDelayMs: number; maxDelayMs: number };
    breaker: { consecutiveFailures: number; halfOpenAfterMs: number };
  };
  emulator: {
    /** Undefined: the emulator's own default. */
    rowsPerScope: number | undefined;
    /** The embedded emulator's loopback port (EMULATOR_PORT); 0: any free one. */
    port: number;
    /** HSS's flow control: calls per minute per user and per source address, per API; 0: off. */
    quotaPerMinute: number;
    /** EMULATOR_FAULTS as given: the emulator reads it when the gateway starts it. */
    faultsJson: string | undefined;
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
    /** A request's header block at most (HTTP_MAX_HEADER_BYTES). */
    maxHeaderBytes: number;
    /**
     * Connections at once, from one address, and request bodies held at once (http/connection-limits.ts);
     * undefined: sized to the heap.
     */
    maxConnections: number | undefined;
    maxConnectionsPerAddress: number | undefined;
    maxBytesInFlight: number | undefined;
    /** Only persisted documents run (by `documentId` or APQ hash); no other document. */
    trustedDocuments: boolean;
    /** Manifests of the persisted documents, read at start-up (TRUSTED_DOCUMENTS_FILE). */
    persistedDocumentFiles: string[];
    metrics: boolean;
    /** Operation names labelled as themselves in metrics, besides the trusted documents'. */
    metricsOperationNames: string[];
    /** Set: `/metrics` is served on this port alone, not on the gateway's. */
    metricsPort: number | undefined;
    /** The fraction of answers without errors the access log writes a line of (0 to 1). */
    accessLogSample: number;
  };
  limits: {
    depth: number;
    aliases: number;
    tokens: number;
    directives: number;
    cost: number;
    /** Parsed documents kept, in bytes of heap (DOCUMENT_CACHE_MB). */
    documentCacheBytes: number;
  };
  shutdown: { delayMs: number; timeoutMs: number };
  /** OpenTelemetry tracing: an OTLP/HTTP collector; undefined: no tracing. */
  tracing: { endpoint: string | undefined; serviceName: string };
}
