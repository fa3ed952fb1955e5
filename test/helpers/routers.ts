/**
 * Two real federation routers, each started in-process on a free loopback port from a supergraph
 * SDL, with or without its own header-propagation config for the caller's token. Tests talk to
 * them over HTTP as a client would; the configs are the ones the README shows.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApolloGateway,
  type GraphQLDataSourceProcessOptions,
  RemoteGraphQLDataSource,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import { request } from 'undici';
import type { GraphQLAnswer } from './gateway.js';

/** The headers the subgraph reads the caller's token from (src/credentials/caller-credentials.ts). */
const CALLER_TOKEN_HEADERS = ['x-auth-token', 'authorization'] as const;

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
   * The subgraph (by its name in the supergraph) the caller's token headers are forwarded to, and
   * only that one; undefined: the router's default, which forwards no client header to subgraphs.
   */
  forwardCallerTokenTo?: string;
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

/** Hive Gateway 2, its runtime served by node's HTTP server, as `hive-gateway` would serve it. */
export const hiveGateway: RouterAdapter = {
  name: 'Hive Gateway',
  async start({ supergraphSdl, forwardCallerTokenTo }) {
    const gateway = createGatewayRuntime({
      supergraph: supergraphSdl,
      logging: false,
      // The runtime loads transports by name unless given; the `hive-gateway` CLI bundles this one.
      transports: { http: httpTransport },
      ...(forwardCallerTokenTo && {
        propagateHeaders: {
          // What gateway.config.ts would say; a null value (header absent) is not sent.
          fromClientToSubgraphs: ({ request, subgraphName }) =>
            subgraphName === forwardCallerTokenTo
              ? {
                  'x-auth-token': request.headers.get('x-auth-token'),
                  authorization: request.headers.get('authorization'),
                }
              : undefined,
        },
      }),
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

/** The router's context: the caller's token headers, as they came. */
interface CallerHeaders {
  callerHeaders: Partial<Record<(typeof CALLER_TOKEN_HEADERS)[number], string>>;
}

/** Copies the caller's token headers from the context onto every subgraph request. */
class ForwardCallerToken extends RemoteGraphQLDataSource<CallerHeaders> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<CallerHeaders>) {
    for (const name of CALLER_TOKEN_HEADERS) {
      // Health checks and schema loads have no caller, hence no callerHeaders.
      const value = context.callerHeaders?.[name];
      if (value) request.http?.headers.set(name, value);
    }
  }
}

/** @apollo/gateway in @apollo/server's standalone HTTP server. */
export const apolloGateway: RouterAdapter = {
  name: '@apollo/gateway',
  async start({ supergraphSdl, forwardCallerTokenTo }) {
    const gateway = new ApolloGateway({
      supergraphSdl,
      ...(forwardCallerTokenTo && {
        buildService: ({ name, url }) =>
          name === forwardCallerTokenTo
            ? new ForwardCallerToken({ url })
            : new RemoteGraphQLDataSource({ url }),
      }),
    });
    const server = new ApolloServer<CallerHeaders>({ gateway });
    const { url } = await startStandaloneServer(server, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }) => ({
        callerHeaders: Object.fromEntries(
          CALLER_TOKEN_HEADERS.flatMap((name) => {
            const value = req.headers[name];
            return typeof value === 'string' ? [[name, value]] : [];
          }),
        ),
      }),
    });
    return {
      url,
      graphql: (query, variables, headers) => post(url, query, variables, headers),
      close: () => server.stop(),
    };
  },
};
