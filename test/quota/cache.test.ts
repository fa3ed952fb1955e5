/**
 * The cross-request cache and coalescing: pages are reused within their time-to-live, served stale
 * while being renewed or instead of an error, shared by concurrent identical requests, and never
 * shared between callers with different credentials. The same rules hold whether a list is cut
 * from its own pages or from a snapshot of its scope's whole table: the rules that apply to both
 * run in both modes.
 */
import { request } from 'undici';
import { ManualClock } from '../helpers/clock.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { pageAnswer } from '../helpers/scripted-upstream.js';

const QUERY = '{ portStatistics(filter: { status: DANGER }) { totalCount fetchedAt stale nodes { port } } }';

const perTest = useFixtures({ closeAfter: 'each' });
let clock: ManualClock;
let hss: RunningEmulator;
let gw: RunningGateway;
const calls = () => hss.received.filter((r) => r.path.startsWith('/v5/'));

/**
 * How lists are answered: from their own pages of 200 (snapshots off), or from a snapshot of the
 * scope's table (60 rows per scope: one page, so one call either way). `another` is a query that
 * needs a call of its own in that mode.
 */
const MODES = [
  {
    mode: 'pages',
    env: { SNAPSHOT_MAX_PAGES: '0' },
    another: '{ portStatistics(filter: { port: 22 }) { totalCount } }',
  },
  {
    mode: 'snapshots',
    env: { SNAPSHOT_MAX_PAGES: '4' },
    another: '{ portStatistics(projectId: "other-project") { totalCount } }',
  },
] as const;
let mode: (typeof MODES)[number] = MODES[0];

/** An emulator and a gateway with the cache on (60 s, no stale windows) on a clock the test moves. */
async function setUp(env: Record<string, string> = {}) {
  clock = new ManualClock(Date.parse('2026-11-27T12:00:00Z'));
  // Not the quota's tests: those are in faults.test.ts and dashboard-session.test.ts.
  hss = await perTest.emulator({ rowsPerScope: 60, quotaPerMinute: 0, now: clock.now });
  gw = await perTest.gateway(
    hss,
    {
      CACHE_TTL_SECONDS: '60',
      CACHE_STALE_WHILE_REVALIDATE_SECONDS: '0',
      CACHE_STALE_IF_ERROR_SECONDS: '0',
      HSS_RETRY_MAX: '0',
      ...mode.env,
      ...env,
    },
    { now: clock.now },
  );
}

/** Asks QUERY, moves the clock by `ms` (then `meanwhile` happens), asks again: the first answer, stale. */
async function expectStaleAfter(ms: number, meanwhile: () => void = () => undefined) {
  const first = (await gw.graphql(QUERY)).body.data.portStatistics;
  clock.advance(ms);
  meanwhile();
  const answer = await gw.graphql(QUERY);
  expect(answer.body.errors).toBeUndefined();
  expect(answer.body.data.portStatistics).toEqual({ ...first, stale: true });
}

