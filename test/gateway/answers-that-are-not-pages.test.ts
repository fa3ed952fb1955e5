/**
 * An answer that is not a page of statistics is an error, never "zero ports": HSS (or a proxy in
 * front of it) can answer 200 with an error body, or with numbers no page can hold. Each such
 * answer is UPSTREAM_ERROR, is not cached, and counts as a failed call in logs and metrics.
 */
import { request } from 'undici';
import { scriptedRunner, useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { pageAnswer } from '../helpers/scripted-upstream.js';

const QUERY = '{ portStatistics(page: { first: 3 }) { totalCount nodes { port type num status } } }';

const perTest = useFixtures({ closeAfter: 'each' });

const withAnswer = scriptedRunner(perTest);

const ok =
  (body: unknown, headers: Record<string, string> = {}) =>
  () => ({ status: 200, headers, body });

/** The field is null with its UPSTREAM_ERROR, never a page of zero ports. */
async function nullWithItsError(
  gw: RunningGateway,
  upstream: { status: number; errorCode: string | null; requestId: string },
) {
  const answer = await gw.graphql(QUERY);
  expect(answer.body.data).toEqual({ portStatistics: null });
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors?.[0]?.path).toEqual(['portStatistics']);
  expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_ERROR', upstream });
  return answer;
}

describe('a 200 answer with an error body', () => {
  it.each([
    ['{error_code, error_msg, request_id}', { error_code: 'HSS.1001', error_msg: 'x', request_id: 'r-1' }],
    ['{code, message}', { code: 'HSS.1001', message: 'x', request_id: 'r-1' }],
    ['{error: {code, message}}', { error: { code: 'HSS.1001', message: 'x' }, request_id: 'r-1' }],
  ])('%s is UPSTREAM_ERROR with the upstream error code, never an empty page', async (_shape, body) => {
    await withAnswer(ok(body), async (gw) => {
      const answer = await nullWithItsError(gw, { status: 200, errorCode: 'HSS.1001', requestId: 'r-1' });
      expect(answer.body.errors?.[0]?.message).not.toContain('"x"');
    });
  });

  it('is never cached: the next request asks HSS again', async () => {
    await withAnswer(
      ok({ error_code: 'HSS.1001', error_msg: 'x' }),
      async (gw, upstream) => {
        await gw.graphql(QUERY);
        await gw.graphql(QUERY);
        expect(upstream.received).toHaveLength(2);
      },
      { CACHE_TTL_SECONDS: '60' },
    );
  });

  it('is logged as a failed call and counted as one in the metrics', async () => {
    await withAnswer(ok({ error_code: 'HSS.1001', error_msg: 'x' }), async (gw) => {
      await gw.graphql(QUERY);
      const line = gw.logs.entries().find((e) => e.upstreamOperation === 'ListPortStatistics');
      expect(line).toMatchObject({ level: 40, status: 200, errorCode: 'HSS.1001' });
      expect(line?.msg).not.toBe('HSS call');
      const metrics = await (await request(`${gw.url}/metrics`)).body.text();
      expect(metrics).toMatch(
        /hss_upstream_calls_total\{[^}]*status="200"[^}]*failure="invalid-answer"[^}]*\} 1/,
      );
    });
  });
});

describe('a 200 answer without a valid total_num and data_list', () => {
  it.each([
    ['an empty object', {}],
    ['rows without total_num', { data_list: [{ port: 22, type: 'TCP', num: 1, status: 'normal' }] }],
    ['total_num without data_list', { total_num: 3 }],
    ['data_list that is not a list', { total_num: 1, data_list: 'rows' }],
    ['total_num as text', { total_num: '3', data_list: [] }],
    ['a negative total_num', { total_num: -1, data_list: [] }],
    ['a fractional total_num', { total_num: 1.5, data_list: [] }],
    ['a total_num above 2^31-1', { total_num: 2 ** 31, data_list: [] }],
    ['JSON null', null],
    ['a JSON list', [1, 2]],
  ])('%s is UPSTREAM_ERROR, never INTERNAL_SERVER_ERROR or zero ports', async (_label, body) => {
    await withAnswer(ok(body, { 'x-request-id': 'r-2' }), async (gw) => {
      await nullWithItsError(gw, { status: 200, errorCode: null, requestId: 'r-2' });
    });
  });

  it('a row whose count does not fit a GraphQL Int is left out; the page survives', async () => {
    await withAnswer(
      () =>
        pageAnswer(2, [
          { port: 21, type: 'TCP', num: 2 ** 31, status: 'danger' },
          { port: 22, type: 'TCP', num: 3, status: 'normal' },
        ]),
      async (gw) => {
        const answer = await gw.graphql(QUERY);
        expect(answer.body.errors).toBeUndefined();
        expect(answer.body.data.portStatistics.nodes).toEqual([
          { port: 22, type: 'TCP', num: 3, status: 'NORMAL' },
        ]);
      },
    );
  });
});

describe('what an upstream says is bounded before a client sees it', () => {
  it('a Retry-After of days is clamped to an hour', async () => {
    await withAnswer(
      () => ({ status: 429, headers: { 'retry-after': '999999' }, body: { error_code: 'APIGW.0308' } }),
      async (gw) => {
        const error = (await gw.graphql(QUERY)).body.errors?.[0];
        expect(error?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 3600 });
      },
    );
  });

  it('a huge upstream request id is cut to 128 characters; an error code to 64', async () => {
    await withAnswer(
      () => ({
        status: 500,
        headers: { 'x-request-id': 'r'.repeat(5000) },
        body: { error_code: 'E'.repeat(500), error_msg: 'x' },
      }),
      async (gw) => {
        const upstream = (await gw.graphql(QUERY)).body.errors?.[0]?.extensions?.upstream;
        expect(upstream).toEqual({ status: 500, errorCode: 'E'.repeat(64), requestId: 'r'.repeat(128) });
      },
    );
  });
});
