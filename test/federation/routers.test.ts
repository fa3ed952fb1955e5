/**
 * Behind a router, the caller's token must reach HSS. For two real routers (in-process, over
 * loopback): with the router's own header propagation configured (the README's configs), HSS sees
 * the caller's token, in root fields and in `_entities` calls; without it, the subgraph either
 * refuses (HSS_REQUIRE_CALLER_TOKEN=true) or, by default, silently serves its service identity.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { printSubgraphSdl } from '../../src/schema/print.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { type Fixtures, useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import {
  apolloGateway,
  HSS_SUBGRAPH,
  hiveGateway,
  type RouterAdapter,
  type RunningRouter,
} from '../helpers/routers.js';

// A second team's subgraph: who owns each open port, and a watchlist of ports by id, so that the
// router must call this gateway's `_entities` for the ports' own fields.
const NOTES_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type PortStatistic @key(fields: "id") {
    id: ID!
    owner: String!
  }
  type Query {
    watchlist(ids: [ID!]!): [PortStatistic!]!
  }
`;

interface NotesSubgraph {
  url: string;
  server: Server;
  /** The X-Auth-Token and Authorization headers of each request it received. */
  tokens: (string | null)[];
}
async function startNotesSubgraph(): Promise<NotesSubgraph> {
  const tokens: (string | null)[] = [];
  const schema = buildSubgraphSchema({
    typeDefs: parse(NOTES_SDL),
    resolvers: {
      Query: { watchlist: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => ({ id })) },
      PortStatistic: { owner: () => 'app-team' },
    },
  });
  const yoga = createYoga({
    schema,
    graphqlEndpoint: '/graphql',
    logging: false,
    context: ({ request }) => {
      tokens.push(request.headers.get('x-auth-token'), request.headers.get('authorization'));
      return {};
    },
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server, tokens };
}

let notes: NotesSubgraph;
beforeAll(async () => {
  notes = await startNotesSubgraph();
});
afterAll(async () => {
  notes.server.closeAllConnections();
  await new Promise<void>((resolve) => notes.server.close(() => resolve()));
});

function supergraphWith(hss: RunningGateway): string {
  const { supergraphSdl, errors } = composeServices([
    { name: HSS_SUBGRAPH, typeDefs: parse(printSubgraphSdl()), url: `${hss.url}/graphql` },
    { name: 'notes', typeDefs: parse(NOTES_SDL), url: notes.url },
  ]);
  if (!supergraphSdl) throw new Error(`composition failed: ${errors?.map((e) => e.message).join('; ')}`);
  return supergraphSdl;
}

/** A strict HSS accepting one token, a gateway in front of it, and a router in front of that. */
interface Stack {
  hss: RunningEmulator;
  subgraph: RunningGateway;
  router: RunningRouter;
}
/** An emulator, the HSS subgraph and a router over it, closed by `fixtures`' hook. */
async function startStack(
  fixtures: Fixtures,
  adapter: RouterAdapter,
  acceptedToken: string,
  env: Record<string, string>,
  forwardCallerToken: boolean,
): Promise<Stack> {
  const hss = await fixtures.emulator({ acceptAnyToken: false, tokens: [acceptedToken] });
  const subgraph = await fixtures.gateway(undefined, {
    HSS_ENDPOINT: hss.url,
    HSS_PROJECT_ID: 'proj-1',
    ...env,
  });
  const router = fixtures.adopt(
    await adapter.start({
      supergraphSdl: supergraphWith(subgraph),
      forwardCallerToken,
    }),
  );
  return { hss, subgraph, router };
}

const SERVICE = { HSS_AUTH_TOKEN: 'service-token' };
const TOTAL = '{ portStatistics(page: { first: 1 }) { totalCount } }';
const DANGER =
  '{ portStatistics(filter: { status: DANGER }, page: { first: 3 }) { nodes { id port status owner } } }';
const WATCHLIST = 'query ($ids: [ID!]!) { watchlist(ids: $ids) { id port status owner } }';
/** The statuses HSS answered with, in order (its IAM and admin routes aside), since the last call. */
function hssStatuses(hss: RunningEmulator): number[] {
  const statuses = hss.received.filter((r) => r.path.startsWith('/v5/')).map((r) => r.status);
  hss.received.length = 0;
  return statuses;
}

