/**
 * useRequestId, in-process: every answer names its request, with the caller's id when it is a sane
 * one and a new UUID otherwise (an id goes into every log line, so odd ones are not trusted).
 */
import { type InProcessGateway, startInProcessGateway } from '../helpers/in-process.js';

let gw: InProcessGateway;
beforeAll(async () => {
  gw = await startInProcessGateway();
});
afterAll(() => gw.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function idOf(headers: Record<string, string>): Promise<string | null> {
  const response = await gw.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ rateLimit { used } }' }),
  });
  await response.arrayBuffer();
  return response.headers.get('x-request-id');
}

describe('request ids', () => {
  it("echoes the caller's id when it is a sane one", async () => {
    expect(await idOf({ 'x-request-id': 'client-req.42:a_b-c' })).toBe('client-req.42:a_b-c');
  });

  it.each([
    ['none', {}],
    ['one with spaces and quotes', { 'x-request-id': 'bad id with "quotes"' }],
    ['one over 128 characters', { 'x-request-id': 'a'.repeat(129) }],
  ])('gives a new UUID for %s', async (_label, headers: Record<string, string>) => {
    expect(await idOf(headers)).toMatch(UUID);
  });

  it('a refused request is named too', async () => {
    const response = await gw.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-request-id')).toMatch(UUID);
    await response.arrayBuffer();
  });
});
