/**
 * Every error code of the contract, each produced from a real upstream answer (or a real failure to
 * answer) on a loopback socket, with `extensions.upstream` where HSS answered.
 */
import { scriptedRunner, useFixtures } from '../helpers/fixtures.js';
import { freePort } from '../helpers/ports.js';
import { pageAnswer, type ScriptedAnswer } from '../helpers/scripted-upstream.js';
import { UPSTREAM_ERRORS } from '../helpers/upstream-errors.js';

const QUERY =
  '{ portStatistics(page: { first: 3 }) { totalCount edges { cursor node { port type num status } } } }';

/** QUERY with a sibling field that needs no upstream call: it keeps its data when portStatistics fails. */
const QUERY_WITH_SIBLING = `{ portStatistics(page: { first: 3 }) { totalCount edges { cursor node { port type num status } } }
  rateLimit { limit remaining used } }`;

const perTest = useFixtures({ closeAfter: 'each' });

const withUpstream = scriptedRunner(perTest);

/** The first error's extensions when HSS gives this one answer. */
const extensionsOfAnswer = (answer: ScriptedAnswer) =>
  withUpstream(
    () => answer,
    async (gw) => (await gw.graphql(QUERY)).body.errors?.[0]?.extensions,
  );

const huaweiError =
  (status: number, code: string, headers: Record<string, string> = {}) =>
  () => ({
    status,
    headers: { 'x-request-id': 'hss-req-1', ...headers },
    body: { error_code: code, error_msg: `secret-ish upstream detail for ${code}`, request_id: 'hss-req-1' },
  });

describe('upstream error answers', () => {
  // 429 is retried or budgeted: the resilience and quota tests show what a client gets.
  it.each(UPSTREAM_ERRORS.filter(([status]) => status !== 429))(
    'HTTP %i %s -> %s with extensions.upstream',
    async (status, errorCode, code) => {
      await withUpstream(huaweiError(status, errorCode), async (gw, upstream) => {
        const answer = await gw.graphql(QUERY_WITH_SIBLING);
        expect(answer.status).toBe(200);
        // A partial answer: the failed field is null with its error; the sibling keeps its data.
        expect(answer.body.data).toEqual({
          portStatistics: null,
          rateLimit: { limit: null, remaining: null, used: 0 },
        });
        expect(answer.body.errors).toHaveLength(1);
        const error = answer.body.errors?.[0];
        expect(error?.path).toEqual(['portStatistics']);
        expect(error?.extensions).toEqual({ code, upstream: { status, errorCode, requestId: 'hss-req-1' } });
        expect(error?.message).not.toContain('secret-ish'); // upstream bodies stay out of what clients see
        expect(error?.message).not.toContain(upstream.url);
        expect(upstream.received).toHaveLength(1); // never retried
      });
    },
  );

  it('429 -> RATE_LIMITED with retryAfter from Retry-After', async () => {
    await withUpstream(huaweiError(429, 'APIGW.0308', { 'retry-after': '17' }), async (gw) => {
      const error = (await gw.graphql(QUERY)).body.errors?.[0];
      expect(error?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfter: 17,
        upstream: { status: 429 },
      });
    });
  });

  it('429 without Retry-After -> RATE_LIMITED, retry after a minute (HSS`s quota window)', async () => {
    await withUpstream(huaweiError(429, 'APIGW.0308'), async (gw) => {
      expect((await gw.graphql(QUERY)).body.errors?.[0]?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfter: 60,
      });
    });
  });

  it.each([
    ['{code, message}', { code: 'APIGW.0301', message: 'token expired' }],
    ['{error: {code, message}}', { error: { code: 'APIGW.0301', message: 'token expired' } }],
  ])('reads the error code from the %s shape', async (_shape, body) => {
    await withUpstream(
      () => ({ status: 401, body }),
      async (gw) => {
        expect((await gw.graphql(QUERY)).body.errors?.[0]?.extensions).toEqual({
          code: 'UNAUTHENTICATED',
          upstream: { status: 401, errorCode: 'APIGW.0301', requestId: null },
        });
      },
    );
  });

  it('an error page that is not JSON still maps by status', async () => {
    const html = {
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html>502 Bad Gateway</html>',
    };
    expect(await extensionsOfAnswer(html)).toEqual({
      code: 'UPSTREAM_ERROR',
      upstream: { status: 502, errorCode: null, requestId: null },
    });
  });
});

