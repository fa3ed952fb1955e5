/**
 * The GraphQL app for a given configuration: schema, per-request context, error masking, GraphiQL
 * served from the gateway itself (no CDN) and `/health`. Exported for tests; src/server.ts binds it.
 */
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { type CredentialPolicy, credentialsFromHeaders } from './caller-credentials.js';
import { createGatewayContext, type GatewayContext } from './context.js';
import { GRAPHIQL_EXAMPLE_QUERY } from './graphiql-example.js';
import { useContractErrors } from './plugins/use-contract-errors.js';
import { useOperationName } from './plugins/use-operation-name.js';
import { requestIdOf, useRequestId } from './plugins/use-request-id.js';
import type { UpstreamPages } from './quota/page-source.js';
import { schema } from './schema/index.js';

export interface GatewayYogaOptions {
  pages: UpstreamPages;
  /** How long one GraphQL request waits for HSS at most. */
  deadlineMs: number;
  logger: Logger;
  /** Default `projectId`. */
  projectId: string | undefined;
  /** Which credentials requests use. */
  credentials: CredentialPolicy;
}

export type GatewayYoga = YogaServerInstance<Record<string, never>, GatewayContext>;

export function createGatewayYoga(options: GatewayYogaOptions): GatewayYoga {
  const { pages, logger } = options;
  return createYoga<Record<string, never>, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    graphiql: { title: 'HSS open-port statistics', defaultQuery: GRAPHIQL_EXAMPLE_QUERY },
    renderGraphiQL,
    logging: {
      debug: (...args) => logger.debug({ detail: args }, 'yoga'),
      info: (...args) => logger.info({ detail: args }, 'yoga'),
      warn: (...args) => logger.warn({ detail: args }, 'yoga'),
      error: (...args) =>
        logger.error(args[0] instanceof Error ? { err: args[0] } : { detail: args }, 'yoga'),
    },
    plugins: [useRequestId(), useOperationName(), useContractErrors()],
    context: ({ request, params }) => {
      const requestId = requestIdOf(request);
      return createGatewayContext({
        requestId,
        logger: logger.child({ requestId }),
        pages,
        credentials: credentialsFromHeaders(request.headers, options.credentials),
        defaultProjectId: options.projectId,
        operationName: params.operationName ?? null,
        signal: AbortSignal.any([request.signal, AbortSignal.timeout(options.deadlineMs)]),
      });
    },
  });
}
