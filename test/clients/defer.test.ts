/**
 * `@defer` with the real clients, as each documents it: the rows come first and a drill-down's
 * servers after, in two parts of one multipart/mixed answer, through the gateway's own HTTP
 * handler (which relays a streamed answer as it comes); each part says its cost so far. Apollo
 * Client 4 with its `Defer20220824Handler`, urql with its default fetchExchange. A deferred part
 * that fails carries the contract's error, and the rows before it stay.
 */
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { Client, fetchExchange } from '@urql/core';
import { parse } from 'graphql';
import { from } from 'rxjs';
import { request } from 'undici';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const DEFERRED = parse(`query RdpWithServers {
  portStatistics(filter: { port: 3389, type: TCP }) {
    nodes {
      id
      port
      num
      ... @defer(label: "servers") {
        servers(first: 2) { totalCount nodes { id hostName } }
      }
    }
  }
}`);

interface DeferredData {
  portStatistics: {
    nodes: {
      id: string;
      port: number;
      num: number;
      servers?: { totalCount: number; nodes: { hostName: string }[] };
    }[];
  };
}

const fixtures = useFixtures({ closeAfter: 'each' });
let gw: RunningGateway;

/** The parts of a multipart/mixed answer, as JSON, in order. */
function partsOf(body: string): Record<string, unknown>[] {
  return body
    .split(/\r\n---/)
    .map((part) => part.slice(part.indexOf('{')))
    .filter((part) => part.startsWith('{'))
    .map((part) => JSON.parse(part.slice(0, part.lastIndexOf('}') + 1)));
}

describe('@defer', () => {
  beforeEach(async () => {
    // As shipped, but for fetching ahead: the quota each part reports is its own.
    gw = await fixtures.gateway(undefined, { HOSTS_FETCH_AHEAD_ROWS: '0' }, { asShipped: true });
  });

  it('on the wire: rows first, servers in a later part, each part with its cost so far', async () => {
    const response = await request(`${gw.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed;deferSpec=20220824,application/graphql-response+json,application/json;q=0.9',
      },
      body: JSON.stringify({ query: DEFERRED.loc?.source.body }),
    });
    expect(response.headers['content-type']).toMatch(/^multipart\/mixed/);
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
    const parts = partsOf(await response.body.text());
    expect(parts).toHaveLength(2);
    const [rows, servers] = parts as [Record<string, any>, Record<string, any>];
    expect(rows.hasNext).toBe(true);
    expect(rows.data.portStatistics.nodes[0]).toEqual({ id: expect.any(String), port: 3389, num: 16 });
    expect(servers).toMatchObject({
      hasNext: false,
      incremental: [{ path: ['portStatistics', 'nodes', 0], data: { servers: { totalCount: 16 } } }],
    });
    // The statistics table was read for the rows; ListPortHost once, for the deferred part.
    expect(rows.extensions.cost.budgets.ListPortHost.remaining).toBe(5);
    expect(servers.extensions.cost.upstreamCalls).toBe(rows.extensions.cost.upstreamCalls + 1);
    expect(servers.extensions.cost.budgets.ListPortHost.remaining).toBe(4);
  });

  it('Apollo Client 4 with Defer20220824Handler: the rows, then the same rows with their servers', async () => {
    const apollo = new ApolloClient({
      link: new HttpLink({ uri: `${gw.url}/graphql` }),
      cache: new InMemoryCache(),
      incrementalHandler: new Defer20220824Handler(),
    });
    const seen: { state: string; servers: number | undefined }[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = from(
        apollo.watchQuery<DeferredData>({ query: DEFERRED, fetchPolicy: 'network-only' }),
      ).subscribe({
        next: (result) => {
          if (result.dataState === 'empty') return;
          const row = result.data?.portStatistics?.nodes?.[0];
          seen.push({ state: result.dataState, servers: row?.servers?.totalCount });
          if (result.dataState === 'complete') {
            subscription.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    });
    expect(seen[0]).toEqual({ state: 'streaming', servers: undefined });
    expect(seen.at(-1)).toEqual({ state: 'complete', servers: 16 });
  });

  it('urql with its default fetchExchange: two results, the second with the servers', async () => {
    const urql = new Client({ url: `${gw.url}/graphql`, exchanges: [fetchExchange], preferGetMethod: false });
    const results: DeferredData[] = [];
    await new Promise<void>((resolve) => {
      const { unsubscribe } = urql.query<DeferredData>(DEFERRED, {}).subscribe((result) => {
        expect(result.error).toBeUndefined();
        if (result.data) results.push(result.data);
        if (!result.hasNext) {
          unsubscribe();
          resolve();
        }
      });
    });
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results[0]?.portStatistics.nodes[0]?.servers).toBeUndefined();
    expect(results.at(-1)?.portStatistics.nodes[0]?.servers?.totalCount).toBe(16);
  });

  it("a deferred part the quota refuses carries the contract's RATE_LIMITED, and the rows stay", async () => {
    const limited = await fixtures.gateway(
      undefined,
      { HSS_RATE_LIMIT_PER_MINUTE: '2', HOSTS_FETCH_AHEAD_ROWS: '0' },
      { asShipped: true },
    );
    // ListPortHost's budget is its own: two drill-downs spend it.
    for (const port of [22, 80]) await limited.graphql(`{ portServers(port: ${port}) { totalCount } }`);
    const response = await request(`${limited.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({ query: DEFERRED.loc?.source.body }),
    });
    const [rows, servers] = partsOf(await response.body.text()) as [Record<string, any>, Record<string, any>];
    expect(rows.data.portStatistics.nodes[0].port).toBe(3389);
    expect(servers.incremental[0].errors[0]).toMatchObject({
      path: ['portStatistics', 'nodes', 0, 'servers'],
      extensions: {
        code: 'RATE_LIMITED',
        api: 'ListPortHost',
        budget: 'caller',
        retryAfter: expect.any(Number),
      },
    });
  });
});
