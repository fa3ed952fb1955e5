/**
 * Beside another Relay subgraph (its own `Node` and `Query.node`/`nodes`): what each composer
 * needs from it, and where each real router (in-process, over loopback) sends `node(id:)` and
 * `nodes(ids:)` once both are in one supergraph. Neither router reads the id: both choose a
 * subgraph by the selection, so these tests ask what a client asks and assert what it gets.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices as composeWithApollo } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices as composeWithGuild } from '@theguild/federation-composition';
import { type GraphQLError, parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { printSubgraphSdl } from '../../src/schema/print.js';
import { useDemoGateway, useFixtures } from '../helpers/fixtures.js';
import { apolloGateway, hiveGateway, type RunningRouter } from '../helpers/routers.js';

/**
 * A second team's Relay subgraph: `shareable` puts `@shareable` on its node and nodes, `common`
 * declares, without resolving it, one of this subgraph's Node types in its own Node.
 */
function teamsSdl({ shareable, common }: { shareable: boolean; common: boolean }): string {
  const share = shareable ? ' @shareable' : '';
  return `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])
    interface Node { id: ID! }
    type Team implements Node @key(fields: "id") { id: ID! name: String! }
    ${common ? 'type PortStatistic implements Node @key(fields: "id", resolvable: false) { id: ID! }' : ''}
    type Query {
      node(id: ID!): Node${share}
      nodes(ids: [ID!]!): [Node]!${share}
      teams: [Team!]!
    }
  `;
}
/** What the docs tell a second Relay subgraph to declare. */
const TEAMS_SDL = teamsSdl({ shareable: true, common: true });

const TEAM = { id: Buffer.from('Team:1').toString('base64'), name: 'platform-team' };

