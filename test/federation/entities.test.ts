/**
 * `_entities` (and `node`/`nodes`) resolve PortStatistics from their id alone, batched per scope, so
 * a supergraph asking for many entities costs as few upstream calls as the data allows; a row that
 * is gone is null, a malformed id an error for that entity only.
 */
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const fixtures = useFixtures();
const perTest = useFixtures({ closeAfter: 'each' });
let hss: RunningEmulator;
let gw: RunningGateway;
// Hosts: 150 rows per enterprise project (one upstream page); containers: 450 (three pages).
// The subject is how few calls entities cost, not HSS's flow control: the file makes far more than 5
// ListPortStatistics calls a minute from 127.0.0.1, so the emulator's quota is off.
beforeAll(async () => {
  hss = await fixtures.emulator({ rowsPerScope: 450, quotaPerMinute: 0 });
  gw = await fixtures.gateway(hss);
});

const ENTITIES = '_entities(representations: $representations) { ... on PortStatistic { id port type num } }';
const entities = (ids: string[]) =>
  gw.graphql(`query ($representations: [_Any!]!) { ${ENTITIES} }`, {
    representations: ids.map((id) => ({ __typename: 'PortStatistic', id })),
  });

async function rows(filter: string, first: number) {
  const answer = await gw.graphql(
    `{ portStatistics(filter: ${filter}, page: { first: ${first} }) { nodes { id port type num } } }`,
  );
  return answer.body.data.portStatistics.nodes as { id: string; port: number; type: string; num: number }[];
}

async function upstreamCallsOf<T>(run: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
  const before = hss.received.length;
  const result = await run();
  return { result, queries: hss.received.slice(before).map((r) => r.query) };
}

describe('_entities', () => {
  it('50 entities of a scope that fits one upstream page cost one call', async () => {
    const small = await perTest.emulator({ rowsPerScope: 150 });
    const smallGw = await perTest.gateway(small);
    const list = (
      await smallGw.graphql(
        '{ portStatistics(filter: { category: HOST }, page: { first: 150 }) { nodes { id port type num } } }',
      )
    ).body.data.portStatistics.nodes as { id: string }[];
    const picked = list.filter((_, i) => i % 3 === 0).slice(0, 50);
    expect(picked).toHaveLength(50);
    const before = small.received.length;
    const answer = await smallGw.graphql(`query ($representations: [_Any!]!) { ${ENTITIES} }`, {
      representations: picked.map((row) => ({ __typename: 'PortStatistic', id: row.id })),
    });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data._entities).toEqual(picked);
    expect(small.received.slice(before).map((r) => r.query)).toEqual(['category=host&limit=200']);
  });

  it('50 entities of a larger scope cost the first page plus the cheaper of the remaining pages or per-port calls', async () => {
    const all = await rows('{ category: CONTAINER }', 1000);
    const wanted = all.filter((_, i) => i % 9 === 0).slice(0, 50);
    const { result, queries } = await upstreamCallsOf(() => entities(wanted.map((row) => row.id)));
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data._entities).toEqual(wanted);
    // The unfiltered container view holds more than 200 rows: page one, then the remaining pages.
    const pages = Math.ceil(all.length / 200);
    expect(queries.sort()).toEqual(
      [
        'category=container&limit=200',
        ...Array.from(
          { length: pages - 1 },
          (_, i) => `category=container&limit=200&offset=${(i + 1) * 200}`,
        ),
      ].sort(),
    );
  });

  it('two entities of different ports where few remain unfound: per-port calls, not every page', async () => {
    const all = await rows('{ category: CONTAINER }', 1000);
    const late = all.slice(-1)[0];
    const early = all[0];
    if (!late || !early) throw new Error('the emulator should have container rows');
    const { queries } = await upstreamCallsOf(() => entities([early.id, late.id]));
    // Page one finds the early port; one call for the late port beats the remaining pages.
    expect(queries.sort()).toEqual(
      ['category=container&limit=200', `category=container&limit=200&port=${late.port}`].sort(),
    );
  });

  it('entities of two scopes are planned per scope, concurrently', async () => {
    const [host] = await rows('{ category: HOST }', 1);
    const [container] = await rows('{ category: CONTAINER }', 1);
    if (!host || !container) throw new Error('the emulator should have rows');
    const { result, queries } = await upstreamCallsOf(() => entities([host.id, container.id]));
    expect(result.body.data._entities).toEqual([host, container]);
    expect(queries.sort()).toEqual(
      [
        `category=container&limit=200&port=${container.port}&type=${container.type}`,
        `category=host&limit=200&port=${host.port}&type=${host.type}`,
      ].sort(),
    );
  });

  it('an id whose row is gone resolves to null; a malformed id fails only its own entity', async () => {
    const [row] = await rows('{ category: HOST }', 1);
    if (!row) throw new Error('the emulator should have rows');
    const gone = Buffer.from(
      Buffer.from(row.id, 'base64')
        .toString()
        .replace(/,(\d+),"/, ',65000,"'),
    ).toString('base64');
    const answer = await entities([row.id, gone, 'not-an-id']);
    expect(answer.body.data._entities).toEqual([row, null, null]);
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors?.[0]).toMatchObject({
      path: ['_entities', 2],
      extensions: { code: 'BAD_USER_INPUT', argument: 'id' },
    });
  });
});

describe('node and nodes', () => {
  it('nodes(ids) is planned as one batch, and a malformed id fails only its item', async () => {
    const some = (await rows('{ category: HOST, enterpriseProjectId: "ep-production" }', 20)).slice(5, 15);
    const { result, queries } = await upstreamCallsOf(() =>
      gw.graphql(
        `{ nodes(ids: [${[...some.map((r) => `"${r.id}"`), '"bad"'].join(', ')}]) { id ... on PortStatistic { port type num } } }`,
      ),
    );
    expect(result.body.data.nodes).toEqual([...some, null]);
    expect(result.body.errors?.map((e) => e.path)).toEqual([['nodes', 10]]);
    expect(queries).toEqual(['category=host&enterprise_project_id=ep-production&limit=200']);
  });

  it("another type's id is BAD_USER_INPUT", async () => {
    const answer = await gw.graphql(`{ node(id: "${Buffer.from('User:42').toString('base64')}") { id } }`);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
