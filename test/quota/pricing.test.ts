/**
 * What a list costs of HSS's quota, against the emulator enforcing it, with the gateway as it ships:
 * a table too large for a snapshot is priced once, by its first page, and then each renewal of a
 * query costs that query's own call; a budget that is off is off, and the parallel calls of one
 * request are granted or refused by the rule, never by each other.
 */
import { ManualClock } from '../helpers/clock.js';
import { useFixtures } from '../helpers/fixtures.js';

const fixtures = useFixtures({ closeAfter: 'each' });
const DANGER =
  '{ portStatistics(filter: { category: HOST, status: DANGER }, first: 5) { totalCount stale } }';

describe('a table larger than a snapshot', () => {
  it('1,000 rows: the first read costs the table`s first page and the query`s own; each renewal, one call', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
    const hss = await fixtures.emulator({ rowsPerScope: 1000, now: clock.now });
    const gw = await fixtures.gateway(hss, {}, { asShipped: true, now: clock.now });
    // ListPortStatistics calls (the host lists of the rows shown are fetched ahead as well).
    const calls = () => hss.received.filter((r) => r.path.endsWith('/statistics')).map((r) => r.query);
    expect((await gw.graphql(DANGER)).body.errors).toBeUndefined();
    expect(calls()).toEqual(['category=host&limit=200', 'category=host&limit=200&status=danger']);
    for (let renewal = 1; renewal <= 3; renewal++) {
      clock.advance(61_000);
      const before = calls().length;
      const stale = await gw.graphql(DANGER);
      expect(stale.body.data.portStatistics.stale).toBe(true);
      await gw.gateway.quota.blocks.settled();
      expect(calls().slice(before)).toEqual(['category=host&limit=200&status=danger']);
      const renewed = await gw.graphql(`${DANGER} `);
      expect(renewed.body.data.portStatistics.stale).toBe(false);
      expect(calls()).toHaveLength(before + 1);
    }
  });
});

describe('budgets that decide, not race', () => {
  it('with the address budget off, the summary`s parallel calls are all granted by a caller budget that has room', async () => {
    const hss = await fixtures.emulator({ quotaPerMinute: 0 });
    const gw = await fixtures.gateway(hss, {
      HSS_RATE_LIMIT_PER_MINUTE: '100',
      HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: '0',
      CACHE_TTL_SECONDS: '0',
    });
    const summary =
      '{ portStatisticsSummary(filter: { category: HOST }) { totalCount byStatus { status count } byProtocol { type count } } }';
    for (let i = 0; i < 10; i++) {
      const answer = await gw.graphql(summary);
      expect(answer.body.errors).toBeUndefined();
    }
  });
});
