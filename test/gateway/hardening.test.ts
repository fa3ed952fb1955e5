/**
 * Request limits and hardening: each limit refuses a crafted request with a clear error and makes
 * no upstream call; body size, introspection, GraphiQL, CORS, trusted documents, masking (CSRF:
 * test/plugins/csrf.test.ts).
 */
import { connect } from 'node:net';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { request } from 'undici';
import { DashboardDocument } from '../../schema/generated/graphql.js';
import { encodePortStatisticKey } from '../../src/port-statistics/node-id.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const fixtures = useFixtures();
let hss: RunningEmulator;
beforeAll(async () => {
  // HSS's quota is not this file's subject, and its tests share one emulator for more than 5 calls.
  hss = await fixtures.emulator({ quotaPerMinute: 0 });
});
const gateway = (env: Record<string, string> = {}) => fixtures.gateway(hss, env);

/** Sends a query and answers the error, having checked that HSS saw nothing. */
async function refused(gw: RunningGateway, query: string) {
  const before = hss.received.length;
  const answer = await gw.graphql(query);
  expect(hss.received.length).toBe(before);
  expect(answer.body.data ?? null).toBeNull();
  return answer.body.errors?.[0];
}

const aliases = (n: number) =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: portStatistics(filter: { port: ${i + 1} }) { totalCount }`).join(' ')} }`;

