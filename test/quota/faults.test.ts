/**
 * For each way the upstream misbehaves (the emulator's fault injection), what the client gets (data,
 * stale data or the right error code) and how many upstream calls were made.
 */
import { request } from 'undici';
import type { FaultKind, FaultSettings } from '../../src/emulator/faults.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const QUERY = '{ portStatistics(page: { first: 3 }) { totalCount stale nodes { port } } }';

let hss: RunningEmulator;
let gw: RunningGateway;
const perTest = useFixtures({ closeAfter: 'each' });

async function setUp(faults: FaultSettings, env: Record<string, string> = {}) {
  hss = await perTest.emulator({ faults });
  gw = await perTest.gateway(hss, { HSS_RETRY_BASE_DELAY_MS: '1', ...env });
}
const calls = () => hss.received.filter((r) => r.path.startsWith('/v5/'));
const faultsSeen = () => calls().map((r) => r.fault ?? r.status);
const retried = () => gw.logs.entries().filter((e) => e.msg === 'retrying the HSS call');

describe('faults that are retried, then succeed', () => {
  it.each<FaultKind>(['status-502', 'status-503', 'status-504', 'reset', 'truncated'])(
    '%s once: data, after 2 calls',
    async (fault) => {
      await setUp({ next: [fault] });
      const answer = await gw.graphql(QUERY);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.portStatistics.nodes).toHaveLength(3);
      expect(faultsSeen()).toEqual([fault, 200]);
    },
  );

  it('429 with Retry-After: waits as told, then data', async () => {
    await setUp({ next: ['status-429-retry-after'], retryAfterSeconds: 1 });
    expect((await gw.graphql(QUERY)).body.errors).toBeUndefined();
    expect(faultsSeen()).toEqual(['status-429-retry-after', 200]);
    expect(retried()[0]?.delayMs).toBe(1000);
  });
});

describe('faults that are retried to the bound, then reported', () => {
  it('503 every time: UPSTREAM_ERROR after 1 + 2 retries', async () => {
    await setUp({ rates: { 'status-503': 1 } });
    const { code, upstream } = (await gw.graphql(QUERY)).body.errors?.[0]?.extensions ?? {};
    expect([code, upstream?.status, upstream?.errorCode]).toEqual(['UPSTREAM_ERROR', 503, 'APIGW.0201']);
    expect(calls()).toHaveLength(3);
  });

  it('resets every time: UPSTREAM_UNAVAILABLE after 3 calls', async () => {
    await setUp({ rates: { reset: 1 } });
    expect((await gw.graphql(QUERY)).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(calls()).toHaveLength(3);
  });

  it('a Retry-After longer than the retry time bound is not waited for: RATE_LIMITED, 1 call', async () => {
    await setUp({ next: ['status-429-retry-after'], retryAfterSeconds: 30 });
    const error = (await gw.graphql(QUERY)).body.errors?.[0];
    expect(error?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 30,
      upstream: { status: 429 },
    });
    expect(calls()).toHaveLength(1);
  });

  it('429 without Retry-After is HSS`s quota: a minute away, so not retried', async () => {
    await setUp({ next: ['status-429'] });
    const error = (await gw.graphql(QUERY)).body.errors?.[0];
    expect(error?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 60,
      upstream: { errorCode: 'APIGW.0308' },
    });
    expect(calls()).toHaveLength(1);
  });
});

