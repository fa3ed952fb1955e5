/**
 * The GraphQL app for a given configuration: schema, per-request context, hardening, metrics,
 * readiness, GraphiQL served from the gateway itself (no CDN) and `/health`. Exported for tests;
 * src/server.ts binds it.
 */
import { createRequire } from 'node:module';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import {
  createYoga,
  type Plugin,
  useReadinessCheck,
  type YogaInitialContext,
  type YogaServerInstance,
} from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Authenticator } from './auth/authenticate.js';
import type { GatewayConfig } from './config.js';
import type { ContextFactory } from './context.js';
import { identityOf } from './credentials/credentials.js';
import { HssError } from './errors/hss-error.js';
import type { PersistedDocuments } from './graphql/persisted-documents.js';
import { corsOptions, useVaryOnOrigin } from './http/cors.js';
import { GRAPHIQL_EXAMPLE_QUERY } from './http/graphiql-example.js';
import type { Answered } from './observability/access-log.js';
import type { GatewayMetrics } from './observability/metrics.js';
import type { OperationLabels } from './observability/operation-labels.js';
import type { Readiness } from './observability/readiness.js';
import { foldRuns } from './plugins/fold.js';
import { hardeningPlugins } from './plugins/hardening.js';
import { boundedParseCaches } from './plugins/parse-caches.js';
import { useAnswered } from './plugins/use-answered.js';
import { useCacheableVerdict } from './plugins/use-cacheable-verdict.js';
import { useContractErrors } from './plugins/use-contract-errors.js';
import { useCostExtension } from './plugins/use-cost-extension.js';
import { useFreshness } from './plugins/use-freshness.js';
import { useOperationMetrics } from './plugins/use-operation-metrics.js';
import { useOperationName } from './plugins/use-operation-name.js';
import { useOperationTracing } from './plugins/use-operation-tracing.js';
import { usePriceLimit } from './plugins/use-price-limit.js';
import { usePrivateResponses } from './plugins/use-private-responses.js';
import { requestIdOf, useRequestId } from './plugins/use-request-id.js';
import { signalCancellation } from './quota/cancellation.js';
import type { GatewayServerContext } from './request/edge-contract.js';
import type { ApiBudgets } from './request/ledger.js';
import { schema } from './schema/index.js';
import type { GatewayContext } from './schema/types.js';
import type { Tracing } from './telemetry/tracing.js';

export interface GatewayYogaOptions {
  /** Builds each request's context. */
  contextFor: ContextFactory;
  /** Operation names as metric labels. */
  labels: OperationLabels;
  /** Documents requests may name by id (`documentId`, APQ hash). */
  persistedDocuments: PersistedDocuments;
  /** Where a credential's budget of each upstream API stands. */
  budgetOf: (identity: string) => Promise<ApiBudgets>;
  logger: Logger;
  /** Who asks: every request is authenticated before its context is built. */
  authenticator: Authenticator;
  config: Pick<GatewayConfig, 'projectId' | 'deadlineMs' | 'http' | 'limits' | 'cache'>;
  metrics: GatewayMetrics | undefined;
  readiness: Readiness;
  tracing: Tracing | undefined;
  /** Told of every GraphQL request answered (the access log, the data-age metrics). */
  onAnswered: (answered: Answered) => void;
  /** The gateway's clock; tests move it. */
  now?: () => number;
}

export type GatewayYoga = YogaServerInstance<GatewayServerContext, GatewayContext>;

/** What the gateway's own plugins see as their context. */
type GatewayPluginContext = GatewayContext & GatewayServerContext & YogaInitialContext;

type RenderGraphiQL = typeof import('@graphql-yoga/render-graphiql').renderGraphiQL;
let graphiqlRenderer: RenderGraphiQL | undefined;

/**
 * The self-hosted GraphiQL bundle costs about 60 MB of memory once loaded: it is loaded when a
 * browser first asks for the page, not by every gateway that only serves API traffic.
 */
function lazyGraphiQL(): RenderGraphiQL {
  graphiqlRenderer ??= (
    createRequire(__filename)('@graphql-yoga/render-graphiql') as { renderGraphiQL: RenderGraphiQL }
  ).renderGraphiQL;
  return graphiqlRenderer;
}