interface TeamsSubgraph {
  url: string;
  server: Server;
  /** The operations the routers sent it, in order. */
  received: string[];
}
/** Resolves its own ids, and any other id to null, as Relay servers usually do. */
async function startTeamsSubgraph(): Promise<TeamsSubgraph> {
  const received: string[] = [];
  const teamById = (id: string) => (id === TEAM.id ? TEAM : null);
  const schema = buildSubgraphSchema({
    typeDefs: parse(TEAMS_SDL),
    resolvers: {
      Query: {
        node: (_: unknown, { id }: { id: string }) => teamById(id),
        nodes: (_: unknown, { ids }: { ids: string[] }) => ids.map(teamById),
        teams: () => [TEAM],
      },
      Node: { __resolveType: () => 'Team' },
      Team: { __resolveReference: ({ id }: { id: string }) => teamById(id) },
    },
  });
  const yoga = createYoga({
    schema,
    graphqlEndpoint: '/graphql',
    logging: false,
    plugins: [{ onParams: ({ params }) => void received.push(params.query ?? '') }],
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server, received };
}

const fixtures = useFixtures();
// The demo as shipped: its snapshot answers every PortStatistic lookup of the file from two calls.
const demo = useDemoGateway();

// One PortStatistic and one PortServer of the demo, as this subgraph answers them itself.
interface Row {
  id: string;
  port: number;
  type: string;
  num: number;
  server: { id: string; hostName: string };
}
async function demoRow(): Promise<Row> {
  const answer = await demo.gw.graphql(
    '{ portStatistics(page: { first: 1 }) { nodes { id port type num servers(first: 1) { nodes { id hostName } } } } }',
  );
  const { servers, ...row } = answer.body.data.portStatistics.nodes[0];
  return { ...row, server: servers.nodes[0] };
}

let teams: TeamsSubgraph;
let row: Row;
beforeAll(async () => {
  teams = await startTeamsSubgraph();
  row = await demoRow();
});
afterAll(async () => {
  teams.server.closeAllConnections();
  await new Promise<void>((resolve) => teams.server.close(() => resolve()));
});
beforeEach(() => {
  teams.received.length = 0;
});

// "teams" sorts after "hss-ports": both composers list subgraphs by name, and each router breaks a
// tie between them by that order (see the `{ id }` tests).
function subgraphs(teamsSdlText = TEAMS_SDL, teamsName = 'teams') {
  return [
    { name: 'hss-ports', typeDefs: parse(printSubgraphSdl()), url: `${demo.gw.url}/graphql` },
    { name: teamsName, typeDefs: parse(teamsSdlText), url: teams.url },
  ];
}
const codes = (errors: readonly GraphQLError[] | undefined) =>
  (errors ?? []).map((error) => error.extensions.code);

describe('composition beside a second Relay subgraph', () => {
  it('as most are written (node and nodes not shareable), both composers refuse it', () => {
    const sdl = teamsSdl({ shareable: false, common: false });
    for (const result of [composeWithApollo(subgraphs(sdl)), composeWithGuild(subgraphs(sdl))]) {
      expect(codes(result.errors)).toEqual(['INVALID_FIELD_SHARING', 'INVALID_FIELD_SHARING']);
      expect(result.errors?.[0]?.message).toContain('defined as non-shareable in subgraph "teams"');
    }
  });

  it("with @shareable on its node and nodes, Hive's composer accepts it; Apollo's wants a Node type in common", () => {
    const sdl = teamsSdl({ shareable: true, common: false });
    expect(composeWithGuild(subgraphs(sdl)).errors).toBeUndefined();
    const apollo = composeWithApollo(subgraphs(sdl));
    expect(codes(apollo.errors)).toEqual([
      'SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES',
      'SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES',
    ]);
    expect(apollo.errors?.[0]?.message).toContain('non-intersecting set of possible runtime types');
  });

  it('with a PortStatistic declared (not resolved) in its Node besides, both composers accept it', () => {
    expect(composeWithGuild(subgraphs()).errors).toBeUndefined();
    const apollo = composeWithApollo(subgraphs());
    expect(apollo.errors).toBeUndefined();
    // Apollo's hint is its query planner's rule: node and nodes resolve only to types in common.
    expect((apollo.hints ?? []).map((hint) => hint.definition.code)).toEqual(
      expect.arrayContaining(['INCONSISTENT_RUNTIME_TYPES_FOR_SHAREABLE_RETURN']),
    );
  });
});

// Relay's refetch query for a fragment on PortStatistic: the shape `@refetchable` generates.
const REFETCH_PORT_STATISTIC = `
  query PortStatisticRefetchQuery($id: ID!) { node(id: $id) { __typename ...PortStatisticRow id } }
  fragment PortStatisticRow on PortStatistic { port type num }
`;
const PORT_SERVER = `
  query ($id: ID!) { node(id: $id) { __typename ...PortServerRow id } }
  fragment PortServerRow on PortServer { hostName }
`;
const TEAM_NODE = 'query ($id: ID!) { node(id: $id) { __typename id ... on Team { name } } }';
const ID_ONLY = 'query ($id: ID!) { node(id: $id) { id } }';
const BOTH_TYPES =
  'query ($id: ID!) { node(id: $id) { __typename id ... on PortStatistic { port } ... on Team { name } } }';

describe('node(id:) through Hive Gateway', () => {
  // Hive Gateway sends a shared root field to the subgraph whose schema holds most of the
  // selection, and what that one lacks to another that has it; the id itself is never read.
  let router: RunningRouter;
  beforeAll(async () => {
    const { supergraphSdl } = composeWithGuild(subgraphs());
    router = fixtures.adopt(await hiveGateway.start({ supergraphSdl: supergraphSdl as string }));
  });

  it("Relay's refetch query for a PortStatistic reaches this subgraph and answers its row", async () => {
    const answer = await router.graphql(REFETCH_PORT_STATISTIC, { id: row.id });
    expect(answer.body).toEqual({
      data: {
        node: { __typename: 'PortStatistic', id: row.id, port: row.port, type: row.type, num: row.num },
      },
    });
    expect(teams.received).toEqual([]);
  });

  it("a PortServer id asked with PortServer's fields reaches this subgraph too", async () => {
    const answer = await router.graphql(PORT_SERVER, { id: row.server.id });
    expect(answer.body).toEqual({
      data: { node: { __typename: 'PortServer', id: row.server.id, hostName: row.server.hostName } },
    });
    expect(teams.received).toEqual([]);
  });

  it('nodes(ids:) with ids of both types of this subgraph answers both', async () => {
    const answer = await router.graphql(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on PortStatistic { port } ... on PortServer { hostName } } }`,
      { ids: [row.id, row.server.id] },
    );
    expect(answer.body).toEqual({
      data: {
        nodes: [
          { __typename: 'PortStatistic', id: row.id, port: row.port },
          { __typename: 'PortServer', id: row.server.id, hostName: row.server.hostName },
        ],
      },
    });
    expect(teams.received).toEqual([]);
  });

  it("the other subgraph's id, asked with its type's fields, still reaches the other subgraph", async () => {
    const answer = await router.graphql(TEAM_NODE, { id: TEAM.id });
    expect(answer.body).toEqual({ data: { node: { __typename: 'Team', id: TEAM.id, name: TEAM.name } } });
    expect(teams.received).toEqual(['query($id:ID!){node(id:$id){__typename id ...on Team{name}}}']);
  });

  it("a selection that names no type's field goes to one subgraph for every id: here, the other one", async () => {
    // Both subgraphs hold `Node.id`: the tie goes to the subgraph last by name, which answers null
    // for an id it did not issue.
    const ours = await router.graphql(ID_ONLY, { id: row.id });
    expect(ours.body).toEqual({ data: { node: null } });
    const theirs = await router.graphql(ID_ONLY, { id: TEAM.id });
    expect(theirs.body).toEqual({ data: { node: { id: TEAM.id } } });
    expect(teams.received).toHaveLength(2);
  });

  it("fragments on both subgraphs' types in one selection do not answer this subgraph's row", async () => {
    // The selection is split between the two subgraphs; the other one's null for this id wins.
    const answer = await router.graphql(BOTH_TYPES, { id: row.id });
    expect(answer.body.data).toEqual({ node: null });
    expect(answer.body.errors?.map((error) => error.path)).toEqual([['node', 'id']]);
  });
});

describe('node(id:) through @apollo/gateway', () => {
  // Apollo's query planner picks one subgraph for `node` by plan cost and subgraph order, and drops
  // the fragments on types not in every subgraph's Node: the id is never read there either.
  let router: RunningRouter;
  beforeAll(async () => {
    const { supergraphSdl } = composeWithApollo(subgraphs());
    router = fixtures.adopt(await apolloGateway.start({ supergraphSdl: supergraphSdl as string }));
  });

  it("Relay's refetch query for a PortStatistic (the type in common) reaches this subgraph", async () => {
    const answer = await router.graphql(REFETCH_PORT_STATISTIC, { id: row.id });
    expect(answer.body).toEqual({
      data: {
        node: { __typename: 'PortStatistic', id: row.id, port: row.port, type: row.type, num: row.num },
      },
    });
    expect(teams.received).toEqual([]);
  });

  it("a PortServer id reaches this subgraph, but PortServer's fields are dropped from the plan", async () => {
    // PortServer is not in the other subgraph's Node, so the planner treats it as impossible here.
    const answer = await router.graphql(PORT_SERVER, { id: row.server.id });
    expect(answer.body).toEqual({
      data: { node: { __typename: 'PortServer', id: row.server.id, hostName: null } },
    });
    expect(teams.received).toEqual([]);
  });

  it("the other subgraph's id goes to this subgraph too, which refuses it", async () => {
    const answer = await router.graphql(TEAM_NODE, { id: TEAM.id });
    expect(answer.body.data).toEqual({ node: null });
    expect(answer.body.errors).toEqual([
      expect.objectContaining({
        path: ['node'],
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', serviceName: 'hss-ports' }),
      }),
    ]);
    expect(teams.received).toEqual([]);
  });

  it("a selection that names no type's field goes to this subgraph: here, the first by name", async () => {
    const answer = await router.graphql(ID_ONLY, { id: row.id });
    expect(answer.body).toEqual({ data: { node: { id: row.id } } });
    expect(teams.received).toEqual([]);
  });
});

describe("which subgraph gets a selection that names no type's field", () => {
  // The same two subgraphs, the other one now named "accounts", before "hss-ports": each router's
  // tie goes the other way.
  it('Hive Gateway: the last by name, now this subgraph', async () => {
    const { supergraphSdl } = composeWithGuild(subgraphs(TEAMS_SDL, 'accounts'));
    const router = fixtures.adopt(await hiveGateway.start({ supergraphSdl: supergraphSdl as string }));
    expect((await router.graphql(ID_ONLY, { id: row.id })).body).toEqual({ data: { node: { id: row.id } } });
    expect(teams.received).toEqual([]);
  });

  it('@apollo/gateway: the first by name, now the other subgraph', async () => {
    const { supergraphSdl } = composeWithApollo(subgraphs(TEAMS_SDL, 'accounts'));
    const router = fixtures.adopt(await apolloGateway.start({ supergraphSdl: supergraphSdl as string }));
    expect((await router.graphql(ID_ONLY, { id: row.id })).body).toEqual({ data: { node: null } });
    expect(teams.received).toHaveLength(1);
  });
});
