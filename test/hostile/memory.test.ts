/**
 * What a hostile caller sends to fill the gateway's memory, against the process as `npm start`
 * runs it (its heap limit included), on the embedded demo (no token needed): distinct variables
 * under a few documents, distinct documents, and both at once. None of it needs an upstream call.
 * After each, the process is up, `/health` answers, and another caller still gets data.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { type ServerProcess, startServer } from '../helpers/server-process.js';

let server: ServerProcess;
beforeEach(async () => {
  server = await startServer({ CACHE_TTL_SECONDS: '60' });
});
afterEach(() => server.stop());

async function post(body: unknown): Promise<number> {
  const response = await request(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.body.dump();
  return response.statusCode;
}

/** `count` requests, `parallel` at a time; each answer's status. */
async function flood(count: number, parallel: number, bodyOf: (i: number) => unknown): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - i) }, (_, k) => post(bodyOf(i + k)));
    statuses.push(...(await Promise.all(batch)));
  }
  return statuses;
}

/** A document that needs no upstream call, made distinct by its name; a variable of ~95 KB beside it. */
const withVariable = (i: number) => ({
  query: `query Budget${Math.floor(i / 64)} { rateLimit { used } }`,
  variables: { pad: randomBytes(71_000).toString('base64') },
});

/** A distinct document of 300 fields (about 1.5 KB), none of which calls HSS. */
const manyFields = (i: number) => ({
  query: `query Fields${i} { rateLimit { ${'used '.repeat(300)}} }`,
});

async function expectStillServing(): Promise<void> {
  expect(server.alive).toBe(true);
  expect((await request(`${server.url}/health`)).statusCode).toBe(200);
  const answer = await request(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-auth-token': 'demo-token-for-the-embedded-hss-emulator',
    },
    body: JSON.stringify({ query: '{ portStatistics(first: 3) { totalCount nodes { port } } }' }),
  });
  const body = (await answer.body.json()) as { data?: { portStatistics: { nodes: unknown[] } | null } };
  expect(body.data?.portStatistics?.nodes).toHaveLength(3);
}

describe('memory, bounded in bytes, whatever a caller sends', () => {
  it('20 documents, each asked 64 times with a distinct 95 KB variable', async () => {
    const statuses = await flood(20 * 64, 8, withVariable);
    expect(statuses.every((status) => status === 200)).toBe(true);
    await expectStillServing();
  }, 180_000);

  it('1,500 distinct documents of 300 fields', async () => {
    const statuses = await flood(1500, 8, manyFields);
    expect(statuses.every((status) => status === 200)).toBe(true);
    await expectStillServing();
  }, 180_000);

  it('both at once', async () => {
    const statuses = await flood(1500, 8, (i) => (i % 2 === 0 ? withVariable(i) : manyFields(i)));
    expect(statuses.every((status) => status === 200)).toBe(true);
    await expectStillServing();
  }, 180_000);
});
