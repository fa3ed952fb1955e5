/**
 * Assembles a running gateway from a configuration: the embedded emulator when no HSS endpoint is
 * configured, the one upstream dispatcher, the HSS client and the GraphQL app. `close()` releases
 * all of it.
 */
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import { createContextFactory } from './context.js';
import {
  describeIdentity,
  embeddedEmulatorOptions,
  serviceCredentials,
} from './credentials/service-identity.js';
import { HssEmulator } from './emulator/hss-emulator.js';
import { FastLane } from './http/fast-lane.js';
import { createGatewayHandler, type RequestHandler } from './http/gateway-handler.js';
import { ResponseCache } from './http/response-cache.js';
import { ListedRows } from './loaders/listed-rows.js';
import { GatewayMetrics } from './observability/metrics.js';
import { OperationLabels, operationNamesOf } from './observability/operation-labels.js';
import { Readiness } from './observability/readiness.js';
import { createTracing } from './observability/tracing.js';
import { readTrustedDocuments, TRUSTED_DOCUMENTS_FILE } from './plugins/hardening.js';
import { assembleQuotaEconomy, type QuotaEconomy } from './quota/assemble.js';
import { schema } from './schema/index.js';
import { createUpstreamDispatcher } from './upstream/dispatcher.js';
import { HssClient } from './upstream/hss-client.js';
import type { UpstreamCallEvent } from './upstream/observer.js';
import { GLOBAL_IAM_ENDPOINT } from './upstream/regions.js';
import type { CircuitStateName } from './upstream/resilience.js';
import { createGatewayYoga, type GatewayYoga } from './yoga.js';

export interface Gateway {
  yoga: GatewayYoga;
  /** The HTTP request handler: yoga, with the response cache in front of it. */
  handler: RequestHandler;
  /** The upstream base URL in use. */
  endpoint: string;
  /** Present when the gateway runs on its embedded emulator. */
  emulator: HssEmulator | undefined;
  /** Cache, budget, retries and circuit breaker between GraphQL and HSS. */
  quota: QuotaEconomy;
  /** What `/ready` answers; `drain()` on shutdown. */
  readiness: Readiness;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** The clock, in epoch milliseconds, for signing and token expiry; tests move it instead of waiting. */
  now?: () => number;
}

