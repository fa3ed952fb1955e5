/**
 * Dashboards under HSS's real quota: the README's `Dashboard` and a user's clicks (the next page, a
 * row's servers, a filter change), every 10 s for 10 minutes of a clock the test moves, against the
 * emulator enforcing HSS's flow control (5 calls a minute per user and per source address, per API;
 * every caller here leaves through one address), with the gateway's default budgets, cache and
 * snapshots. HSS must never answer 429, and the dashboards must show what the issue promises.
 */
import {
  DashboardDocument,
  type DashboardQuery,
  PortStatisticsPageDocument,
} from '../../schema/generated/graphql.js';
import { ManualClock } from '../helpers/clock.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { GraphQLAnswer, RunningGateway } from '../helpers/gateway.js';

const STEP_MS = 10_000;
const SESSION_MS = 10 * 60_000;

const SERVERS_OF = `query RowServers($id: ID!) {
  node(id: $id) { ... on PortStatistic { port type servers(first: 5) { totalCount nodes { hostName } } } }
}`;

interface Load {
  at: number;
  user: number;
  what: string;
  data: unknown;
  errors: GraphQLAnswer['body']['errors'];
}

const perTest = useFixtures({ closeAfter: 'each' });

/** The gateway as production runs it: its default budgets, cache and snapshots, on the test's clock. */
async function session(options: { rows: number; users: { token?: string }[] }) {
  const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
  const hss: RunningEmulator = await perTest.emulator({ rowsPerScope: options.rows, now: clock.now });
  const gw: RunningGateway = await perTest.gateway(
    hss,
    {
      // The test helper turns the cache and budgets off; here they are as the gateway ships them.
      CACHE_TTL_SECONDS: '60',
      HSS_RATE_LIMIT_PER_MINUTE: '5',
      HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: '5',
    },
    { now: clock.now },
  );
  const loads: Load[] = [];
  const headersOf = (user: number): Record<string, string> => {
    const token = options.users[user]?.token;
    return token ? { 'x-auth-token': token } : {};
  };
  const record = (
    at: number,
    user: number,
    what: string,
    answer: { data?: unknown; errors?: Load['errors'] },
  ) => {
    loads.push({ at, user, what, data: answer.data, errors: answer.errors });
    return answer;
  };
  for (let at = 0; at < SESSION_MS; at += STEP_MS) {
    for (let user = 0; user < options.users.length; user++) {
      const headers = headersOf(user);
      const dashboard = record(
        at,
        user,
        'Dashboard',
        await gw.execute(DashboardDocument, { category: 'HOST' }, headers),
      ).data as DashboardQuery | null | undefined;
      const step = at / STEP_MS + user;
      if (step % 3 === 0 && dashboard?.all?.pageInfo.endCursor) {
        const next = {
          filter: { category: 'HOST' as const },
          first: 10,
          after: dashboard.all.pageInfo.endCursor,
        };
        record(at, user, 'next page', await gw.execute(PortStatisticsPageDocument, next, headers));
      } else if (step % 3 === 1 && dashboard?.dangerous?.nodes.length) {
        // The servers of one of the first three dangerous rows: a drill-down click.
        const row = dashboard.dangerous.nodes[step % Math.min(3, dashboard.dangerous.nodes.length)];
        record(at, user, 'servers', (await gw.graphql(SERVERS_OF, { id: row?.id }, headers)).body);
      } else {
        const filter = { category: 'HOST' as const, status: 'NORMAL' as const, type: 'TCP' as const };
        record(
          at,
          user,
          'filter',
          await gw.execute(PortStatisticsPageDocument, { filter, first: 10 }, headers),
        );
      }
    }
    // Background refreshes land before the clock moves on, as they would in 10 s of real time.
    await gw.gateway.quota.pages.settled();
    clock.advance(STEP_MS);
  }
  const throttled = hss.received.filter((r) => r.status === 429);
  const calls = hss.received.filter((r) => r.path.startsWith('/v5/'));
  return { loads, throttled, calls };
}

/** A load that shows everything it asked for: no error, and every root field there. */
const complete = (load: Load) =>
  load.errors === undefined &&
  load.data != null &&
  Object.values(load.data as Record<string, unknown>).every((root) => root !== null);
const summaryOf = (loads: Load[]) =>
  loads
    .filter((load) => !complete(load))
    .map(
      (load) =>
        `${load.at / 1000}s user ${load.user} ${load.what}: ${load.errors?.map((e) => e.extensions?.code).join(',')}`,
    );

describe('a dashboard session of 10 minutes under HSS`s quota', () => {
  it('service identity, three users, 499 rows: complete on every load; HSS never answers 429', async () => {
    const { loads, throttled, calls } = await session({ rows: 499, users: [{}, {}, {}] });
    expect(throttled).toEqual([]);
    expect(summaryOf(loads)).toEqual([]);
    // The floor: ceil(499 / 200) = 3 ListPortStatistics calls per refresh of the snapshot.
    const statistics = calls.filter((c) => c.path.endsWith('/statistics'));
    expect(statistics.length).toBeLessThanOrEqual(3 * 11);
  }, 60_000);

  it('service identity, three users, 5,000 rows: never data: null, complete (stale allowed) from the second minute', async () => {
    const { loads, throttled } = await session({ rows: 5000, users: [{}, {}, {}] });
    expect(throttled).toEqual([]);
    expect(loads.filter((load) => load.data === null || load.data === undefined)).toEqual([]);
    expect(summaryOf(loads.filter((load) => load.at >= 60_000))).toEqual([]);
  }, 60_000);

  it('two callers with their own tokens, 499 rows: never data: null, complete (stale allowed) from the second minute', async () => {
    const { loads, throttled } = await session({ rows: 499, users: [{ token: 'alice' }, { token: 'bob' }] });
    expect(throttled).toEqual([]);
    expect(loads.filter((load) => load.data === null || load.data === undefined)).toEqual([]);
    expect(summaryOf(loads.filter((load) => load.at >= 60_000))).toEqual([]);
  }, 60_000);
});
