/**
 * No caller is ever answered with another caller's data through HTTP caching: no 304 for an ETag
 * someone else was given, no 304 on paths that are not GraphQL, and GraphQL responses that no
 * shared cache (a proxy, a CDN) may store.
 */
import { request } from 'undici';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const QUERY =
  '{ portStatistics(filter: { status: DANGER }, page: { first: 3 }) { totalCount nodes { port } } }';

const fixtures = useFixtures();
let gw: RunningGateway;
beforeAll(async () => {
  // Only token-a is valid: caller B's token is refused by HSS. No service identity.
  const hss = await fixtures.emulator({ acceptAnyToken: false, tokens: ['token-a'] });
  gw = await fixtures.gateway(undefined, {
    HSS_ENDPOINT: hss.url,
    HSS_PROJECT_ID: 'p',
    CACHE_TTL_SECONDS: '60',
  });
});

async function post(headers: Record<string, string>) {
  const response = await request(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query: QUERY }),
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: text ? JSON.parse(text) : null };
}

describe("another caller's ETag", () => {
  it('never earns a 304: caller B with a refused token gets its own answer, not A`s rows', async () => {
    const a1 = await post({ 'x-auth-token': 'token-a' });
    const a2 = await post({ 'x-auth-token': 'token-a' }); // served from the response cache
    // A's answer is rows, not an error (HSS's quota is on: a 429 here would make the check below empty).
    expect(a1.body.errors).toBeUndefined();
    expect(a1.body.data.portStatistics.nodes.length).toBeGreaterThan(0);
    expect(a2.body.data).toEqual(a1.body.data);
    const etag = String(a2.headers.etag ?? a1.headers.etag ?? 'W/"made-up"');
    const b = await post({ 'x-auth-token': 'token-b', 'if-none-match': etag });
    expect(b.status).not.toBe(304);
    expect(b.body.data).toEqual({ portStatistics: null }); // none of A's rows
    expect(b.body.errors).toHaveLength(1);
    expect(b.body.errors[0].path).toEqual(['portStatistics']);
    expect(b.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('is not honoured with a Bearer token either', async () => {
    const a = await post({ authorization: 'Bearer token-a' });
    const etag = String(a.headers.etag ?? 'W/"made-up"');
    const b = await post({ authorization: 'Bearer token-b', 'if-none-match': etag });
    expect(b.status).toBe(200);
    expect(b.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('paths that are not GraphQL', () => {
  it('/metrics and /health answer in full whatever If-None-Match says', async () => {
    const a = await post({ 'x-auth-token': 'token-a' });
    await post({ 'x-auth-token': 'token-a' });
    const etag = String(a.headers.etag ?? 'W/"made-up"');
    for (const path of ['/metrics', '/health']) {
      const response = await request(`${gw.url}${path}`, { headers: { 'if-none-match': etag } });
      expect(response.statusCode).toBe(200);
      await response.body.dump();
    }
  });
});

describe('GraphQL responses are private', () => {
  it.each([
    ['a POST with data', () => post({ 'x-auth-token': 'token-a' })],
    ['a POST answered from the response cache', () => post({ 'x-auth-token': 'token-a' })],
    ['a POST with an error', () => post({ 'x-auth-token': 'token-b' })],
  ])('%s carries Cache-Control: private, no-store and Vary on the credential headers', async (_l, send) => {
    const { headers } = await send();
    expect(headers['cache-control']).toBe('private, no-store');
    const vary = String(headers.vary ?? '').toLowerCase();
    expect(vary).toContain('authorization');
    expect(vary).toContain('x-auth-token');
    expect(headers.etag).toBeUndefined();
  });

  it('a GET query too', async () => {
    const response = await request(`${gw.url}/graphql?query=${encodeURIComponent(QUERY)}`, {
      headers: { accept: 'application/json', 'x-auth-token': 'token-a' },
    });
    expect(response.headers['cache-control']).toBe('private, no-store');
    await response.body.dump();
  });
});
