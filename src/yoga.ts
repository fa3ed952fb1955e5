/**
 * The GraphQL app for a given configuration: schema, per-request context, hardening, metrics,
 * readiness, GraphiQL served from the gateway itself (no CDN) and `/health`. Exported for tests;
 * src/server.ts binds it.
 */
import { createRequire } from 'node:module';
import { createYoga, type Plugin, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { type CredentialPolicy, credentialsFromHeaders } from './caller-credentials.js';
import type { GatewayConfig } from './config.js';
import type { ContextFactory, GatewayContext } from './context.js';
import { GRAPHIQL_EXAMPLE_QUERY } from './graphiql-example.js';
import { hardeningPlugins } from './hardening.js';
import type { GatewayServerContext } from './http/exchange.js';
import type { GatewayMetrics } from './metrics.js';
import type { OperationLabels } from './operation-labels.js';
import { useCacheableVerdict } from './plugins/use-cacheable-verdict.js';
import { useContractErrors } from './plugins/use-contract-errors.js';
import { useCostExtension } from './plugins/use-cost-extension.js';
import { useFreshness } from './plugins/use-freshness.js';
import { useOperationCost } from './plugins/use-operation-cost.js';
import { useOperationMetrics } from './plugins/use-operation-metrics.js';
import { useOperationName } from './plugins/use-operation-name.js';
import { usePrivateResponses } from './plugins/use-private-responses.js';
import { requestIdOf, useRequestId } from './plugins/use-request-id.js';
import type { BudgetState } from './quota/call-budget.js';
import { signalCancellation } from './quota/cancellation.js';
import type { Readiness } from './readiness.js';
import { schema } from './schema/index.js';
import { type Tracing, useOperationTracing } from './tracing.js';
import { credentialIdentity } from './upstream/credentials.js';
import { HssError } from './upstream/hss-error.js';

export interface GatewayYogaOptions {
  /** Builds each request's context (shared with the HTTP handler's fast lane). */
  contextFor: ContextFactory;
  /** Operation names as metric labels (shared with the fast lane). */
  labels: OperationLabels;
  /** Where a credential's upstream budget stands. */
  budgetOf: (identity: string) => Promise<BudgetState | null>;
  logger: Logger;
  /** Which credentials requests use. */
  credentials: CredentialPolicy;
  config: Pick<GatewayConfig, 'projectId' | 'deadlineMs' | 'http' | 'limits' | 'cache'>;
  metrics: GatewayMetrics | undefined;
  readiness: Readiness;
  tracing: Tracing | undefined;
  /** The gateway's clock; tests move it. */
  now?: () => number;
}

export type GatewayYoga = YogaServerInstance<GatewayServerContext, GatewayContext>;

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
  const plugins: Plugin[] = [
    useRequestId() as Plugin,
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
    ...hardeningPlugins(config),
    useOperationName(),
    useOperationCost() as Plugin,
    useContractErrors(),
    useFreshness() as Plugin,
    useCostExtension({
      budgetOf: (request) => {
        const credentials = credentialsFromHeaders((name) => request.headers.get(name), options.credentials);
        return credentials instanceof HssError
          ? Promise.resolve(null)
          : options.budgetOf(credentialIdentity(credentials));
      },
    }) as Plugin,
  ];
  plugins.push(useCacheableVerdict({ ttlMs: config.cache.ttlMs, now: options.now ?? Date.now }) as Plugin);
  if (options.tracing) plugins.push(useOperationTracing(options.tracing));
  if (options.metrics) {
    const { labels } = options;
    // First, so it sees every request, refused ones included.
    plugins.unshift(
      useOperationMetrics({
        metrics: options.metrics,
        labels,
        graphqlEndpoint: '/graphql',
        metricsEndpoint: '/metrics',
      }),
    );
  }
  return createYoga<GatewayServerContext, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    graphiql: config.http.graphiql
      ? { title: 'HSS open-port statistics', defaultQuery: GRAPHIQL_EXAMPLE_QUERY }
      : false,
    renderGraphiQL: (graphiql) => lazyGraphiQL()(graphiql),
    // Same-origin only unless CORS_ORIGINS names the frontends allowed to call from elsewhere.
    cors:
      config.http.corsOrigins.length === 0
        ? false
        : {
            origin: config.http.corsOrigins.includes('*') ? '*' : config.http.corsOrigins,
            credentials: !config.http.corsOrigins.includes('*'),
            allowedHeaders: [
              'content-type',
              'authorization',
              'x-auth-token',
              'x-request-id',
              'apollo-require-preflight',
            ],
            exposedHeaders: ['x-request-id'],
            methods: ['GET', 'POST'],
          },
    logging: {
      debug: (...args) => logger.debug({ detail: args }, 'yoga'),
      info: (...args) => logger.info({ detail: args }, 'yoga'),
      warn: (...args) => logger.warn({ detail: args }, 'yoga'),
      error: (...args) =>
        logger.error(args[0] instanceof Error ? { err: args[0] } : { detail: args }, 'yoga'),
    },
    plugins,
    context: ({ request, params, exchange }) =>
      options.contextFor({
        requestId: requestIdOf(request),
        credentials:
          exchange?.credentials ??
          credentialsFromHeaders((name) => request.headers.get(name), options.credentials),
        operationName: params.operationName ?? null,
        cancellation: signalCancellation(request.signal),
      }),
  });
}