describe('no usable answer -> UPSTREAM_UNAVAILABLE', () => {
  it('a 200 whose body is not JSON', async () => {
    expect(
      await extensionsOfAnswer({ status: 200, headers: { 'x-request-id': 'r9' }, body: 'not json' }),
    ).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: { status: 200, errorCode: null, requestId: 'r9' },
    });
  });

  it('a connection refused', async () => {
    // A port that was free a moment ago and now has nobody listening.
    const port = await freePort();
    const gw = await perTest.gateway({ url: `http://127.0.0.1:${port}` });
    const error = (await gw.graphql(QUERY)).body.errors?.[0];
    expect(error).toMatchObject({
      message: 'HSS could not be reached.',
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    expect(error?.extensions?.upstream).toBeUndefined();
  });

  it('an upstream that accepts the request and never answers times out', async () => {
    await withUpstream(
      () => undefined, // hold the request
      async (gw) => {
        const error = (await gw.graphql(QUERY)).body.errors?.[0];
        expect(error).toMatchObject({
          message: 'HSS timed out.',
          extensions: { code: 'UPSTREAM_UNAVAILABLE' },
        });
      },
      { HSS_HEADERS_TIMEOUT_MS: '200' },
    );
  });

  it('a connection reset mid-answer', async () => {
    await withUpstream(
      (_request, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"total_num": 3, "data_list": [');
        res.socket?.destroy();
        return undefined;
      },
      async (gw) => {
        expect((await gw.graphql(QUERY)).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      },
    );
  });
});

describe('credentials', () => {
  it('no credentials at all -> UNAUTHENTICATED, and no upstream call', async () => {
    await withUpstream(
      () => pageAnswer(0, []),
      async (gw, upstream) => {
        const error = (await gw.graphql(QUERY)).body.errors?.[0];
        expect(error?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(error?.message).toContain('X-Auth-Token');
        expect(upstream.received).toHaveLength(0);
      },
      { HSS_AUTH_TOKEN: '' },
    );
  });

  it("the caller's token wins over the static one and is sent as X-Auth-Token", async () => {
    await withUpstream(
      () => pageAnswer(0, []),
      async (gw, upstream) => {
        await gw.graphql(QUERY, {}, { authorization: 'Bearer caller-tok' });
        await gw.graphql(QUERY, {}, { 'x-auth-token': 'caller-tok-2' });
        await gw.graphql(QUERY);
        expect(upstream.received.map((r) => r.headers['x-auth-token'])).toEqual([
          'caller-tok',
          'caller-tok-2',
          'tok',
        ]);
        expect(upstream.received.every((r) => r.headers.authorization === undefined)).toBe(true);
      },
    );
  });

  it('a token of the largest size HSS accepts passes; one character more -> UNAUTHENTICATED, no upstream call', async () => {
    await withUpstream(
      () => pageAnswer(0, []),
      async (gw, upstream) => {
        expect(
          (await gw.graphql(QUERY, {}, { 'x-auth-token': 'x'.repeat(32_768) })).body.errors,
        ).toBeUndefined();
        expect(upstream.received).toHaveLength(1);
        const answer = await gw.graphql(QUERY, {}, { 'x-auth-token': 'x'.repeat(32_769) });
        expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(upstream.received).toHaveLength(1);
      },
    );
  });
});

describe('odd but successful answers', () => {
  it('one unreadable row is left out; the others keep their true cursors', async () => {
    await withUpstream(
      () =>
        pageAnswer(3, [
          { port: 21, type: 'TCP', num: 2, status: 'danger' },
          { port: 'twenty-two', type: 'TCP' },
          { port: 23, type: 'TCP', num: 1, status: 'unknow' },
        ]),
      async (gw) => {
        const answer = await gw.graphql(QUERY);
        expect(answer.body.errors).toBeUndefined();
        const edges = answer.body.data.portStatistics.edges;
        expect(edges.map((e: { node: unknown }) => e.node)).toEqual([
          { port: 21, type: 'TCP', num: 2, status: 'DANGER' },
          { port: 23, type: 'TCP', num: 1, status: 'UNKNOWN' },
        ]);
        expect(edges.map((e: { cursor: string }) => Buffer.from(e.cursor, 'base64').toString())).toEqual([
          'OffsetConnection:0',
          'OffsetConnection:2',
        ]);
        const logged = gw.logs.entries().find((e) => e.msg === 'HSS call');
        expect(logged?.skippedRows).toBe(1);
      },
    );
  });
});
