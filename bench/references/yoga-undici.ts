/**
 * Reference: a bare graphql-yoga 5 server (its defaults, no plugins) whose resolver calls HSS with
 * undici's `request` through one shared Agent with explicit timeouts.
 */
import { createServer } from 'node:http';
import { GraphQLError } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { Agent, request } from 'undici';
import * as reference from './schema.js';

const settings = reference.settingsFromEnv();
const agent = new Agent({ connect: { timeout: 5_000 }, headersTimeout: 10_000, bodyTimeout: 10_000 });
const statisticsUrl = `${settings.endpoint}/v5/${encodeURIComponent(settings.projectId)}/asset/port/statistics`;

async function getPortStatistics(
  token: string,
  params: Record<string, string>,
): Promise<reference.UpstreamBlock> {
  const { statusCode, body } = await request(`${statisticsUrl}?${new URLSearchParams(params)}`, {
    dispatcher: agent,
    headers: { 'x-auth-token': token },
  });
  if (statusCode !== 200) {
    await body.dump();
    throw new GraphQLError(`HSS answered ${statusCode}`);
  }
  return (await body.json()) as reference.UpstreamBlock;
}

const yoga = createYoga<{ request: Request }>({
  schema: createSchema<{ request: Request }>({
    typeDefs: reference.typeDefs,
    resolvers: {
      PortRiskStatus: reference.PortRiskStatus,
      Query: {
        portStatistics: async (_: unknown, args: reference.PortStatisticsArgs, { request }) => {
          const token = request.headers.get('x-auth-token') ?? '';
          return reference.connectionOf(await getPortStatistics(token, reference.upstreamParams(args)), args);
        },
      },
    },
  }),
});

const server = createServer(yoga);
server.listen(settings.port, '127.0.0.1', () =>
  console.log(`yoga reference ready at http://127.0.0.1:${settings.port}/graphql`),
);
process.once('SIGTERM', () => server.close(() => process.exit(0)));
