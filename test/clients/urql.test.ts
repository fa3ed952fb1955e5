/**
 * urql 6, set up as its documentation and docs/frontend.md show: the default client (which sends queries
 * as GET) works against the gateway as it is, and graphcache with docs/frontend.md's options (taken
 * from that page itself) merges the pages of a filtered list into one with the stock
 * `relayPagination()`, and has no type it cannot key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, cacheExchange as documentCacheExchange, fetchExchange } from '@urql/core';
import { type CacheExchangeOpts, cacheExchange } from '@urql/exchange-graphcache';
import { buildSchema, isObjectType } from 'graphql';
import { DangerousPortsAndServersDocument, DashboardDocument } from '../../schema/generated/graphql.js';
import { DEMO_AUTH_TOKEN } from '../../src/config.js';
import { DANGEROUS_PORTS, type DangerousPortsData } from '../helpers/dangerous-ports.js';
import { useDemoGateway } from '../helpers/fixtures.js';
import { runSnippet, snippetOf } from '../helpers/snippets.js';

const demo = useDemoGateway(); // the embedded demo, as `npm start` serves it

/** The options docs/frontend.md's urql snippet gives graphcache, captured as it passes them. */
function readmeGraphcacheOptions(): CacheExchangeOpts {
  let options: CacheExchangeOpts | undefined;
  runSnippet(
    snippetOf('docs/frontend.md', "from '@urql/exchange-graphcache'"),
    { token: 'demo' },
    {
      '@urql/exchange-graphcache': {
        cacheExchange: (given: CacheExchangeOpts) => {
          options = given;
          return cacheExchange(given);
        },
      },
    },
  );
  if (!options) throw new Error("docs/frontend.md's urql snippet passes graphcache no options");
  return options;
}

/** docs/frontend.md's `fetchOptions`: the caller's token (here the demo's), which urql's GETs carry. */
const withToken = () => ({ headers: { 'x-auth-token': DEMO_AUTH_TOKEN } });

/** A graphcache client with docs/frontend.md's options, against the demo. */
const readmeClient = () =>
  new Client({
    url: `${demo.gw.url}/graphql`,
    fetchOptions: withToken,
    exchanges: [cacheExchange(readmeGraphcacheOptions()), fetchExchange],
  });

/** The global fetch, recording each request's method. */
function recordingFetch(methods: string[]): typeof fetch {
  return (input, init) => {
    methods.push(init?.method ?? 'GET');
    return fetch(input, init);
  };
}

describe("urql's default client", () => {
  it('sends queries as GET with the caller`s token, and they are answered', async () => {
    const methods: string[] = [];
    const client = new Client({
      url: `${demo.gw.url}/graphql`,
      fetchOptions: withToken,
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

  it('a GET with no header a browser preflights (any web page could send it) spends nothing', async () => {
    const client = new Client({ url: `${demo.gw.url}/graphql`, exchanges: [fetchExchange] });
    // Never fetched: refused, with what to send; no call.
    const servers = await client
      .query('query { portServers(port: 4444) { totalCount } }', {}, { requestPolicy: 'network-only' })
      .toPromise();
    expect(servers.error?.graphQLErrors[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'PREFLIGHT_REQUIRED',
    });
    expect(servers.extensions?.cost).toMatchObject({ upstreamCalls: 0 });
    // Fetched already (the test above): answered, still with no call.
    const listed = await client
      .query<DangerousPortsData>(DANGEROUS_PORTS, { filter: { status: 'DANGER' }, first: 5 })
      .toPromise();
    expect(listed.error).toBeUndefined();
    expect(listed.extensions?.cost).toMatchObject({ upstreamCalls: 0 });
  });
});

describe('urql with graphcache and relayPagination', () => {
  it('pages through a filtered list and holds exactly totalCount rows, none twice', async () => {
    const client = readmeClient();
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

describe("graphcache with docs/frontend.md's keys", () => {
  it('has a key for every type of the schema without an id', () => {
    const schema = buildSchema(readFileSync(join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8'));
    const keyless = Object.values(schema.getTypeMap())
      .filter(
        (type) =>
          isObjectType(type) &&
          !type.name.startsWith('__') &&
          type !== schema.getQueryType() &&
          type !== schema.getSubscriptionType(),
      )
      .filter((type) => isObjectType(type) && !('id' in type.getFields()))
      .map((type) => type.name);
    expect(keyless.length).toBeGreaterThan(5);
    expect(keyless.filter((name) => !(name in (readmeGraphcacheOptions().keys ?? {})))).toEqual([]);
  });

  it('warns of nothing on the shipped operations: the dashboard, services and servers', async () => {
    const warnings: string[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation((...args) => {
      warnings.push(args.join(' '));
    });
    try {
      const client = readmeClient();
      const dashboard = await client.query(DashboardDocument, { category: 'HOST' }).toPromise();
      expect(dashboard.error).toBeUndefined();
      const drillDown = await client
        .query(DangerousPortsAndServersDocument, { first: 2, serversPerPort: 3 })
        .toPromise();
      expect(drillDown.error).toBeUndefined();
      expect(drillDown.data?.portStatistics?.nodes[0]?.servers?.nodes.length).toBeGreaterThan(0);
    } finally {
      warn.mockRestore();
    }
    expect(warnings).toEqual([]);
  });
});
