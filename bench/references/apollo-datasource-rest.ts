/**
 * Reference: Apollo Server 5 (standalone) with `@apollo/datasource-rest`, written the way their
 * docs show: a `RESTDataSource` subclass with a `baseURL`, constructed per request in the context
 * function with the server's cache and the caller's token, and a resolver that calls it.
 */
import { type AugmentedRequest, type DataSourceConfig, RESTDataSource } from '@apollo/datasource-rest';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import {
  connectionOf,
  PortRiskStatus,
  type PortStatisticsArgs,
  settingsFromEnv,
  typeDefs,
  type UpstreamBlock,
  upstreamParams,
} from './schema.js';

const settings = settingsFromEnv();

class HssAPI extends RESTDataSource {
  override baseURL = `${settings.endpoint}/`;
  private readonly token: string;

  constructor(options: DataSourceConfig & { token: string }) {
    super(options);
    this.token = options.token;
  }

  override willSendRequest(_path: string, request: AugmentedRequest) {
    request.headers['x-auth-token'] = this.token;
  }

  async getPortStatistics(projectId: string, params: Record<string, string>): Promise<UpstreamBlock> {
    return this.get<UpstreamBlock>(`v5/${encodeURIComponent(projectId)}/asset/port/statistics`, { params });
  }
}

interface ContextValue {
  dataSources: { hss: HssAPI };
}

const resolvers = {
  PortRiskStatus,
  Query: {
    portStatistics: async (_: unknown, args: PortStatisticsArgs, { dataSources }: ContextValue) =>
      connectionOf(await dataSources.hss.getPortStatistics(settings.projectId, upstreamParams(args)), args),
  },
};

async function main(): Promise<void> {
  const server = new ApolloServer<ContextValue>({ typeDefs, resolvers });
  const { url } = await startStandaloneServer(server, {
    listen: { port: settings.port, host: '127.0.0.1' },
    context: async ({ req }) => {
      const { cache } = server;
      const token = String(req.headers['x-auth-token'] ?? '');
      return { dataSources: { hss: new HssAPI({ cache, token }) } };
    },
  });
  console.log(`Apollo reference ready at ${url}`);
  process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
