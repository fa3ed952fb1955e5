/**
 * Relay 21, as an app builds and runs it: relay-compiler compiles the modules of
 * `relay/documents.ts` against the committed SDL, and relay-runtime runs the artifacts it wrote
 * against the embedded demo, paging as usePaginationFragment and refetching as
 * useRefetchableFragment do (`relay/runtime.ts`): `@connection` over `first`/`after` and
 * `last`/`before`, a row's `servers` through `node(id:)`, and a row refetched by its id.
 */
import { ROOT_ID } from 'relay-runtime';
import { DEMO_AUTH_TOKEN } from '../../src/config.js';
import { useDemoGateway } from '../helpers/fixtures.js';
import { useRelayArtifacts } from './relay/compile.js';
import {
  loadMore,
  type ReadConnection,
  readConnection,
  readFragment,
  refetch,
  relayEnvironment,
  storedEdges,
  viewQuery,
} from './relay/runtime.js';

const demo = useDemoGateway(); // the embedded demo, as `npm start` serves it

const relay = useRelayArtifacts();

const DANGER = { status: 'DANGER' };

function environment(sent?: string[]) {
  return relayEnvironment(`${demo.gw.url}/graphql`, DEMO_AUTH_TOKEN, sent);
}

/** 10, 20, 30, ... then the rest: each page merged into the connection, not replacing it. */
function growing(total: number, page: number): number[] {
  return Array.from({ length: Math.ceil(total / page) }, (_, i) => Math.min(total, (i + 1) * page));
}

/**
 * loadNext (or loadPrevious) until the connection says there is no more, each page's size
 * recorded as the connection holds it; at most one page more than totalCount needs, so a cursor that
 * does not move fails the test instead of looping.
 */
async function pageToEnd(
  read: () => ReadConnection,
  load: () => Promise<void>,
  direction: 'forward' | 'backward',
  size: number,
): Promise<{ ids: string[]; total: number; held: number[] }> {
  let connection = read();
  const total = connection.totalCount;
  const held = [connection.edges.length];
  const more = () =>
    direction === 'forward' ? connection.pageInfo.hasNextPage : connection.pageInfo.hasPreviousPage;
  while (more() && held.length <= Math.ceil(total / size)) {
    await load();
    connection = read();
    held.push(connection.edges.length);
  }
  return { ids: connection.edges.map((e) => e.node.id), total, held };
}

/** The ids of the whole filtered list in one page, from the same compiled query. */
async function wholeList(total: number): Promise<string[]> {
  const env = environment();
  const root = await viewQuery(env, relay.request('PortListQuery'), { first: total, filter: DANGER });
  return readConnection(env, relay.fragment('PortList_query'), root).edges.map((e) => e.node.id);
}

describe('a @connection paged forward with first/after (loadNext)', () => {
  it('holds every row exactly once, totalCount rows in the store`s connection', async () => {
    const env = environment();
    const list = relay.fragment('PortList_query');
    const root = await viewQuery(env, relay.request('PortListQuery'), { first: 10, filter: DANGER });
    const { ids, total, held } = await pageToEnd(
      () => readConnection(env, list, root),
      () => loadMore(env, list, root, 'forward', 10),
      'forward',
      10,
    );
    expect(total).toBeGreaterThan(20);
    expect(new Set(ids).size).toBe(total);
    expect(held).toEqual(growing(total, 10));
    expect(ids).toEqual(await wholeList(total));
    expect(storedEdges(env, ROOT_ID, 'PortList_portStatistics', { filter: DANGER })).toEqual(ids);
  });
});

describe('a @connection paged backward with last/before from the end (loadPrevious)', () => {
  it('holds every row exactly once, in the list`s order', async () => {
    const env = environment();
    const list = relay.fragment('PortList_query');
    const root = await viewQuery(env, relay.request('PortListQuery'), { last: 10, filter: DANGER });
    expect(readConnection(env, list, root).pageInfo.hasNextPage).toBe(false);
    const { ids, total, held } = await pageToEnd(
      () => readConnection(env, list, root),
      () => loadMore(env, list, root, 'backward', 10),
      'backward',
      10,
    );
    expect(new Set(ids).size).toBe(total);
    expect(held).toEqual(growing(total, 10));
    expect(ids).toEqual(await wholeList(total));
    expect(storedEdges(env, ROOT_ID, 'PortList_portStatistics', { filter: DANGER })).toEqual(ids);
  });
});

describe("a row's servers @connection, paged through node(id:) (loadNext on a Node)", () => {
  it('holds every server of the row exactly once, totalCount in the store`s connection', async () => {
    const sent: string[] = [];
    const env = environment(sent);
    const root = await viewQuery(env, relay.request('PortListQuery'), { first: 50, filter: DANGER });
    // A TCP row with 5 to 10 servers: 2 to 4 pages of 3. The demo lists a row's servers with one
    // ListPortHost call, and the whole file spends 2 ListPortStatistics calls: no clock move needed.
    const row = readConnection(env, relay.fragment('PortList_query'), root).edges.find(
      ({ node }) => node.type === 'TCP' && Number(node.num) >= 5 && Number(node.num) <= 10,
    )?.node;
    if (!row) throw new Error('the demo has no TCP row with 5 to 10 servers');
    const servers = relay.fragment('PortServers_statistic');
    const view = await viewQuery(env, relay.request('PortServersQuery'), { id: row.id, count: 3 });
    const ref = (view.node as Record<string, unknown>).PortServers_statistic;
    const { ids, total, held } = await pageToEnd(
      () => readConnection(env, servers, ref),
      () => loadMore(env, servers, ref, 'forward', 3),
      'forward',
      3,
    );
    expect(total).toBeGreaterThan(3);
    expect(new Set(ids).size).toBe(total);
    expect(held).toEqual(growing(total, 3));
    expect(storedEdges(env, row.id, 'PortServers_servers')).toEqual(ids);
    // Each further page is the query relay-compiler wrote for the fragment: node(id:) with a cursor.
    expect(sent).toEqual([
      'PortListQuery',
      'PortServersQuery',
      ...held.slice(1).map(() => 'PortServersPaginationQuery'),
    ]);
    expect(relay.request('PortServersPaginationQuery').params.text).toContain('node(id: $id)');
  });
});

describe('a row refetched by node(id:) (refetch of a @refetchable fragment)', () => {
  it('answers the row the list showed, through the refetch query relay-compiler wrote', async () => {
    const sent: string[] = [];
    const env = environment(sent);
    const root = await viewQuery(env, relay.request('PortListQuery'), { first: 5, filter: DANGER });
    const row = readConnection(env, relay.fragment('PortList_query'), root).edges[0]?.node;
    if (!row) throw new Error('the list is empty');
    const fragment = relay.fragment('PortRow_statistic');
    const shown = readFragment(env, fragment, row);
    expect(shown).toMatchObject({ port: row.port, type: row.type, num: row.num, status: 'DANGER' });
    const ref = await refetch(env, fragment, row.id);
    expect(sent).toEqual(['PortListQuery', 'PortRowRefetchQuery']);
    expect(relay.request('PortRowRefetchQuery').params.text).toContain('node(id: $id)');
    expect(readFragment(env, fragment, ref)).toEqual(shown);
  });
});
