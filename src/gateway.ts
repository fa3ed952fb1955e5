/**
 * Assembles a running gateway from a configuration: the embedded emulator when no HSS endpoint is
 * configured, the one upstream dispatcher, the HSS client and the GraphQL app. `close()` releases
 * all of it.
 */
import type { Logger } from 'pino';
import { assembleAuthenticator } from './authentication.js';
import type { GatewayConfig } from './config.js';
import { createContextFactory } from './context.js';
import { identityOf } from './credentials/credentials.js';
import { embeddedEmulatorOptions } from './embedded-emulator.js';
import { HssEmulator } from './emulator/hss-emulator.js';
import { clientAddressReader } from './http/client-address.js';
import { BytesInFlight, connectionDefaults } from './http/connection-limits.js';
import { createGatewayHandler, type RequestHandler } from './http/gateway-handler.js';
import { ResponseCache } from './http/response-cache.js';
import { ScopeTicks } from './live/scope-ticks.js';
import type { GatewayMetrics } from './observability/metrics.js';
import { OperationLabels } from './observability/operation-labels.js';
import type { Readiness } from './observability/readiness.js';
import { startObservers } from './observers.js';
import { persistedDocumentsAtStart } from './persisted-documents-at-start.js';
import { assembleQuotaEconomy, type QuotaEconomy } from './quota-economy.js';
import { budgetsOf } from './request/ledger.js';
import { ListedRows } from './rows/listed-rows.js';
import { describeIdentity, serviceCredentials } from './service-identity.js';
import { createTracing } from './telemetry/tracing.js';
import { createUpstreamDispatcher } from './upstream/dispatcher.js';
import { HssClient } from './upstream/hss-client.js';
import { GLOBAL_IAM_ENDPOINT } from './upstream/regions.js';
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
  /** Undefined with METRICS=false. */
  metrics: GatewayMetrics | undefined;
  /** Ends every live answer (its stream completes): the first step of a graceful shutdown. */
  endLiveAnswers(): void;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** The clock, in epoch milliseconds, for signing and token expiry; tests move it instead of waiting. */
  now?: () => number;
}

/** The upstream: the embedded emulator when no HSS endpoint is configured, else HSS itself. */
async function startUpstream(config: GatewayConfig, logger: Logger, now: (() => number) | undefined) {
  if (config.hssEndpoint !== undefined) {
    return {
      endpoint: config.hssEndpoint,
      iamEndpoint: config.iamEndpoint ?? GLOBAL_IAM_ENDPOINT,
      emulator: undefined,
    };
  }
  const emulator = new HssEmulator(embeddedEmulatorOptions(config, now));
  const endpoint = await emulator.listen(config.emulator.port, '127.0.0.1');
  logger.info(
    { emulator: endpoint, projectId: config.projectId, rowsPerScope: config.emulator.rowsPerScope },
    'HSS_ENDPOINT is not set: serving demo data from the embedded HSS emulator',
  );
  // In emulator mode the emulator is the IAM endpoint too, unless IAM_ENDPOINT says otherwise.
  return { endpoint, iamEndpoint: config.iamEndpoint ?? endpoint, emulator };
}

/** What every request's context shares: the quota economy, and how lists are answered. */
function contextFactoryOf(
  config: GatewayConfig,
  logger: Logger,
  quota: QuotaEconomy,
  metrics: GatewayMetrics | undefined,
  live: ScopeTicks | undefined,
  now?: () => number,
) {
  const caching = config.cache.ttlMs > 0;
  return createContextFactory({
    logger,
    blocks: quota.blocks,
    defaultProjectId: config.projectId,
    deadlineMs: config.deadlineMs,
    maxOperationPrice: config.limits.cost,
    live,
    serversAhead: quota.blocks.fetchAhead ? config.fetchAhead.serverRows : 0,
    snapshots: {
      // Without a cache a snapshot would be fetched again by every request.
      maxBlocks: caching ? config.snapshots.maxPages : 0,
      upstreamFilters: new Set(config.snapshots.upstreamFilters),
      onRead:
        metrics && ((scope, fetchedAt) => metrics.onSnapshotRead(scope, (now ?? Date.now)() - fetchedAt)),
    },
    listed: caching
      ? {
          // A small share of the cache memory: rows are small, and only the last listed matter.
          rows: new ListedRows(config.cache.maxBytes / 16),
          ttlMs: config.cache.ttlMs,
          servableMs: config.cache.ttlMs + config.cache.staleWhileRevalidateMs,
          now: now ?? Date.now,
        }
      : undefined,
  });
}