export function createGatewayYoga(options: GatewayYogaOptions): GatewayYoga {
  const { logger, config } = options;
  // Plugins typed with the gateway's context, and the generic ones yoga's ecosystem provides.
  const plugins: (
    | Plugin<GatewayPluginContext>
    | Plugin<GatewayServerContext, GatewayServerContext>
    | Plugin
  )[] = [
    useRequestId(),
    usePrivateResponses('/graphql'),
    useReadinessCheck({
      endpoint: '/ready',
      check: async () => {
        const verdict = await options.readiness.check();
        return new Response(JSON.stringify(verdict), {
          status: verdict.ready ? 200 : 503,
          headers: { 'content-type': 'application/json' },
        });
      },
    }),
    ...hardeningPlugins(config, options.persistedDocuments),
    // @defer and @stream: a drill-down's servers after the rows, as each client documents it
    // (multipart/mixed for Apollo, urql and Relay; server-sent events where asked).
    useDeferStream() as Plugin,
    useOperationName(),
    usePriceLimit(),
    useContractErrors(),
    useFreshness(),
    useCostExtension({
      // A request that never ran: the budget of whoever the handler found it came from, if it did.
      budgetOf: (edge) =>
        edge && !(edge.caller instanceof HssError)
          ? options.budgetOf(identityOf(edge.caller.credentials))
          : Promise.resolve(null),
    }),
  ];
  plugins.push(useCacheableVerdict({ ttlMs: config.cache.ttlMs, now: options.now ?? Date.now }));
  // Right after the request id, so it hears of every request, those the hardening refuses included.
  plugins.splice(
    1,
    0,
    useAnswered({
      graphqlEndpoint: '/graphql',
      onAnswered: options.onAnswered,
      now: options.now ?? Date.now,
    }),
  );
  if (config.http.corsOrigins.length > 0) plugins.push(useVaryOnOrigin());
  if (options.tracing) plugins.push(useOperationTracing(options.tracing));
  if (options.metrics) {
    const { labels } = options;
    // First, so it sees every request, refused ones included.
    plugins.unshift(
      useOperationMetrics({
        metrics: options.metrics,
        labels,
        graphqlEndpoint: '/graphql',
        // With METRICS_PORT, /metrics is served there alone (metrics-server.ts).
        metricsEndpoint: config.http.metricsPort === undefined ? '/metrics' : undefined,
      }),
    );
  }
  return createYoga<GatewayServerContext, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    // GraphQL over HTTP's persisted documents: a body may name a document instead of sending it.
    extraParamNames: ['documentId'],
    // No uploads in this API; its parser answered a malformed `map` with a 500.
    multipart: false,
    // Bodies are bounded by their Content-Length before yoga reads them (MAX_REQUEST_BYTES, 411
    // without one: hardening.ts), and Node's parser reads no more than it says; yoga's own limit
    // piped every body through a TransformStream to count it again, about 40 us a request.
    maxRequestBodySize: false,
    healthCheckEndpoint: '/health',
    landingPage: false,
    graphiql: config.http.graphiql
      ? { title: 'HSS open-port statistics', defaultQuery: GRAPHIQL_EXAMPLE_QUERY }
      : false,
    renderGraphiQL: (graphiql) => lazyGraphiQL()(graphiql),
    // Same-origin only unless CORS_ORIGINS names the frontends allowed to call from elsewhere.
    cors: corsOptions(config.http.corsOrigins),
    logging: {
      debug: (...args) => logger.debug({ detail: args }, 'yoga'),
      info: (...args) => logger.info({ detail: args }, 'yoga'),
      warn: (...args) => logger.warn({ detail: args }, 'yoga'),
      error: (...args) =>
        logger.error(args[0] instanceof Error ? { err: args[0] } : { detail: args }, 'yoga'),
    },
    // One hook per phase for each run of plugins that allow it (plugins/fold.ts).
    plugins: foldRuns(plugins),
    // Parsed documents bounded in bytes: distinct documents must not fill the heap.
    parserAndValidationCache: boundedParseCaches(config.limits.documentCacheBytes),
    context: async ({ request, params, edge, clientAddress, cancellation }) => {
      const authenticate = () =>
        options.authenticator.authenticate({
          header: (name) => request.headers.get(name),
          method: request.method,
          clientAddress: clientAddress ?? 'unknown',
        });
      return options.contextFor({
        requestId: requestIdOf(request),
        caller: edge?.caller ?? (await authenticate()),
        // A live answer asks again on every read: a token that expired or was revoked meanwhile,
        // or a policy that changed, ends it.
        authenticate,
        operationName: params.operationName ?? null,
        cancellation: cancellation ?? signalCancellation(request.signal),
      });
    },
  });
}
