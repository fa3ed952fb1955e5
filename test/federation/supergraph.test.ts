/**
 * The gateway as an Apollo Federation v2 subgraph: its SDL composes with another subgraph that
 * extends PortStatistic, and a real Apollo gateway (in-process, subgraphs over loopback) answers a
 * query that needs both.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { printSubgraphSdl } from '../../src/schema/print.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

// A second team's subgraph: it knows which team owns each open port, keyed by our ids.
const NOTES_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type PortStatistic @key(fields: "id") {
    id: ID!
    owner: String!
  }
`;

function ownerOf(id: string): string {
  const port = Number(/,(\d+),"[A-Z0-9]+"\]$/.exec(Buffer.from(id, 'base64').toString())?.[1]);
  return port < 1024 ? 'platform-team' : 'app-team';
}

async function startNotesSubgraph(): Promise<{ url: string; server: Server }> {
  const schema = buildSubgraphSchema({
    typeDefs: parse(NOTES_SDL),
    resolvers: {
      PortStatistic: {
        __resolveReference: (reference: { id: string }) => ({
          id: reference.id,
          owner: ownerOf(reference.id),
        }),
      },
    },
  });
  const server = createServer(createYoga({ schema, graphqlEndpoint: '/graphql', logging: false }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

const fixtures = useFixtures();
let hss: RunningGateway;
let notes: { url: string; server: Server };
beforeAll(async () => {
  hss = await fixtures.gateway(undefined); // the embedded demo
  notes = await startNotesSubgraph();
});
afterAll(async () => {
  notes.server.closeAllConnections();
  await new Promise<void>((resolve) => notes.server.close(() => resolve()));
});

function compose() {
  return composeServices([
    { name: 'hss', typeDefs: parse(printSubgraphSdl()), url: `${hss.url}/graphql` },
    { name: 'notes', typeDefs: parse(NOTES_SDL), url: notes.url },
  ]);
}

describe('the subgraph', () => {
  it('serves its federation SDL in _service, with @link and @key', async () => {
    const { body } = await hss.graphql('{ _service { sdl } }');
    expect(body.data._service.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.6"');
    expect(body.data._service.sdl).toMatch(/type PortStatistic implements Node\s+@key\(fields: "id"\)/);
  });

  it('composes with a second subgraph that extends PortStatistic', () => {
    const result = compose();
    expect(result.errors ?? []).toEqual([]);
    expect(result.supergraphSdl).toContain('owner: String! @join__field(graph: NOTES)');
  });
});

describe('a query through a real Apollo gateway', () => {
  let server: ApolloServer;
  beforeAll(async () => {
    const { supergraphSdl } = compose();
    server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: supergraphSdl as string }) });
    await server.start();
  });
  afterAll(() => server.stop());

  it('joins rows from this gateway with a field from the other subgraph', async () => {
    const response = await server.executeOperation({
      query:
        '{ portStatistics(filter: { status: DANGER }, page: { first: 5 }) { totalCount nodes { id port type status owner } } }',
    });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    const { data, errors } = response.body.singleResult;
    expect(errors).toBeUndefined();
    const nodes = (data as { portStatistics: { nodes: { port: number; status: string; owner: string }[] } })
      .portStatistics.nodes;
    expect(nodes).toHaveLength(5);
    for (const node of nodes) {
      expect(node.status).toBe('DANGER');
      expect(node.owner).toBe(node.port < 1024 ? 'platform-team' : 'app-team');
    }
  });
});
