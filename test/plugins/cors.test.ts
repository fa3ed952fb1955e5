/**
 * CORS, in-process: what each origin may read. A listed origin gets itself back with credentials;
 * any other origin, `null` (a sandboxed iframe, a file:// page) included, gets no CORS header at all;
 * `*` lets any origin read, never with credentials; and answers vary by Origin.
 */
import { type InProcessGateway, startInProcessGateway } from '../helpers/in-process.js';

const DASHBOARD = 'https://dashboard.example.com';
const ADMIN = 'https://admin.example.com';

async function ask(gw: InProcessGateway, origin: string) {
  const response = await gw.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ query: '{ rateLimit { used } }' }),
  });
  await response.arrayBuffer();
  return {
    allowOrigin: response.headers.get('access-control-allow-origin'),
    credentials: response.headers.get('access-control-allow-credentials'),
    exposed: response.headers.get('access-control-expose-headers'),
    vary: response.headers.get('vary'),
  };
}

describe('CORS with two named origins', () => {
  let gw: InProcessGateway;
  beforeAll(async () => {
    gw = await startInProcessGateway({ CORS_ORIGINS: `${DASHBOARD},${ADMIN}` });
  });
  afterAll(() => gw.close());

  it.each([DASHBOARD, ADMIN])(
    '%s reads its answers, with credentials, Retry-After and the request id',
    async (origin) => {
      const seen = await ask(gw, origin);
      expect(seen).toMatchObject({
        allowOrigin: origin,
        credentials: 'true',
        exposed: 'x-request-id, retry-after',
      });
      expect(seen.vary).toMatch(/\bOrigin\b/);
    },
  );

  it.each(['null', 'https://evil.example', 'https://dashboard.example.com.evil.example'])(
    '%s gets no CORS header at all',
    async (origin) => {
      expect(await ask(gw, origin)).toMatchObject({ allowOrigin: null, credentials: null, exposed: null });
    },
  );

  it('a preflight of a listed origin allows the documented headers', async () => {
    const response = await gw.fetch('/graphql', {
      method: 'OPTIONS',
      headers: {
        origin: DASHBOARD,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'traceparent,apollographql-client-name,authorization',
      },
    });
    expect(response.status).toBe(204);
    const allowed = response.headers.get('access-control-allow-headers')?.split(', ') ?? [];
    expect(allowed).toEqual(
      expect.arrayContaining(['traceparent', 'apollographql-client-name', 'authorization']),
    );
    expect(response.headers.get('access-control-max-age')).toBe('600');
  });
});

describe('CORS with one named origin', () => {
  it('answers an unlisted origin nothing, and varies by Origin', async () => {
    const gw = await startInProcessGateway({ CORS_ORIGINS: DASHBOARD });
    try {
      expect((await ask(gw, DASHBOARD)).vary).toMatch(/\bOrigin\b/);
      expect(await ask(gw, 'null')).toMatchObject({ allowOrigin: null, credentials: null });
    } finally {
      await gw.close();
    }
  });
});

describe('CORS_ORIGINS=*', () => {
  it('any origin reads, without credentials', async () => {
    const gw = await startInProcessGateway({ CORS_ORIGINS: '*' });
    try {
      expect(await ask(gw, 'https://anyone.example')).toMatchObject({
        allowOrigin: 'https://anyone.example',
        credentials: null,
      });
    } finally {
      await gw.close();
    }
  });
});
