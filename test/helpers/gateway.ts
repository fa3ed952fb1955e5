/**
 * A real gateway on a free loopback port, pointed at a given upstream, with its logs captured.
 * Tests talk to it over HTTP as a client would.
 */
import type { AddressInfo } from 'node:net';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { request } from 'undici';
import { loadConfig } from '../../src/config.js';
import { type Gateway, type GatewayOptions, startGateway } from '../../src/gateway.js';
import { createGatewayHttpServer } from '../../src/http-server.js';
import { captureLogs, type LogCapture } from './log-capture.js';

export interface GraphQLAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: {
    data?: any;
    errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
    extensions?: Record<string, any>;
  };
}

export interface RunningGateway {
  url: string;
  gateway: Gateway;
  logs: LogCapture;
  graphql(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
    operationName?: string,
  ): Promise<GraphQLAnswer>;
  /** Runs a typed document (schema/generated), as a generated frontend client would. */
  execute<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables?: TVariables,
    headers?: Record<string, string>,
  ): Promise<{ data?: TResult | null; errors?: GraphQLAnswer['body']['errors'] }>;
  close(): Promise<void>;
}

/**
 * Starts a gateway from environment variables, as the process would read them. The cross-request
 * cache (and so snapshots), the budgets and fetching ahead are off unless a test turns them on: most tests count
 * the upstream calls of one operation, against an upstream that is not real HSS.
 */
export async function startTestGateway(
  env: Record<string, string> = {},
  options: GatewayOptions & { asShipped?: boolean } = {},
): Promise<RunningGateway> {
  const logs = captureLogs();
  // As shipped: the gateway's own defaults (cache, snapshots, budgets), as `npm start` runs it.
  const testDefaults = options.asShipped
    ? {}
    : {
        CACHE_TTL_SECONDS: '0',
        HSS_RATE_LIMIT_PER_MINUTE: '0',
        HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: '0',
        HOSTS_FETCH_AHEAD_ROWS: '0',
      };
  // The upstream a test names plays IAM too (callers' tokens are verified there): no test reaches
  // the real IAM.
  const iam = env.HSS_ENDPOINT && !env.IAM_ENDPOINT ? { IAM_ENDPOINT: env.HSS_ENDPOINT } : {};
  // Callers' tokens of any project: which projects a gateway serves is a few tests' subject only
  // (the emulator vouches for the tokens it takes without naming a project).
  const anyProject = { IAM_TOKEN_PROJECTS: '*' };
  const config = loadConfig({ LOG_LEVEL: 'debug', ...testDefaults, ...anyProject, ...iam, ...env });
  const gateway = await startGateway(config, logs.logger, options);
  const server = createGatewayHttpServer(gateway, config.http, config.trustedProxies);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  const running: RunningGateway = {
    url,
    gateway,
    logs,
    async graphql(query, variables, headers = {}, operationName) {
      const response = await request(`${url}/graphql`, {
        method: 'POST',
        // What current clients send: the GraphQL-over-HTTP media type first, plain JSON as the fallback.
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json;q=0.9',
          ...headers,
        },
        body: JSON.stringify({ query, variables, operationName }),
      });
      return {
        status: response.statusCode,
        headers: response.headers,
        body: (await response.body.json()) as GraphQLAnswer['body'],
      };
    },
    async execute(document, variables, headers) {
      return (await running.graphql(print(document), variables, headers)).body;
    },
    // Once, however often it is called: a test may close a gateway itself (to flush, to shut down)
    // before the fixture hook does.
    close() {
      closing ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await gateway.close();
      })();
      return closing;
    },
  };
  return running;
}
