/**
 * The cost limit counts upstream calls, and nothing buys more than MAX_OPERATION_COST of them: lists
 * by their pages, `_entities` and `nodes(ids:)` by the scopes their ids name, whatever plugins add to
 * a document. An operation over the limit is refused before anything runs, as the other validation
 * errors are (HTTP 400); where the estimate is short of what the data needs, the operation still
 * stops at the limit.
 */
import { encodeGlobalID } from '@pothos/plugin-relay';
import { encodePortStatisticKey } from '../../src/port-statistics/node-id.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const fixtures = useFixtures();
const perTest = useFixtures({ closeAfter: 'each' });
let hss: RunningEmulator;
// 100 rows per enterprise project and category: a project's merged scope fits one upstream page of
// 200, the merge of all enterprise projects (600 rows) does not. The subject is the cost limit, not
// HSS's flow control: the file makes more than 5 ListPortStatistics calls a minute from 127.0.0.1,
// so the emulator's quota is off.
beforeAll(async () => {
  hss = await fixtures.emulator({ rowsPerScope: 100, quotaPerMinute: 0 });
});
const gateway = (env: Record<string, string> = {}) => perTest.gateway(hss, env);
const upstreamCalls = async (run: () => Promise<unknown>) => {
  const before = hss.received.length;
  await run();
  return hss.received.length - before;
};
const lists = (n: number, first: number) =>
  `{ ${Array.from(
    { length: n },
    (_, i) =>
      `l${i}: portStatistics(filter: { portString: "${i + 1}" }, page: { first: ${first} }) { totalCount nodes { port } }`,
  ).join(' ')} }`;
const idOf = (projectId: string, port = 22, enterpriseProjectId?: string) =>
  encodeGlobalID(
    'PortStatistic',
    encodePortStatisticKey({
      scope: enterpriseProjectId ? { projectId, enterpriseProjectId } : { projectId },
      port,
      type: 'TCP',
    }),
  );

describe('lists', () => {
  it.each(['0', '60'])('first: 1000 costs 5 with CACHE_TTL_SECONDS=%s', async (ttl) => {
    const exact = await gateway({ CACHE_TTL_SECONDS: ttl, MAX_OPERATION_COST: '5' });
    expect((await exact.graphql(lists(1, 1000))).body.errors).toBeUndefined();
    const short = await gateway({ CACHE_TTL_SECONDS: ttl, MAX_OPERATION_COST: '4' });
    const refused = await short.graphql(lists(1, 1000));
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ limit: 'cost', cost: 5, maxCost: 4 });
  });

  it.each(['0', '60'])(
    'five first: 1000 lists fit the default limit of 25 (CACHE_TTL_SECONDS=%s)',
    async (ttl) => {
      const gw = await gateway({ CACHE_TTL_SECONDS: ttl });
      const answer = await gw.graphql(lists(5, 1000));
      expect(answer.body.errors).toBeUndefined();
      expect(Object.keys(answer.body.data)).toHaveLength(5);
    },
  );

  it('a window is priced by the blocks of 200 it touches', async () => {
    const one = await gateway({ MAX_OPERATION_COST: '1' });
    const list = (page: string) => `{ portStatistics(page: ${page}) { totalCount nodes { port } } }`;
    for (const page of ['{ first: 200 }', '{ first: 10, offset: 190 }', '{ first: 10, offset: 230 }'])
      expect((await one.graphql(list(page))).body.errors).toBeUndefined();
    const crossing = await one.graphql(list('{ first: 20, offset: 190 }'));
    expect(crossing.body.errors?.[0]?.extensions).toMatchObject({ limit: 'cost', cost: 2, maxCost: 1 });
    const unaligned = await one.graphql(list('{ first: 1000, offset: 10 }'));
    expect(unaligned.body.errors?.[0]?.extensions).toMatchObject({ limit: 'cost', cost: 6, maxCost: 1 });
  });

  it('an operation over the limit is HTTP 400 and calls nothing', async () => {
    const gw = await gateway();
    let answer: Awaited<ReturnType<RunningGateway['graphql']>> | undefined;
    expect(await upstreamCalls(async () => (answer = await gw.graphql(lists(6, 1000))))).toBe(0);
    expect(answer?.status).toBe(400);
    expect(answer?.body.data).toBeUndefined();
    expect(answer?.body.errors?.[0]).toMatchObject({
      message:
        'This operation could cost up to 30 upstream calls; the gateway allows 25 per operation (MAX_OPERATION_COST). Ask for fewer rows, or for the servers of one port with portServers instead of servers under a list.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', cost: 30, maxCost: 25 },
    });
  });
});

describe('_entities and nodes(ids:)', () => {
  const ENTITIES =
    'query ($r: [_Any!]!) { _entities(representations: $r) { ... on PortStatistic { id num } } }';
  const representations = (ids: string[]) => ({ r: ids.map((id) => ({ __typename: 'PortStatistic', id })) });

  it('200 representations of 200 different scopes are refused, never 200 calls', async () => {
    const gw = await gateway();
    const ids = Array.from({ length: 200 }, (_, i) => idOf(`p${i}`));
    let answer: Awaited<ReturnType<RunningGateway['graphql']>> | undefined;
    const calls = await upstreamCalls(
      async () => (answer = await gw.graphql(ENTITIES, representations(ids))),
    );
    expect(calls).toBe(0);
    expect(answer?.status).toBe(400);
    expect(answer?.body.errors?.[0]?.extensions).toMatchObject({ limit: 'cost', cost: 200, maxCost: 25 });
  });

  it('50 representations of one scope cost what one scope costs', async () => {
    const gw = await gateway({ MAX_OPERATION_COST: '1' });
    const ids = Array.from({ length: 50 }, (_, i) => idOf('p', 1000 + i));
    const answer = await gw.graphql(ENTITIES, representations(ids));
    expect(answer.body.errors).toBeUndefined();
  });

  it('nodes(ids:) is priced the same way', async () => {
    const gw = await gateway({ MAX_OPERATION_COST: '3' });
    const query = 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    const four = ['a', 'b', 'c', 'd'].map((p) => idOf(p));
    expect((await gw.graphql(query, { ids: four })).body.errors?.[0]?.extensions?.limit).toBe('cost');
    const oneScope = [1, 2, 3, 4, 5, 6].map((port) => idOf('a', port));
    expect((await gw.graphql(query, { ids: oneScope })).body.errors).toBeUndefined();
  });

  it('where a scope needs more calls than estimated, the operation stops at the limit', async () => {
    // Ports far apart in a 600-row scope: the first page of 200 holds few of them, so the planner
    // asks for more pages or ports than the one call per scope the estimate counts.
    const gw = await gateway({ MAX_OPERATION_COST: '2' });
    const ids = [22, 30000, 40000, 50000, 60000].flatMap((port) => [
      idOf('x', port, 'all_granted_eps'),
      idOf('y', port, 'all_granted_eps'),
    ]);
    let answer: Awaited<ReturnType<RunningGateway['graphql']>> | undefined;
    const calls = await upstreamCalls(
      async () => (answer = await gw.graphql(ENTITIES, representations(ids))),
    );
    expect(calls).toBeLessThanOrEqual(2);
    const codes = new Set(answer?.body.errors?.map((e) => e.extensions?.code));
    expect(codes).toEqual(new Set(['COST_LIMIT_EXCEEDED']));
  });
});