function logStart(config: GatewayConfig, logger: Logger, quota: QuotaEconomy): void {
  logger.info(describeIdentity(config), 'credentials');
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
}

export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  options: GatewayOptions = {},
): Promise<Gateway> {
  const { now } = options;
  const persistedDocuments = persistedDocumentsAtStart(config, logger);
  const { endpoint, iamEndpoint, emulator } = await startUpstream(config, logger, now);
  const dispatcher = createUpstreamDispatcher({
    ...config.upstreamTimeouts,
    connections: config.maxConnections,
  });
  const observers = startObservers(config, endpoint, dispatcher, logger, now);
  const { metrics, readiness } = observers;
  const tracing = createTracing(config.tracing.endpoint, config.tracing.serviceName);
  const client = new HssClient({
    endpoint,
    dispatcher,
    logger,
    observer: observers,
    timeoutMs: config.upstreamTimeouts.totalMs,
    tracing,
    now,
  });
  const quota = await assembleQuotaEconomy(config, client, logger, now, metrics);
  observers.watch(quota);
  logStart(config, logger, quota);
  const service = serviceCredentials(config, iamEndpoint, dispatcher, logger, now);
  observers.watchServiceIdentity(service && identityOf(service), quota);
  const authenticator = assembleAuthenticator({
    config,
    service,
    iamEndpoint,
    emulatorUrl: emulator?.url,
    quota,
    onOutcome: metrics && ((way, result) => metrics.onAuthentication(way, result)),
    dispatcher,
    logger,
    now: now ?? Date.now,
  });
  // The clocks of live answers (subscriptions), one per scope watched.
  const live =
    config.live.tickMs > 0 ? new ScopeTicks(config.live.tickMs, config.live.maxPerCaller) : undefined;
  const budgetOf = (identity: string) => budgetsOf((api) => quota.blocks.budgetOf(identity, api));
  const labels = new OperationLabels([
    ...persistedDocuments.operationNames,
    ...config.http.metricsOperationNames,
  ]);
  metrics?.labelWith(labels);
  const yoga = createGatewayYoga({
    persistedDocuments,
    contextFor: contextFactoryOf(config, logger, quota, metrics, live, now),
    labels,
    budgetOf,
    logger,
    authenticator,
    config,
    metrics,
    readiness,
    tracing,
    onAnswered: observers.onAnswered,
    now,
  });
  const handler = createGatewayHandler({
    yoga,
    // Half the cache memory (CACHE_MAX_MB) for whole answers, half for blocks (quota-economy.ts).
    responseCache:
      config.cache.ttlMs > 0
        ? new ResponseCache({ maxBytes: config.cache.maxBytes / 2, now: now ?? Date.now })
        : undefined,
    logger,
    budgetOf,
    refusalOf: (identity) => quota.blocks.refusalOf(identity),
    clientAddressOf: clientAddressReader(config.trustedProxies),
    authenticate: (request) => authenticator.authenticate(request),
    maxRequestBytes: config.http.maxRequestBytes,
    bytesInFlight: new BytesInFlight(
      config.http.maxBytesInFlight ?? connectionDefaults(undefined, config.http.maxHeaderBytes).bytesInFlight,
    ),
    onResponseCacheLookup: metrics && ((result) => metrics.onResponseCacheLookup(result)),
    onAnswered: observers.onAnswered,
    now: now ?? Date.now,
  });
  return {
    yoga,
    handler,
    endpoint,
    emulator,
    quota,
    readiness,
    metrics,
    endLiveAnswers() {
      live?.close();
    },
    async close() {
      // Live answers end first: no tick reads again while the rest shuts down.
      live?.close();
      // Whatever HSS is doing, shutdown does not wait for it: calls in flight end now.
      client.abortAll();
      await quota.close();
      await dispatcher.close();
      await tracing?.shutdown();
      await emulator?.close();
    },
  };
}
