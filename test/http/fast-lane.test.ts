/**
 * The fast lane answers exactly what yoga answers: the first request of a document goes through
 * yoga, the next ones through the fast lane, and a client cannot tell them apart (data, errors with
 * their codes and `extensions.upstream`, freshness, headers). Whatever the fast lane does not know
 * for sure (a new origin, variables that do not fit, a cost over the limit) is still yoga's.
 */

import { request } from 'undici';
import { ManualClock } from '../helpers/clock.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const perTest = useFixtures({ closeAfter: 'each' });

let hss: RunningEmulator;
let gw: RunningGateway;
// A clock that stands still: the same page fetched twice says the same `fetchedAt`.
const clock = new ManualClock(Date.parse('2026-11-28T12:00:00Z'));
const fixtures = useFixtures();
beforeAll(async () => {
  // HSS's quota is not this file's subject, and its tests share one emulator for more than 5 calls.
  hss = await fixtures.emulator({ rowsPerScope: 300, quotaPerMinute: 0 });
  gw = await fixtures.gateway(
    hss,
    { CORS_ORIGINS: 'https://a.example,https://b.example', MAX_OPERATION_COST: '6' },
    { now: clock.now },
  );
});

async function fastLane(): Promise<Record<string, number>> {
  const text = await (await request(`${gw.url}/metrics`)).body.text();
  return Object.fromEntries(
    [...text.matchAll(/^hss_fast_lane_total\{outcome="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]),
  );
}

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await request(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const { 'x-request-id': _id, date: _date, ...rest } = response.headers;
  return { status: response.statusCode, headers: rest, body: (await response.body.json()) as any };
}

/** Answers once through yoga, then through the fast lane; says how many the fast lane took. */
async function twice(body: unknown, headers: Record<string, string> = {}) {
  const before = (await fastLane()).answered ?? 0;
  const first = await post(body, headers);
  const second = await post(body, headers);
  const answered = ((await fastLane()).answered ?? 0) - before;
  return { first, second, answered };
}

describe('the same answer on both paths', () => {
  it.each<[string, unknown]>([
    [
      'a list',
      {
        query:
          '{ portStatistics(page: { first: 3 }) { totalCount edges { cursor node { id port type num status } } pageInfo { hasNextPage endCursor } } }',
      },
    ],
    [
      'a list with variables',
      {
        query:
          'query Dangerous($f: PortStatisticFilter) { portStatistics(filter: $f) { totalCount nodes { port service { name } } } }',
        variables: { f: { status: 'DANGER' } },
        operationName: 'Dangerous',
      },
    ],
    [
      'the summary',
      {
        query:
          '{ portStatisticsSummary { totalCount byStatus { status count } byProtocol { type count } fetchedAt stale } }',
      },
    ],
    ['a node lookup with a bad id (an error of its own item)', { query: '{ nodes(ids: ["nope"]) { id } }' }],
    [
      'an argument out of range (BAD_USER_INPUT from a resolver)',
      { query: '{ portStatistics(filter: { port: 70000 }) { totalCount } }' },
    ],
    [
      'one of two operations, by name',
      {
        query: 'query A { portStatistics { totalCount } } query B { portStatisticsSummary { totalCount } }',
        operationName: 'B',
      },
    ],
  ])('%s', async (_label, body) => {
    const { first, second, answered } = await twice(body, { origin: 'https://a.example' });
    expect(answered).toBe(1);
    expect(second).toEqual(first);
  });

  it('upstream errors, with their codes and extensions.upstream', async () => {
    const failing = await perTest.scripted(() => ({
      status: 503,
      headers: { 'x-request-id': 'r-503' },
      body: { error_code: 'APIGW.0201', error_msg: 'down' },
    }));
    const other = await perTest.gateway(failing, { HSS_RETRY_MAX: '0' });
    const body = JSON.stringify({ query: '{ portStatistics { totalCount } }' });
    const send = async () => {
      const r = await request(`${other.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      return { status: r.statusCode, body: await r.body.json() };
    };
    const first = await send();
    const second = await send();
    expect(second).toEqual(first);
    expect(first.body).toMatchObject({
      data: { portStatistics: null },
      errors: [
        {
          path: ['portStatistics'],
          extensions: { code: 'UPSTREAM_ERROR', upstream: { status: 503, requestId: 'r-503' } },
        },
      ],
    });
    const metrics = await (await request(`${other.url}/metrics`)).body.text();
    expect(metrics).toContain('hss_fast_lane_total{outcome="answered"} 1');
  });
});

describe('what stays with yoga', () => {
  const LIST =
    'query ($first: Int) { a: portStatistics(page: { first: $first }) { totalCount } b: portStatistics(page: { first: $first }) { totalCount } }';

  it('an origin not seen answered yet: yoga first (its CORS headers), then the fast lane', async () => {
    const body = { query: '{ portStatistics(filter: { port: 22 }) { totalCount } }' };
    await post(body, { origin: 'https://a.example' });
    const { first, second, answered } = await twice(body, { origin: 'https://b.example' });
    expect(answered).toBe(1); // the second of b's
    expect(first.headers['access-control-allow-origin']).toBe('https://b.example');
    expect(second.headers).toEqual(first.headers);
  });

  it('variables that do not fit, and a cost over the limit, once the document is known', async () => {
    await post({ query: LIST, variables: { first: 10 } });
    await post({ query: LIST, variables: { first: 10 } });
    const before = await fastLane();
    const wrongType = await post({ query: LIST, variables: { first: 'ten' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const tooDear = await post({ query: LIST, variables: { first: 1000 } });
    expect(tooDear.status).toBe(400);
    expect(tooDear.body.errors[0].extensions).toMatchObject({ limit: 'cost', cost: 10, maxCost: 6 });
    const after = await fastLane();
    expect((after.variables ?? 0) - (before.variables ?? 0)).toBe(1);
    expect(after.answered).toBe(before.answered);
  });

  it('a lone surrogate in the variables of a known document', async () => {
    const query = 'query ($f: PortStatisticFilter) { portStatistics(filter: $f) { totalCount } }';
    await post({ query, variables: { f: { port: 22 } } });
    const raw = `{"query":${JSON.stringify(query)},"variables":{"f":{"enterpriseProjectId":"\\ud800"}}}`;
    const response = await request(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    });
    expect(response.statusCode).toBe(400);
    expect(
      ((await response.body.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions
        .code,
    ).toBe('BAD_REQUEST');
  });
});

describe('trusted documents', () => {
  it('a document asked for by its hash runs in the fast lane once yoga has run it; free text never does', async () => {
    const manifest = (await import('../../schema/generated/persisted-documents.json')).default as Record<
      string,
      string
    >;
    const [hash, document] = Object.entries(manifest).find(([, d]) => d.includes('DangerousPorts')) ?? [];
    expect(hash).toBeDefined();
    const trusted = await perTest.gateway(hss, { TRUSTED_DOCUMENTS: 'true' }, { now: clock.now });
    const send = async (body: unknown) => {
      const r = await request(`${trusted.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return {
        status: r.statusCode,
        body: (await r.body.json()) as { errors?: { extensions: { code: string } }[] },
      };
    };
    const byHash = {
      extensions: { persistedQuery: { version: 1, sha256Hash: hash?.replace('sha256:', '') } },
    };
    const first = await send(byHash);
    const second = await send(byHash);
    expect(second).toEqual(first);
    expect(first.body.errors).toBeUndefined();
    const freeText = await send({ query: document });
    expect(freeText.body.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_ONLY');
    const metrics = await (await request(`${trusted.url}/metrics`)).body.text();
    expect(metrics).toContain('hss_fast_lane_total{outcome="answered"} 1');
  });
});