describe('faults that are never retried', () => {
  it.each([
    [400, 'HSS.0001', 'BAD_USER_INPUT'],
    [401, 'APIGW.0301', 'UNAUTHENTICATED'],
    [403, 'HSS.0013', 'FORBIDDEN'],
  ])('%i %s with retries on: %s after exactly 1 call', async (status, errorCode, code) => {
    const upstream = await perTest.scripted(() => ({
      status,
      body: { error_code: errorCode, error_msg: 'no' },
    }));
    gw = await perTest.gateway(upstream, { HSS_RETRY_BASE_DELAY_MS: '1' });
    expect((await gw.graphql(QUERY)).body.errors?.[0]?.extensions?.code).toBe(code);
    expect(upstream.received).toHaveLength(1);
  });

  it('500: UPSTREAM_ERROR, 1 call', async () => {
    await setUp({ next: ['status-500'] });
    expect((await gw.graphql(QUERY)).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(calls()).toHaveLength(1);
  });

  it('a 200 that is not JSON: UPSTREAM_UNAVAILABLE, 1 call', async () => {
    await setUp({ next: ['non-json'] });
    expect((await gw.graphql(QUERY)).body.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: { status: 200 },
    });
    expect(calls()).toHaveLength(1);
  });

  it('latency beyond the headers timeout: UPSTREAM_UNAVAILABLE (timed out), 1 call', async () => {
    await setUp({ latencyMs: 2000 }, { HSS_HEADERS_TIMEOUT_MS: '100' });
    expect((await gw.graphql(QUERY)).body.errors?.[0]).toMatchObject({
      message: 'HSS timed out.',
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    expect(hss.received.length).toBeLessThanOrEqual(1);
  });

  it('a body that drips slower than the body timeout: UPSTREAM_UNAVAILABLE, 1 call', async () => {
    await setUp({ next: ['slow-drip'], dripChunkDelayMs: 1000 }, { HSS_BODY_TIMEOUT_MS: '100' });
    expect((await gw.graphql(QUERY)).body.errors?.[0]).toMatchObject({ message: 'HSS timed out.' });
    expect(calls()).toHaveLength(1);
  });
});

describe('slow but within bounds', () => {
  it('latency under the timeouts: data', async () => {
    await setUp({ latencyMs: 50 });
    expect((await gw.graphql(QUERY)).body.data.portStatistics.nodes).toHaveLength(3);
  });

  it('a body that drips within the body timeout: data', async () => {
    await setUp({ next: ['slow-drip'], dripChunkDelayMs: 5 });
    expect((await gw.graphql(QUERY)).body.data.portStatistics.nodes).toHaveLength(3);
  });

  it("the request's own deadline ends the wait, whatever the upstream timeouts", async () => {
    await setUp({ latencyMs: 5000 }, { GRAPHQL_DEADLINE_MS: '200' });
    expect((await gw.graphql(QUERY)).body.errors?.[0]).toMatchObject({
      message: "HSS did not answer within the request's deadline.",
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
  });
});

describe('a client that goes away', () => {
  // The emulator counts an HSS request as it arrives (it answers after its latency).
  const untilHssAsked = async () => {
    for (;;) {
      const stats = await request(`${hss.url}/__emulator/stats`);
      const { requests } = (await stats.body.json()) as { requests: number };
      if (requests > 0) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  /** A request whose client will go away (`leaving.abort()`); `left` is how it ended for the client. */
  const leavingRequest = () => {
    const leaving = new AbortController();
    const left = request(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY }),
      signal: leaving.signal,
    }).catch((error: unknown) => error);
    return { leaving, left };
  };

  it('stops its own wait on HSS at once, before HSS answers, and is answered nothing', async () => {
    // Caches off: the request's own call, which HSS answers after 20 s (its timeout is longer).
    await setUp(
      { latencyMs: 20_000 },
      { CACHE_TTL_SECONDS: '0', LOG_LEVEL: 'debug', HSS_TIMEOUT_MS: '25000', GRAPHQL_DEADLINE_MS: '25000' },
    );
    const { leaving, left } = leavingRequest();
    await untilHssAsked();
    leaving.abort();
    expect(await left).toMatchObject({ name: 'AbortError' });
    await gw.logs.waitFor('the client went away before its answer');
    // Heard before any word of the call it waited for: it did not wait for HSS.
    expect(gw.logs.entries().filter((e) => String(e.msg).startsWith('HSS call'))).toEqual([]);
    expect(gw.logs.entries().filter((e) => (e.level as number) >= 50)).toEqual([]);
  });

  it("does not fail the requests that joined its call: the snapshot's fetch goes on for them", async () => {
    // The cache on, so the demo project's table is fetched whole (a snapshot of 2 pages).
    await setUp({ latencyMs: 300 }, { CACHE_TTL_SECONDS: '60' });
    const { leaving, left } = leavingRequest();
    await untilHssAsked();
    const staying = gw.graphql(QUERY);
    await gw.logs.waitFor('joined an upstream call already in flight');
    leaving.abort();
    expect(await left).toMatchObject({ name: 'AbortError' });
    const answer = await staying;
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.portStatistics.nodes).toHaveLength(3);
    expect(calls().filter((c) => c.status === 200)).toHaveLength(2);
    // A client leaving is no fault of the gateway's: nothing at error level, no 500 written.
    expect(gw.logs.entries().filter((e) => (e.level as number) >= 50)).toEqual([]);
  });
});

describe("HSS's real quota: 5 calls per minute per user", () => {
  const six = Array.from(
    { length: 6 },
    (_, i) => `{ portStatistics(filter: { port: ${i + 1} }) { totalCount } }`,
  );

  it('without a gateway budget the sixth call reaches HSS and is refused 429 APIGW.0308', async () => {
    await setUp({ quotaPerMinute: 5 });
    const answers = [];
    for (const query of six) answers.push(await gw.graphql(query));
    expect(answers.slice(0, 5).every((a) => a.body.errors === undefined)).toBe(true);
    expect(answers[5]?.body.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      upstream: { status: 429, errorCode: 'APIGW.0308' },
      api: 'ListPortStatistics',
      budget: 'hss',
    });
    expect(calls()).toHaveLength(6);
  });

  it('with the gateway budget (5 a minute) the sixth call is refused by the gateway and HSS never sees it', async () => {
    await setUp({ quotaPerMinute: 5 }, { HSS_RATE_LIMIT_PER_MINUTE: '5' });
    const answers = [];
    for (const query of six) answers.push(await gw.graphql(query));
    const refused = answers[5]?.body.errors?.[0];
    expect(refused?.extensions?.code).toBe('RATE_LIMITED');
    expect(refused?.extensions?.retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused?.extensions?.retryAfter).toBeLessThanOrEqual(60);
    expect(refused?.extensions?.upstream).toBeUndefined();
    expect(calls()).toHaveLength(5);
    expect(calls().every((c) => c.status === 200)).toBe(true);
  });

  it('a large first counts every upstream page against the budget', async () => {
    hss = await perTest.emulator({ rowsPerScope: 1000 });
    gw = await perTest.gateway(hss, { HSS_RATE_LIMIT_PER_MINUTE: '5' });
    // 1,000 rows are five pages of 200: the whole budget.
    expect(
      (await gw.graphql('{ portStatistics(page: { first: 1000 }) { edges { cursor } } }')).body.errors,
    ).toBeUndefined();
    expect(calls()).toHaveLength(5);
    const next = await gw.graphql('{ portStatistics(filter: { port: 22 }) { totalCount } }');
    expect(next.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(calls()).toHaveLength(5);
  });

  it('budgets are per credential: another token has its own', async () => {
    await setUp({}, { HSS_RATE_LIMIT_PER_MINUTE: '1' });
    expect((await gw.graphql(six[0] as string)).body.errors).toBeUndefined();
    expect((await gw.graphql(six[1] as string)).body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(
      (await gw.graphql(six[1] as string, {}, { 'x-auth-token': 'other-user' })).body.errors,
    ).toBeUndefined();
  });
});