describe.each(MODES)('$mode', (current) => {
  beforeEach(() => {
    mode = current;
  });

  describe('within the time-to-live', () => {
    it('the same query from another request costs no upstream call, and says when it was fetched', async () => {
      await setUp();
      const first = (await gw.graphql(QUERY)).body.data.portStatistics;
      clock.advance(59_000);
      const second = (await gw.graphql(QUERY)).body.data.portStatistics;
      expect(second).toEqual(first);
      expect(first).toMatchObject({ fetchedAt: new Date(clock.now() - 59_000).toISOString(), stale: false });
      expect(calls()).toHaveLength(1);
    });

    it('after the time-to-live, HSS is asked again', async () => {
      await setUp();
      await gw.graphql(QUERY);
      clock.advance(61_000);
      const again = (await gw.graphql(QUERY)).body.data.portStatistics;
      expect(again).toMatchObject({ stale: false, fetchedAt: new Date(clock.now()).toISOString() });
      expect(calls()).toHaveLength(2);
    });

    it('CACHE_TTL_SECONDS=0 turns the cache off', async () => {
      await setUp({ CACHE_TTL_SECONDS: '0' });
      await gw.graphql(QUERY);
      await gw.graphql(QUERY);
      expect(calls()).toHaveLength(2);
    });
  });

  describe('stale-while-revalidate', () => {
    it('after the TTL, within the window: the stale page at once, renewed in the background', async () => {
      await setUp({ CACHE_STALE_WHILE_REVALIDATE_SECONDS: '300' });
      await gw.graphql(QUERY);
      clock.advance(120_000);
      const stale = (await gw.graphql(QUERY)).body.data.portStatistics;
      expect(stale).toMatchObject({ stale: true, fetchedAt: new Date(clock.now() - 120_000).toISOString() });
      await gw.gateway.quota.blocks.settled();
      const fresh = (await gw.graphql(QUERY)).body.data.portStatistics;
      expect(fresh).toMatchObject({ stale: false, fetchedAt: new Date(clock.now()).toISOString() });
      expect(calls()).toHaveLength(2);
    });
  });

  describe('stale-if-error', () => {
    it('when HSS fails, a page within the window stands in, marked stale', async () => {
      await setUp({ CACHE_STALE_IF_ERROR_SECONDS: '3600' });
      await expectStaleAfter(30 * 60_000, () => hss.emulator.setFaults({ rates: { 'status-503': 1 } }));
      expect(calls()).toHaveLength(2);
    });

    it('beyond the window, the error is the answer', async () => {
      await setUp({ CACHE_STALE_IF_ERROR_SECONDS: '600' });
      await gw.graphql(QUERY);
      clock.advance(60_000 + 601_000);
      hss.emulator.setFaults({ rates: { 'status-503': 1 } });
      expect((await gw.graphql(QUERY)).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    });

    it('a refusal that says the request is wrong (401) is never papered over with stale data', async () => {
      await setUp({ CACHE_STALE_IF_ERROR_SECONDS: '3600', HSS_AUTH_TOKEN: 'static' });
      const strict = await perTest.emulator({ acceptAnyToken: false, tokens: ['static'] });
      gw = await perTest.gateway(
        strict,
        { HSS_AUTH_TOKEN: 'static', CACHE_TTL_SECONDS: '1', CACHE_STALE_IF_ERROR_SECONDS: '3600' },
        { now: clock.now },
      );
      await gw.graphql(QUERY);
      clock.advance(5000);
      expect(
        (await gw.graphql(QUERY, {}, { 'x-auth-token': 'revoked' })).body.errors?.[0]?.extensions?.code,
      ).toBe('UNAUTHENTICATED');
    });
  });

  describe('the budget', () => {
    it('spent, with a page in the cache: the stale page, no upstream call', async () => {
      // Expired after 30 s, while the call that fetched it still counts for a minute.
      await setUp({
        HSS_RATE_LIMIT_PER_MINUTE: '1',
        CACHE_TTL_SECONDS: '30',
        CACHE_STALE_IF_ERROR_SECONDS: '0',
      });
      await expectStaleAfter(31_000);
      expect(calls()).toHaveLength(1);
    });

    it('spent, with nothing cached: RATE_LIMITED with retryAfter, no upstream call', async () => {
      await setUp({ HSS_RATE_LIMIT_PER_MINUTE: '1' });
      await gw.graphql(QUERY);
      clock.advance(15_000);
      const error = (await gw.graphql(mode.another)).body.errors?.[0];
      expect(error?.extensions?.code).toBe('RATE_LIMITED');
      // The call counts until a minute after it ended: 45 s more.
      expect(error?.extensions?.retryAfter).toBe(45);
      expect(calls()).toHaveLength(1);
    });
  });

  describe('coalescing across requests', () => {
    it('a dashboard burst costs no more upstream calls than it has unique queries', async () => {
      await setUp({ CACHE_TTL_SECONDS: '60' });
      const widgets = [
        '{ portStatistics(filter: { status: DANGER }, page: { first: 0 }) { totalCount } }',
        '{ portStatistics(filter: { status: NORMAL }, page: { first: 0 }) { totalCount } }',
        '{ portStatistics(filter: { status: DANGER }) { nodes { port num } } }',
        '{ portStatistics(filter: { category: HOST }) { nodes { port } } }',
        '{ portStatistics(filter: { category: HOST }) { totalCount } }',
        '{ d: portStatistics(filter: { status: DANGER }, page: { first: 0 }) { totalCount } h: portStatistics(filter: { category: HOST }) { totalCount } }',
      ];
      // Five users' dashboards open at once, each loading every widget.
      const burst = Array.from({ length: 5 }, () => widgets).flat();
      const answers = await Promise.all(burst.map((query) => gw.graphql(query)));
      for (const answer of answers) expect(answer.body.errors).toBeUndefined();
      const unique = new Set(calls().map((c) => c.query));
      // One page of 200 serves a count and a list; a snapshot serves every filter of its scope.
      expect(unique).toEqual(
        new Set(
          mode.mode === 'pages'
            ? ['limit=200&status=danger', 'limit=200&status=normal', 'category=host&limit=200']
            : ['limit=200', 'category=host&limit=200'],
        ),
      );
      expect(calls()).toHaveLength(unique.size);
    });
  });

  describe('the response cache', () => {
    it('answers an identical operation without executing it, while its pages are fresh; says how fresh in extensions', async () => {
      await setUp();
      const first = await gw.graphql(QUERY);
      const lookups = () => gw.logs.entries().filter((e) => e.cache === 'hit' || e.msg === 'HSS call').length;
      const before = lookups();
      clock.advance(30_000);
      const second = await gw.graphql(QUERY);
      expect(second.body.data).toEqual(first.body.data);
      expect(second.body.extensions?.freshness).toEqual(first.body.extensions?.freshness);
      expect(lookups()).toBe(before); // no page lookup at all: the response came whole from the cache
      // What it spent is said anew: nothing this time, its one page from the cache.
      expect(first.body.extensions?.cost).toMatchObject({ upstreamCalls: 1, cachedPages: 0 });
      expect(second.body.extensions?.cost).toMatchObject({ upstreamCalls: 0, cachedPages: 1 });
      expect(first.body.extensions?.freshness).toEqual({
        fetchedAt: new Date(clock.now() - 30_000).toISOString(),
        stale: false,
      });
    });

    it('a hit still does what every answer does: its own request id, CORS for its origin, a metric', async () => {
      await setUp({ CORS_ORIGINS: 'https://a.example,https://b.example' });
      const post = (headers: Record<string, string>) =>
        request(`${gw.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query: QUERY }),
        });
      const first = await post({ origin: 'https://a.example', 'x-request-id': 'first-request' });
      const firstBody = await first.body.text();
      const again = await post({ origin: 'https://a.example', 'x-request-id': 'second-request' });
      expect(((await again.body.json()) as { data: unknown }).data).toEqual(JSON.parse(firstBody).data);
      expect(again.headers['x-request-id']).toBe('second-request');
      expect(again.headers['access-control-allow-origin']).toBe('https://a.example');
      const fresh = await post({ origin: 'https://a.example' });
      await fresh.body.dump();
      expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const other = await post({ origin: 'https://b.example' });
      await other.body.dump();
      expect(other.headers['access-control-allow-origin']).toBe('https://b.example');
      expect(calls()).toHaveLength(1);
      const metrics = await (await request(`${gw.url}/metrics`)).body.text();
      expect(metrics).toContain('hss_response_cache_lookups_total{result="hit"} 2');
    });

    it('does not outlive the freshness of its pages', async () => {
      await setUp();
      await gw.graphql(QUERY);
      clock.advance(61_000);
      const later = await gw.graphql(QUERY);
      expect(later.body.data.portStatistics.fetchedAt).toBe(new Date(clock.now()).toISOString());
      expect(calls()).toHaveLength(2);
    });

    it('does not cache answers with errors or stale data', async () => {
      await setUp({
        HSS_RATE_LIMIT_PER_MINUTE: '1',
        CACHE_TTL_SECONDS: '30',
        CACHE_STALE_IF_ERROR_SECONDS: '0',
      });
      await gw.graphql(QUERY);
      clock.advance(31_000);
      expect((await gw.graphql(QUERY)).body.data.portStatistics.stale).toBe(true); // budget spent: stale
      expect((await gw.graphql(mode.another)).body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      const staleLines = gw.logs
        .entries()
        .filter((e) => e.msg === 'serving a stale block instead of an error').length;
      await gw.graphql(QUERY);
      expect(
        gw.logs.entries().filter((e) => e.msg === 'serving a stale block instead of an error').length,
      ).toBe(staleLines + 1);
    });
  });
});

describe('tenants', () => {
  it('a tenant reads a scope`s shared data only once HSS answered a call of its own for it; one HSS refuses never does', async () => {
    const upstream = await perTest.scripted((request) =>
      request.headers['x-auth-token'] === 'tenant-c'
        ? { status: 403, body: { error_code: 'HSS.0013', error_msg: 'Insufficient permissions' } }
        : pageAnswer(1, [
            {
              port: request.headers['x-auth-token'] === 'tenant-a' ? 1111 : 2222,
              type: 'TCP',
              num: 1,
              status: 'normal',
            },
          ]),
    );
    // No service identity: each tenant brings its own token.
    const shared = await perTest.gateway(undefined, {
      HSS_ENDPOINT: upstream.url,
      HSS_PROJECT_ID: 'p',
      CACHE_TTL_SECONDS: '600',
    });
    const query = '{ portStatistics { nodes { port } } }';
    const as = async (token: string) => (await shared.graphql(query, {}, { 'x-auth-token': token })).body;
    expect((await as('tenant-a')).data.portStatistics.nodes).toEqual([{ port: 1111 }]);
    // B's first read costs a call of its own (HSS answering it is the proof), which it is served and
    // which renews the scope's snapshot for anyone entitled; then B reads that snapshot as they do.
    // (HSS answers one scope alike to all who may read it; this upstream does not, to show whose
    // rows are served.)
    expect((await as('tenant-b')).data.portStatistics.nodes).toEqual([{ port: 2222 }]);
    expect((await as('tenant-b')).data.portStatistics.nodes).toEqual([{ port: 2222 }]);
    const refused = await as('tenant-c');
    expect(refused.data.portStatistics).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', upstream: { status: 403 } });
    const again = await as('tenant-c');
    expect(again.data.portStatistics).toBeNull();
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_ENTITLED' });
    expect(upstream.received.map((r) => r.headers['x-auth-token'])).toEqual([
      'tenant-a',
      'tenant-b',
      'tenant-c',
    ]);
  });
});

describe('coalescing across requests', () => {
  it('ten concurrent identical requests share one upstream call', async () => {
    let release: () => void = () => undefined;
    const upstream = await perTest.scripted((_request, res) => {
      release = () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(pageAnswer(5, []).body));
      return undefined;
    });
    const coalescing = await perTest.gateway(upstream);
    // Ten documents asking for the same block (identical texts would share one answer instead,
    // before the block is asked for: http/answer-flights.ts).
    const answers = Promise.all(
      Array.from({ length: 10 }, (_, i) => coalescing.graphql(`{ n${i}: portStatistics { totalCount } }`)),
    );
    // Nine requests have found the first one's call in flight; only then does the upstream answer.
    await coalescing.logs.waitFor('joined an upstream call already in flight', 9);
    release();
    for (const [i, answer] of (await answers).entries()) expect(answer.body.data[`n${i}`].totalCount).toBe(5);
    expect(upstream.received).toHaveLength(1);
  });
});

describe('the page cache`s bound', () => {
  it('is in entries: the least recently used page is dropped', async () => {
    mode = MODES[0];
    await setUp({ CACHE_MAX_ENTRIES: '2' });
    // Each a different document, so no answer comes whole from the response cache.
    for (const [i, port] of [1, 2, 3, 1].entries())
      await gw.graphql(`{ p${i}: portStatistics(filter: { port: ${port} }) { totalCount } }`);
    expect(calls().map((c) => c.query)).toEqual([
      'limit=200&port=1',
      'limit=200&port=2',
      'limit=200&port=3',
      'limit=200&port=1',
    ]);
  });
});
