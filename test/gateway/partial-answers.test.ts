/**
 * One refused field does not wipe the others: a part of a dashboard that HSS's quota cannot pay for
 * yet is null, with an error of its own (its path, RATE_LIMITED and retryAfter), beside the data of
 * everything else. And every call made is counted in `extensions.cost`, those HSS refused included.
 */
import { ManualClock } from '../helpers/clock.js';
import { useFixtures } from '../helpers/fixtures.js';

const perTest = useFixtures({ closeAfter: 'each' });

describe('partial answers', () => {
  it('a dashboard of a large estate, first minute: the counts the quota cannot pay for are null, the rest is there', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
    // 5,000 hosts' rows: too large for a snapshot, so each count is a call of its own.
    const hss = await perTest.emulator({ rowsPerScope: 5000, now: clock.now });
    const gw = await perTest.gateway(
      hss,
      { CACHE_TTL_SECONDS: '60', HSS_RATE_LIMIT_PER_MINUTE: '5', HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: '5' },
      { now: clock.now },
    );
    const answer = await gw.graphql(
      `query { summary: portStatisticsSummary(filter: { category: HOST }) { totalCount byStatus { status count } byProtocol { type count } }
        dangerous: portStatistics(filter: { category: HOST, status: DANGER }) { totalCount nodes { port } }
        all: portStatistics(filter: { category: HOST }) { totalCount nodes { port } } }`,
    );
    // Five calls: the total (shared with `all`), DANGER (shared with `dangerous`), NORMAL, TCP, TCP6.
    expect(hss.received.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const { summary, dangerous, all } = answer.body.data;
    expect(summary.totalCount).toBe(5000);
    expect(summary.byStatus).toHaveLength(3);
    expect(summary.byProtocol).toBeNull();
    expect(dangerous.nodes.length).toBeGreaterThan(0);
    expect(all.nodes).toHaveLength(10);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({
        path: ['summary', 'byProtocol'],
        extensions: {
          code: 'RATE_LIMITED',
          reason: 'CALLER',
          api: 'ListPortStatistics',
          budget: 'caller',
          retryAfter: 60,
          retryAt: expect.any(String),
        },
      }),
    ]);
    expect(answer.headers['retry-after']).toBe('60');
  });

  it('a refused summary beside lists in the cache: the lists keep their data', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
    const hss = await perTest.emulator({ rowsPerScope: 5000, now: clock.now });
    const gw = await perTest.gateway(
      hss,
      { CACHE_TTL_SECONDS: '60', HSS_RATE_LIMIT_PER_MINUTE: '2', HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: '2' },
      { now: clock.now },
    );
    const lists = `dangerous: portStatistics(filter: { category: HOST, status: DANGER }) { totalCount }
      all: portStatistics(filter: { category: HOST }) { totalCount }`;
    expect((await gw.graphql(`{ ${lists} }`)).body.errors).toBeUndefined();
    const answer = await gw.graphql(
      `{ summary: portStatisticsSummary(filter: { category: HOST }) { byProtocol { count } } ${lists} }`,
    );
    expect(answer.body.data).toEqual({
      summary: { byProtocol: null },
      dangerous: { totalCount: expect.any(Number) },
      all: { totalCount: 5000 },
    });
    expect(answer.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['summary', 'byProtocol'], 'RATE_LIMITED'],
    ]);
  });
});

describe('extensions.cost counts every call made', () => {
  it('a call HSS refused (401) counts as one', async () => {
    // A service identity HSS no longer accepts (callers' tokens are verified with IAM before any call).
    const hss = await perTest.emulator({ acceptAnyToken: false, tokens: ['good'] });
    const gw = await perTest.gateway(hss, { HSS_AUTH_TOKEN: 'revoked' });
    const answer = await gw.graphql('{ portStatistics { totalCount } }');
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(answer.body.extensions?.cost).toMatchObject({ upstreamCalls: 1, sharedCalls: 0, cachedPages: 0 });
  });

  it('a call HSS throttled (429) counts as one, and so does each retry', async () => {
    const hss = await perTest.emulator({ faults: { next: ['status-503', 'status-429'] } });
    const gw = await perTest.gateway(hss, { HSS_RETRY_BASE_DELAY_MS: '1' });
    const answer = await gw.graphql('{ portStatistics { totalCount } }');
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(hss.received.map((r) => r.status)).toEqual([503, 429]);
    expect(answer.body.extensions?.cost).toMatchObject({ upstreamCalls: 2 });
  });
});