describe.each([hiveGateway, apolloGateway])('behind $name', (adapter) => {
  describe("with the router's header propagation configured", () => {
    // HSS accepts the caller's token only: an answer with data proves that token reached it; had the
    // gateway used its service identity, HSS would have answered 401.
    const fixtures = useFixtures();
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack(fixtures, adapter, 'caller-token', SERVICE, true);
    });
    beforeEach(() => hssStatuses(stack.hss));

    it("X-Auth-Token reaches HSS, in root fields and in the router's _entities calls", async () => {
      const total = await stack.router.graphql(TOTAL, {}, { 'x-auth-token': 'caller-token' });
      expect(total.body).toEqual({ data: { portStatistics: { totalCount: 229 } } });
      expect(hssStatuses(stack.hss)).toEqual([200]);

      // The router joins `owner` from the other subgraph...
      const danger = await stack.router.graphql(DANGER, {}, { 'x-auth-token': 'caller-token' });
      expect(danger.body.errors).toBeUndefined();
      const nodes = danger.body.data.portStatistics.nodes;
      expect(nodes).toHaveLength(3);
      expect(nodes.every((n: any) => n.status === 'DANGER' && n.owner === 'app-team')).toBe(true);
      expect(hssStatuses(stack.hss)).toEqual([200]);

      // ...and here asks this gateway's _entities for the rows of ids the other subgraph returned.
      const ids = nodes.map((n: any) => n.id);
      const watched = await stack.router.graphql(WATCHLIST, { ids }, { 'x-auth-token': 'caller-token' });
      expect(watched.body).toEqual({ data: { watchlist: nodes } });
      expect(hssStatuses(stack.hss)).toEqual([200]);

      // The token went to this subgraph only: the other team's subgraph never saw it.
      expect(notes.tokens.length).toBeGreaterThan(0);
      expect(notes.tokens.every((token) => token === null)).toBe(true);
    });

    it('a token IAM does not vouch for is UNAUTHENTICATED for the client, with no data', async () => {
      const answer = await stack.router.graphql(TOTAL, {}, { 'x-auth-token': 'made-up' });
      // Both routers pass the subgraph's error on as it was, adding the subgraph's name.
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual({ portStatistics: null });
      expect(answer.body.errors).toEqual([
        {
          message: expect.stringContaining('IAM does not know this token'),
          path: ['portStatistics'],
          extensions: { code: 'UNAUTHENTICATED', reason: 'INVALID_TOKEN', serviceName: HSS_SUBGRAPH },
        },
      ]);
      // The made-up token reached IAM, not HSS, and the gateway did not fall back to its own.
      expect(stack.hss.received.filter((r) => r.path === '/v3/auth/tokens')).toHaveLength(1);
      expect(hssStatuses(stack.hss)).toEqual([]);
    });

    it('Authorization: Bearer reaches HSS too', async () => {
      const answer = await stack.router.graphql(TOTAL, {}, { authorization: 'Bearer caller-token' });
      expect(answer.body).toEqual({ data: { portStatistics: { totalCount: 229 } } });
      expect(hssStatuses(stack.hss)).toEqual([200]);
    });
  });

  describe("without it (the router's default: no client header reaches a subgraph)", () => {
    // HSS accepts the service token only, so an answer with data would be the service identity's.
    const perTest = useFixtures({ closeAfter: 'each' });
    const callerHeaders = { 'x-auth-token': 'caller-token', authorization: 'Bearer caller-token' };

    it('with HSS_REQUIRE_CALLER_TOKEN=true, the client gets UNAUTHENTICATED and HSS gets no call', async () => {
      const env = { ...SERVICE, HSS_REQUIRE_CALLER_TOKEN: 'true' };
      const stack = await startStack(perTest, adapter, 'service-token', env, false);
      const answer = await stack.router.graphql(TOTAL, {}, callerHeaders);
      expect(answer.body.data).toEqual({ portStatistics: null });
      expect(answer.body.errors).toHaveLength(1);
      expect(answer.body.errors?.[0]).toMatchObject({
        message: expect.stringContaining('HSS_REQUIRE_CALLER_TOKEN=true'),
        path: ['portStatistics'],
        extensions: { code: 'UNAUTHENTICATED', serviceName: HSS_SUBGRAPH },
      });
      expect(hssStatuses(stack.hss)).toEqual([]);
    });

    it('by default, the caller silently gets data served as the service identity', async () => {
      // The failure the issue reports, kept here as the reason HSS_REQUIRE_CALLER_TOKEN exists: the
      // caller's token never arrived, yet the answer looks like theirs.
      const stack = await startStack(perTest, adapter, 'service-token', SERVICE, false);
      const answer = await stack.router.graphql(TOTAL, {}, callerHeaders);
      expect(answer.body).toEqual({ data: { portStatistics: { totalCount: 229 } } });
      expect(hssStatuses(stack.hss)).toEqual([200]);
    });
  });
});
