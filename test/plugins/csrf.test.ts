/**
 * useCsrfCheck, in-process: a request a page on another origin could make a browser send without
 * a CORS preflight is refused unless it carries a header only a preflighted request can carry;
 * GET queries and JSON POSTs (what GraphQL clients send) run.
 */
import { type InProcessGateway, startInProcessGateway } from '../helpers/in-process.js';

// No upstream call: the budget field is answered by the gateway itself.
const QUERY = '{ rateLimit { used } }';

let gw: InProcessGateway;
beforeAll(async () => {
  gw = await startInProcessGateway();
});
afterAll(() => gw.close());

describe('CSRF', () => {
  it('a GET query runs without a preflight-forcing header (queries only; answers are private)', async () => {
    const response = await gw.fetch(`/graphql?query=${encodeURIComponent(QUERY)}`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { rateLimit: { used: 0 } } });
  });

  it('a JSON POST runs: it always preflights', async () => {
    const response = await gw.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(response.status).toBe(200);
  });

  it.each([
    ['a form POST', 'application/x-www-form-urlencoded', `query=${encodeURIComponent(QUERY)}`],
    ['a text/plain POST', 'text/plain', JSON.stringify({ query: QUERY })],
    ['a multipart POST', 'multipart/form-data; boundary=x', '--x\r\n\r\n--x--'],
  ])(
    '%s (a "simple" request) is refused, unless it carries a preflight header',
    async (_label, type, body) => {
      const send = (headers: Record<string, string>) =>
        gw.fetch('/graphql', { method: 'POST', headers: { 'content-type': type, ...headers }, body });
      const blocked = await send({});
      expect(blocked.status).toBe(403);
      expect(await blocked.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
      for (const header of ['apollo-require-preflight', 'x-graphql-yoga-csrf', 'x-auth-token']) {
        const proven = await send({ [header]: 'x' });
        expect(proven.status).not.toBe(403);
        await proven.arrayBuffer();
      }
    },
  );

  it('a mutation over GET is still refused by yoga (and the API has none)', async () => {
    const response = await gw.fetch(`/graphql?query=${encodeURIComponent('mutation { x }')}`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(405);
    await response.arrayBuffer();
  });
});
