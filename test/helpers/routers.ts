/**
 * Two real federation routers, each started in-process on a free loopback port from a supergraph
 * SDL, with or without its header-propagation config for the caller's token. Tests talk to them
 * over HTTP as a client would; the configs are docs/federation.md's own snippets, run as written.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import { request } from 'undici';
import type { GraphQLAnswer } from './gateway.js';

import { runSnippet, snippetOf } from './snippets.js';

/** The name docs/federation.md's configs give this subgraph. */
export const HSS_SUBGRAPH = 'hss-ports';

export interface RunningRouter {
  url: string;
  graphql(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLAnswer>;
  close(): Promise<void>;
}

interface RouterOptions {
  supergraphSdl: string;
  /**
   * Forward the caller's token headers to HSS_SUBGRAPH (and only there) as docs/federation.md says;
   * false: the router's default, which forwards no client header to subgraphs.
   */
  forwardCallerToken?: boolean;
}

export interface RouterAdapter {
  name: string;
  start(options: RouterOptions): Promise<RunningRouter>;
}

async function post(url: string, query: string, variables = {}, headers = {}): Promise<GraphQLAnswer> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: (await response.body.json()) as GraphQLAnswer['body'],
  };
}

type HiveGatewayConfig = Parameters<typeof createGatewayRuntime>[0];

/** docs/federation.md's gateway.config.ts for Hive Gateway (`defineConfig` only types its argument). */
function docsHiveGatewayConfig(): HiveGatewayConfig {
  const config = runSnippet(snippetOf('docs/federation.md', '// Hive Gateway: gateway.config.ts'), {
    defineConfig: (given: HiveGatewayConfig) => given,
  }).gatewayConfig as HiveGatewayConfig | undefined;
  if (!config?.propagateHeaders)
    throw new Error("docs/federation.md's Hive Gateway config propagates nothing");
  return config;
}

/** Hive Gateway 2, its runtime served by node's HTTP server, as `hive-gateway` would serve it. */
export const hiveGateway: RouterAdapter = {
  name: 'Hive Gateway',
  async start({ supergraphSdl, forwardCallerToken }) {
    const gateway = createGatewayRuntime({
      supergraph: supergraphSdl,
      logging: false,
      // The runtime loads transports by name unless given; the `hive-gateway` CLI bundles this one.
      transports: { http: httpTransport },
      ...(forwardCallerToken && { propagateHeaders: docsHiveGatewayConfig().propagateHeaders }),
    });
    const server = createServer(gateway);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    return {
      url,
      graphql: (query, variables, headers) => post(url, query, variables, headers),
      async close() {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await gateway.dispose();
      },
    };
  },
};

/** The router's context, as docs/federation.md's snippet says: the caller's headers. */
interface CallerHeaders {
  callerHeaders: IncomingHttpHeaders;
}

type BuildService = NonNullable<ConstructorParameters<typeof ApolloGateway>[0]>['buildService'];

/** The `buildService` of docs/federation.md's @apollo/gateway snippet, with its data source class. */
function docsApolloBuildService(supergraphSdl: string): BuildService {
  let buildService: BuildService;
  class CapturingGateway {
    constructor(options: ConstructorParameters<typeof ApolloGateway>[0]) {
      buildService = options?.buildService;
    }
  }
  runSnippet(snippetOf('docs/federation.md', 'class ForwardCallerToken'), {
    supergraphSdl,
    RemoteGraphQLDataSource,
    ApolloGateway: CapturingGateway,
  });
  if (!buildService) throw new Error("docs/federation.md's @apollo/gateway snippet builds no services");
  return buildService;
}

/** @apollo/gateway in @apollo/server's standalone HTTP server. */
export const apolloGateway: RouterAdapter = {
  name: '@apollo/gateway',
  async start({ supergraphSdl, forwardCallerToken }) {
    const gateway = new ApolloGateway({
      supergraphSdl,
      ...(forwardCallerToken && { buildService: docsApolloBuildService(supergraphSdl) }),
    });
    const server = new ApolloServer<CallerHeaders>({ gateway });
    const { url } = await startStandaloneServer(server, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }) => ({ callerHeaders: req.headers }),
    });
    return {
      url,
      graphql: (query, variables, headers) => post(url, query, variables, headers),
      close: () => server.stop(),
    };
  },
};
