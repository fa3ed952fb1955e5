/**
 * urql 6, set up as its documentation shows: the default client (which sends queries as GET) works
 * against the gateway as it is, and graphcache's stock `relayPagination()` merges the pages of a
 * filtered list into one, because `first`/`after` are top-level arguments of `portStatistics`.
 */
import { Client, cacheExchange as documentCacheExchange, fetchExchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';
import { DANGEROUS_PORTS, type DangerousPortsData } from '../helpers/dangerous-ports.js';
import { useDemoGateway } from '../helpers/fixtures.js';

const demo = useDemoGateway(); // the embedded demo, as `npm start` serves it

/** The global fetch, recording each request's method. */
function recordingFetch(methods: string[]): typeof fetch {
  return (input, init) => {
    methods.push(init?.method ?? 'GET');
    return fetch(input, init);
  };
}

describe("urql's default client", () => {
  it('sends queries as GET, and they are answered', async () => {
    const methods: string[] = [];
    const client = new Client({
      url: `${demo.gw.url}/graphql`,
      exchanges: [documentCacheExchange, fetchExchange],
      fetch: recordingFetch(methods),
    });
    const result = await client
      .query<DangerousPortsData>(DANGEROUS_PORTS, { filter: { status: 'DANGER' }, first: 5 })
      .toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data?.portStatistics.edges).toHaveLength(5);
    expect(methods).toEqual(['GET']);
  });
});

describe('urql with graphcache and relayPagination', () => {
  it('pages through a filtered list and holds exactly totalCount rows, none twice', async () => {
    const client = new Client({
      url: `${demo.gw.url}/graphql`,
      exchanges: [
        cacheExchange({
          // Connections, edges and pageInfo have no id of their own: they live inside their parent.
          keys: { PortStatisticConnection: () => null, PortStatisticEdge: () => null, PageInfo: () => null },
          resolvers: { Query: { portStatistics: relayPagination() } },
        }),
        fetchExchange,
      ],
    });
    const filter = { status: 'DANGER' };
    const held: number[] = [];
    let result = await client.query<DangerousPortsData>(DANGEROUS_PORTS, { filter, first: 10 }).toPromise();
    const total = result.data?.portStatistics.totalCount ?? 0;
    expect(total).toBeGreaterThan(20);
    held.push(result.data?.portStatistics.edges.length ?? 0);
    while (result.data?.portStatistics.pageInfo.hasNextPage) {
      const after = result.data.portStatistics.pageInfo.endCursor;
      result = await client
        .query<DangerousPortsData>(DANGEROUS_PORTS, { filter, first: 10, after })
        .toPromise();
      expect(result.error).toBeUndefined();
      held.push(result.data?.portStatistics.edges.length ?? 0);
    }
    const ids = result.data?.portStatistics.edges.map((e) => e.node.id) ?? [];
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(held).toEqual(
      Array.from({ length: Math.ceil(total / 10) }, (_, i) => Math.min(total, (i + 1) * 10)),
    );
  });
});