export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  options: GatewayOptions = {},
): Promise<Gateway> {
  let emulator: HssEmulator | undefined;
  let endpoint = config.hssEndpoint;
  if (endpoint === undefined) {
    emulator = new HssEmulator(embeddedEmulatorOptions(config, options.now));
    endpoint = await emulator.listen(0, '127.0.0.1');
    logger.info(
      { emulator: endpoint, projectId: config.projectId, rowsPerScope: config.emulator.rowsPerScope },
      'HSS_ENDPOINT is not set: serving demo data from the embedded HSS emulator',
    );
  }
  // In emulator mode the emulator is the IAM endpoint too, unless IAM_ENDPOINT says otherwise.
  const iamEndpoint = emulator ? endpoint : GLOBAL_IAM_ENDPOINT;
  const dispatcher = createUpstreamDispatcher({
    ...config.upstreamTimeouts,
    connections: config.maxConnections,
  });
  // Metrics and readiness hear of every upstream call; both read the circuit once it exists.
  let circuits = (): { state: CircuitStateName; open: number } => ({ state: 'closed', open: 0 });
  const metrics = config.http.metrics ? new GatewayMetrics(() => circuits()) : undefined;
  const readiness = new Readiness({
    endpoint,
    dispatcher,
    circuitState: () => circuits().state,
    now: options.now,
  });
  const observers = {
    onUpstreamCall: (event: UpstreamCallEvent) => {
      metrics?.onUpstreamCall(event);
      readiness.onUpstreamCall(event);
    },
  };
  const tracing = createTracing(config.tracing.endpoint, config.tracing.serviceName);
  const client = new HssClient({
    endpoint,
    dispatcher,
    logger,
    observer: observers,
    timeoutMs: config.upstreamTimeouts.totalMs,
    tracing,
    now: options.now,
  });
  const service = serviceCredentials(config, iamEndpoint, dispatcher, logger, options.now);
  logger.info(
    { ...describeIdentity(config), callerTokens: config.allowCallerToken ? 'passed through' : 'ignored' },
    'credentials',
  );
  const quota = await assembleQuotaEconomy(config, client, logger, options.now, metrics);
  logger.info(
    {
      store: quota.store,
      cacheTtlSeconds: config.cache.ttlMs / 1000,
      budgetPerMinute: config.budget.perCaller || 'unlimited',
      addressBudgetPerMinute: config.budget.perAddress || 'unlimited',
      snapshotMaxPages: config.snapshots.maxPages,
      maxConnections: config.maxConnections,
    },
    'quota economy',
  );
  circuits = () => ({ state: quota.resilience.circuitState, open: quota.resilience.openCircuits });
  const credentials = {
    service,
    allowCallerToken: config.allowCallerToken,
    requireCallerToken: config.requireCallerToken,
  };
  const contextFor = createContextFactory({
    logger,
    pages: quota.pages,
    defaultProjectId: config.projectId,
    deadlineMs: config.deadlineMs,
    maxOperationCost: config.limits.cost,
    snapshots: {
      maxPages: config.cache.ttlMs > 0 ? config.snapshots.maxPages : 0,
      upstreamFilters: new Set(config.snapshots.upstreamFilters),
    },
    listed:
      config.cache.ttlMs > 0
        ? {
            // A small share of the cache memory: rows are small, and only the last listed matter.
            rows: new ListedRows(config.cache.maxBytes / 16),
            ttlMs: config.cache.ttlMs,
            servableMs: config.cache.ttlMs + config.cache.staleWhileRevalidateMs,
            now: options.now ?? Date.now,
          }
        : undefined,
  });
  const labels = new OperationLabels([
    ...operationNamesOf(TRUSTED_DOCUMENTS_FILE),
    ...config.http.metricsOperationNames,
  ]);
  const yoga = createGatewayYoga({
    contextFor,
    labels,
    budgetOf: (identity) => quota.pages.budgetOf(identity),
    logger,
    credentials,
    config,
    metrics,
    readiness,
    tracing,
    now: options.now,
  });
  // Half the cache memory (CACHE_MAX_MB) for whole answers, half for pages (quota/assemble.ts).
  const responseCache =
    config.cache.ttlMs > 0
      ? new ResponseCache({ maxBytes: config.cache.maxBytes / 2, now: options.now ?? Date.now })
      : undefined;
  // Tracing follows each operation through yoga's plugins: with it on, everything goes through yoga.
  const fastLane = tracing
    ? undefined
    : new FastLane({
        schema,
        contextFor,
        labels,
        metrics,
        logger,
        cacheTtlMs: config.cache.ttlMs,
        now: options.now ?? Date.now,
        trustedDocuments: config.http.trustedDocuments ? readTrustedDocuments() : undefined,
      });
  const handler = createGatewayHandler({
    yoga,
    responseCache,
    fastLane,
    logger,
    budgetOf: (identity) => quota.pages.budgetOf(identity),
    credentials,
    maxRequestBytes: config.http.maxRequestBytes,
    onResponseCacheLookup: metrics && ((result) => metrics.onResponseCacheLookup(result)),
  });
  return {
    yoga,
    handler,
    endpoint,
    emulator,
    quota,
    readiness,
    async close() {
      // Whatever HSS is doing, shutdown does not wait for it: calls in flight end now.
      client.abortAll();
      await quota.close();
      await dispatcher.close();
      await tracing?.shutdown();
      await emulator?.close();
    },
  };
}

// HSS accepts tokens of up to 32,768 characters (IAM tokens of ~10 KB are common); Node's default
// header limit of 16 KB would refuse them with a bare 431 before the gateway could say why.
const MAX_REQUEST_HEADER_BYTES = 64 * 1024;

/**
 * The HTTP server that serves a gateway; not yet listening. A client that takes longer than the
 * request timeout to send its request (headers and body) is answered 408 and cut off: Node's
 * default of five minutes would let slow clients hold sockets for nothing.
 */
export function createGatewayHttpServer(
  gateway: Gateway,
  timeouts: Pick<GatewayConfig['http'], 'requestTimeoutMs' | 'headersTimeoutMs'>,
): Server {
  return createServer(
    {
      maxHeaderSize: MAX_REQUEST_HEADER_BYTES,
      requestTimeout: timeouts.requestTimeoutMs,
      headersTimeout: timeouts.headersTimeoutMs,
      // How often those timeouts are checked; Node's default of 30 s would blur them.
      connectionsCheckingInterval: Math.min(1000, timeouts.headersTimeoutMs),
    },
    gateway.handler,
  );
}