describe('limits, refused before any upstream call', () => {
  it('an alias bomb', async () => {
    const gw = await gateway();
    const error = await refused(gw, aliases(16));
    expect(error?.message).toMatch(/Aliases limit of 15 exceeded/);
    expect(error?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('a query deeper than MAX_QUERY_DEPTH', async () => {
    const gw = await gateway({ MAX_QUERY_DEPTH: '3' });
    const error = await refused(gw, '{ portStatistics { edges { node { id } } } }');
    expect(error?.message).toMatch(/Query depth limit of 3 exceeded/);
    expect(error?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('more tokens than MAX_TOKENS', async () => {
    const gw = await gateway({ MAX_TOKENS: '100' });
    const error = await refused(gw, `{ portStatistics { ${'totalCount '.repeat(120)} } }`);
    expect(error?.message).toMatch(/Token limit of 100 exceeded/);
    expect(error?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('more directives than MAX_DIRECTIVES', async () => {
    const gw = await gateway({ MAX_DIRECTIVES: '2' });
    const error = await refused(
      gw,
      '{ portStatistics { totalCount @include(if: true) @skip(if: false) @include(if: true) } }',
    );
    expect(error?.message).toMatch(/Directives limit of 2 exceeded/);
  });

  it('an operation that could cost more upstream calls than MAX_OPERATION_COST', async () => {
    const gw = await gateway({ MAX_OPERATION_COST: '10' });
    // Two fields of first: 1000 are five upstream pages each: cost 10 passes, 11 does not.
    const error = await refused(
      gw,
      '{ a: portStatistics(page: { first: 1000 }) { totalCount } b: portStatistics(page: { first: 1000 }) { totalCount } c: portStatistics { totalCount } }',
    );
    expect(error).toMatchObject({
      message:
        'This operation could cost up to 11 upstream calls; the gateway allows 10 per operation (MAX_OPERATION_COST). Ask for fewer rows, or for the servers of one port with portServers instead of servers under a list.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', cost: 11, maxCost: 10 },
    });
    const fits = await gw.graphql(
      '{ a: portStatistics(page: { first: 1000 }) { totalCount } b: portStatistics(page: { first: 1000 }) { totalCount } }',
    );
    expect(fits.body.errors).toBeUndefined();
  });

  it('nodes(ids) costs one call per scope its ids name (test/gateway/cost.test.ts)', async () => {
    const gw = await gateway({ MAX_OPERATION_COST: '3' });
    const ids = ['a', 'b', 'c', 'd'].map((projectId) =>
      encodeGlobalID(
        'PortStatistic',
        encodePortStatisticKey({ scope: { projectId }, port: 22, type: 'TCP' }),
      ),
    );
    expect((await refused(gw, `{ nodes(ids: ${JSON.stringify(ids)}) { id } }`))?.extensions?.limit).toBe(
      'cost',
    );
  });
});

describe('requests', () => {
  it('a body over MAX_REQUEST_BYTES is refused with 413 before it is read', async () => {
    const gw = await gateway({ MAX_REQUEST_BYTES: '2048' });
    const response = await request(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ portStatistics { totalCount } } # ${'x'.repeat(4000)}` }),
    });
    expect(response.statusCode).toBe(413);
    expect(await response.body.json()).toEqual({
      errors: [
        { message: expect.stringContaining('at most 2048'), extensions: { code: 'PAYLOAD_TOO_LARGE' } },
      ],
    });
  });

  it('a body of unannounced length (chunked) is refused with 411, however long it would run', async () => {
    const gw = await gateway({ MAX_REQUEST_BYTES: '2048' });
    const { port } = new URL(gw.url);
    const socket = connect(Number(port), '127.0.0.1');
    const answer = new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (text.includes('\r\n\r\n') && text.includes('}]}')) resolve(text);
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    socket.write(
      'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = JSON.stringify({ query: `{ portStatistics { totalCount } } # ${'x'.repeat(4000)}` });
    socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`);
    const text = await answer;
    socket.destroy();
    expect(text).toMatch(/^HTTP\/1\.1 411 /);
    expect(text).toContain('LENGTH_REQUIRED');
  });

  it('bodies being read are bounded in sum (HTTP_MAX_BYTES_IN_FLIGHT): one more is 503, retried once they are read', async () => {
    const gw = await gateway({ HTTP_MAX_BYTES_IN_FLIGHT: '100000' });
    const { port } = new URL(gw.url);
    // Two senders announce 45 KB each and send nothing yet: 90 KB held.
    const slow = [0, 1].map(() => {
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(
        'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 45000\r\n\r\n',
      );
      return socket;
    });
    const post = () =>
      request(`${gw.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ rateLimit { used } } # ${'x'.repeat(20_000)}` }),
      });
    let busy = await post();
    // The two may not have been read yet: the first refusal comes once they are.
    while (busy.statusCode === 200) {
      await busy.body.dump();
      busy = await post();
    }
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe('1');
    expect(await busy.body.json()).toEqual({
      errors: [{ message: expect.stringContaining('retry'), extensions: { code: 'SERVICE_UNAVAILABLE' } }],
    });
    for (const socket of slow) socket.destroy();
    await Promise.all(slow.map((socket) => new Promise((closed) => socket.once('close', closed))));
    let served = await post();
    while (served.statusCode === 503) {
      await served.body.dump();
      served = await post();
    }
    expect(served.statusCode).toBe(200);
    await served.body.dump();
  });
});

describe('switches for production', () => {
  it('INTROSPECTION=false refuses introspection, GRAPHIQL=false serves no GraphiQL, queries still run', async () => {
    const gw = await gateway({ INTROSPECTION: 'false', GRAPHIQL: 'false' });
    const error = await refused(gw, '{ __schema { types { name } } }');
    expect(error?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const page = await request(`${gw.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.body.text()).not.toContain('<html');
    expect((await gw.graphql('{ portStatistics { totalCount } }')).body.errors).toBeUndefined();
  });

  it('with introspection off, field suggestions are not given away either', async () => {
    const gw = await gateway({ INTROSPECTION: 'false' });
    const error = await refused(gw, '{ portStatistics { totalCont } }');
    expect(error?.message).not.toContain('Did you mean');
  });
});

describe('CORS', () => {
  it('same-origin only by default: no Access-Control-Allow-Origin for a foreign origin', async () => {
    const gw = await gateway();
    const response = await request(`${gw.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    await response.body.dump();
  });

  it('CORS_ORIGINS lets the named frontends in, and no others', async () => {
    const gw = await gateway({ CORS_ORIGINS: 'https://dashboard.example.com' });
    const preflight = (origin: string) =>
      request(`${gw.url}/graphql`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-auth-token',
        },
      });
    const allowed = await preflight('https://dashboard.example.com');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://dashboard.example.com');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('x-auth-token');
    await allowed.body.dump();
    const other = await preflight('https://evil.example');
    expect(other.headers['access-control-allow-origin']).not.toBe('https://evil.example');
    await other.body.dump();
  });
});

describe('trusted documents (TRUSTED_DOCUMENTS=true)', () => {
  it('runs an operation of the committed manifest by its hash, and nothing else', async () => {
    const gw = await gateway({ TRUSTED_DOCUMENTS: 'true' });
    const hash = (DashboardDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;
    const trusted = await request(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
        variables: {},
      }),
    });
    const body = (await trusted.body.json()) as {
      data?: { summary: { totalCount: number } };
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    expect(body.data?.summary.totalCount).toBeGreaterThan(0);

    const error = await refused(gw, '{ portStatistics { totalCount } }');
    expect(error?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');

    const unknown = await request(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }),
    });
    const unknownBody = (await unknown.body.json()) as { errors: { extensions: { code: string } }[] };
    expect(unknownBody.errors[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});
