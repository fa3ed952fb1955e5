import { useGatewayOnEmulator } from '../helpers/gateway-on-emulator.js';

/**
 * The same upstream query asked twice in one GraphQL operation costs one upstream call: the
 * per-request loader is keyed by the canonical upstream request. The emulator counts the calls.
 */

// The subject is calls saved within one operation, not HSS's flow control: the file makes more than
// 5 ListPortStatistics calls a minute from 127.0.0.1, so the emulator's quota is off.
const rig = useGatewayOnEmulator({}, { quotaPerMinute: 0 });

async function callsFor(query: string, headers?: Record<string, string>) {
  const before = rig.hss.received.length;
  const answer = await rig.gw.graphql(query, {}, headers);
  expect(answer.body.errors).toBeUndefined();
  return { data: answer.body.data, queries: rig.hss.received.slice(before).map((r) => r.query) };
}

describe('deduplication within one operation', () => {
  it('aliases of the same query cost one call', async () => {
    const { data, queries } = await callsFor(`{
      a: portStatistics(filter: { status: DANGER }) { totalCount }
      b: portStatistics(filter: { status: DANGER }) { nodes { port } }
      c: portStatistics(filter: { status: DANGER }) { edges { cursor } }
    }`);
    expect(queries).toEqual(['limit=200&status=danger']);
    expect(data.b.nodes).toHaveLength(10);
  });

  it('the same query through fragments costs one call', async () => {
    const { queries } = await callsFor(`
      query Dashboard { ...Header ...List }
      fragment Header on Query { header: portStatistics(filter: { category: HOST }) { totalCount } }
      fragment List on Query { list: portStatistics(filter: { category: HOST }) { nodes { id port } } }`);
    expect(queries).toEqual(['category=host&limit=200']);
  });

  it('arguments that make the same upstream request share it, however they are written', async () => {
    const { queries } = await callsFor(`{
      a: portStatistics(page: { first: 3 }) { totalCount }
      b: portStatistics(page: { first: 10 }) { totalCount }
      c: portStatistics(page: { offset: 0, first: 10 }) { totalCount }
      d: portStatistics(page: { first: 10 }, orderBy: { direction: ASC }) { totalCount }
      e: portStatistics(page: { first: 10 }, orderBy: { field: PORT, direction: ASC }) { totalCount }
      f: portStatistics(page: { first: 50, offset: 120 }) { totalCount }
      g: portStatistics(first: 5, orderBy: { direction: ASC }) { totalCount }
    }`);
    // Every window in the first 200 rows is cut from the block at offset 0 (limit=200, no offset);
    // the sort is a parameter of its own.
    expect(queries.sort()).toEqual(['limit=200', 'limit=200&sort_dir=asc&sort_key=port']);
  });

  it('a node lookup of a row the list already fetched costs nothing more for the same query', async () => {
    const first = await callsFor('{ portStatistics(filter: { port: 22, type: TCP }) { nodes { id } } }');
    const id = first.data.portStatistics.nodes[0].id as string;
    const { data, queries } = await callsFor(`{
      list: portStatistics(filter: { port: 22, type: TCP }) { nodes { id num } }
      node(id: "${id}") { ... on PortStatistic { id num } }
      again: node(id: "${id}") { id }
      nodes(ids: ["${id}", "${id}"]) { id }
    }`);
    expect(queries).toEqual(['limit=200&port=22&type=TCP']);
    expect(data.node).toEqual(data.list.nodes[0]);
  });

  it('distinct queries are sent concurrently, one call each', async () => {
    const { queries } = await callsFor(`{
      danger: portStatistics(filter: { status: DANGER }, page: { first: 0 }) { totalCount }
      normal: portStatistics(filter: { status: NORMAL }, page: { first: 0 }) { totalCount }
      unknown: portStatistics(filter: { status: UNKNOWN }, page: { first: 0 }) { totalCount }
    }`);
    expect(queries.sort()).toEqual([
      'limit=200&status=danger',
      'limit=200&status=normal',
      'limit=200&status=unknown',
    ]);
  });

  it('two GraphQL requests are two operations: each pays for its own call (the cross-request cache is off: CACHE_TTL_SECONDS=0)', async () => {
    const query = '{ portStatistics(filter: { type: UDP6 }) { totalCount } }';
    expect((await callsFor(query)).queries).toHaveLength(1);
    expect((await callsFor(query)).queries).toHaveLength(1);
  });
});

describe('node and nodes', () => {
  it('node(id) refetches exactly that row in its scope', async () => {
    const list = await callsFor(
      '{ portStatistics(filter: { category: CONTAINER, enterpriseProjectId: "ep-staging" }, page: { first: 3 }) { nodes { id port type num status } } }',
    );
    const row = list.data.portStatistics.nodes[2];
    const { data, queries } = await callsFor(
      `{ node(id: "${row.id}") { ... on PortStatistic { id port type num status } } }`,
    );
    expect(data.node).toEqual(row);
    expect(queries).toEqual([
      `category=container&enterprise_project_id=ep-staging&limit=200&port=${row.port}&type=${row.type}`,
    ]);
  });

  it('ids are stable: the same row in the same scope has the same id, whatever else was filtered', async () => {
    const a = await callsFor('{ portStatistics(filter: { port: 443, type: TCP }) { nodes { id } } }');
    const b = await callsFor(
      '{ portStatistics(filter: { portString: "443", status: NORMAL }, page: { first: 50 }) { nodes { id port type } } }',
    );
    const row = b.data.portStatistics.nodes.find(
      (n: { port: number; type: string }) => n.port === 443 && n.type === 'TCP',
    );
    expect(row.id).toBe(a.data.portStatistics.nodes[0].id);
    const otherScope = await callsFor(
      '{ portStatistics(filter: { port: 443, type: TCP, category: HOST }) { nodes { id } } }',
    );
    expect(otherScope.data.portStatistics.nodes[0].id).not.toBe(row.id);
  });

  it('a row that is gone resolves to null', async () => {
    const { data } = await callsFor(
      '{ portStatistics(filter: { enterpriseProjectId: "ep-production", port: 22, type: TCP }) { nodes { id } } }',
    );
    // The same id, but for a project the emulator has no enterprise project "ep-production" rows in.
    const id = Buffer.from(
      Buffer.from(data.portStatistics.nodes[0].id, 'base64').toString().replace('ep-production', 'ep-gone'),
    ).toString('base64');
    expect((await callsFor(`{ node(id: "${id}") { id } }`)).data.node).toBeNull();
  });

  it('an id this API did not issue is BAD_USER_INPUT with no upstream call', async () => {
    const before = rig.hss.received.length;
    const bogus = Buffer.from('PortStatistic:["not","a","key"]').toString('base64');
    const answer = await rig.gw.graphql(`{ node(id: "${bogus}") { id } }`);
    expect(answer.body.errors?.[0]).toMatchObject({
      message: 'id is not a PortStatistic id this API issued.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(rig.hss.received.length).toBe(before);
  });
});
