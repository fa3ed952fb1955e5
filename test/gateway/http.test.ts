/** What a browser or a probe sees over HTTP: GraphiQL from the gateway itself, /health, GET queries. */
import { request } from 'undici';
import { useDemoGateway } from '../helpers/fixtures.js';

const demo = useDemoGateway(); // the embedded default, as `npm start` runs it

describe('GraphiQL', () => {
  it('is served to browsers from the gateway itself, loading nothing from a CDN', async () => {
    const response = await request(`${demo.gw.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    const html = await response.body.text();
    expect(html).toContain('HSS open-port statistics');
    // No script or stylesheet from another origin: every src/href is relative or inline.
    const external = [...html.matchAll(/(?:src|href)\s*=\s*["'](https?:)?\/\/[^"']+["']/g)].map((m) => m[0]);
    expect(external).toEqual([]);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr\.net|cdnjs/);
  });

  it('opens on an example query that works against the demo data', async () => {
    const html = await (
      await request(`${demo.gw.url}/graphql`, { headers: { accept: 'text/html' } })
    ).body.text();
    const { GRAPHIQL_EXAMPLE_QUERY } = await import('../../src/http/graphiql-example.js');
    expect(html).toContain(JSON.stringify(GRAPHIQL_EXAMPLE_QUERY).slice(1, 60));
    const answer = await demo.gw.graphql(GRAPHIQL_EXAMPLE_QUERY);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.portStatistics.edges.length).toBeGreaterThan(0);
  });
});

describe('/health', () => {
  it('answers 200 without touching the upstream', async () => {
    let upstreamCalls = 0;
    const count = () => upstreamCalls++;
    demo.gw.gateway.emulator?.on('request', count);
    const response = await request(`${demo.gw.url}/health`);
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    demo.gw.gateway.emulator?.off('request', count);
    expect(upstreamCalls).toBe(0);
  });
});

describe('GraphQL over HTTP', () => {
  it('answers GET queries that carry a header a browser cannot send without a preflight', async () => {
    const query = encodeURIComponent('{ portStatistics(page: { first: 1 }) { totalCount } }');
    const response = await request(`${demo.gw.url}/graphql?query=${query}`, {
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(response.statusCode).toBe(200);
    const body = (await response.body.json()) as { data: { portStatistics: { totalCount: number } } };
    expect(body.data.portStatistics.totalCount).toBeGreaterThan(0);
  });

  it('answers a syntax error with GRAPHQL_PARSE_FAILED', async () => {
    const answer = await demo.gw.graphql('{ portStatistics {');
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});
