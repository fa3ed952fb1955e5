/**
 * A dashboard session under HSS's real quota, as the issue that asked for them describes it: the
 * README's `Dashboard` and one of a user's clicks (the next page, a row's servers, a filter change)
 * every 10 s for each user, on a clock the caller does not wait for, against the emulator enforcing
 * HSS's flow control (every caller leaves through one address), with the gateway as it ships: its
 * cache, snapshots and budgets. The test of it and `npm run bench` run the same session.
 */
import { print } from 'graphql';
import {
  DashboardDocument,
  type DashboardQuery,
  PortStatisticsPageDocument,
} from '../../schema/generated/graphql.js';
import { startEmulator } from './emulator.js';
import { type GraphQLAnswer, type RunningGateway, startTestGateway } from './gateway.js';

const STEP_MS = 10_000;

const SERVERS_OF = `query RowServers($id: ID!) {
  node(id: $id) { ... on PortStatistic { port type servers(first: 5) { totalCount nodes { hostName } } } }
}`;

/** One answer a user saw. */
export interface Load {
  /** Milliseconds into the session. */
  at: number;
  user: number;
  what: 'Dashboard' | 'next page' | 'servers' | 'filter';
  /** The HTTP status of the answer. */
  status: number;
  data: unknown;
  errors: GraphQLAnswer['body']['errors'];
}

export interface SessionOptions {
  /** Rows of the hosts' table the dashboard shows. */
  rows: number;
  /** Each user, with their own token or (none) the gateway's service identity. */
  users: { token?: string }[];
  minutes: number;
  /**
   * A fleet: this many gateway replicas sharing `redisUrl`, every load going to the next replica
   * in turn (as a load balancer spreads them). Default: one gateway, no Redis.
   */
  replicas?: number;
  redisUrl?: string;
  /** Called before each step, at its time into the session (to take Redis away, say). */
  beforeStep?: (at: number, gateways: readonly RunningGateway[]) => Promise<void>;
}

export interface Session {
  loads: Load[];
  /** What the replicas logged, in order, each line with the replica's number. */
  logs: { replica: number; msg: string }[];
  /** HSS calls the emulator answered, per API, and those it refused (429). */
  calls: { statistics: number; servers: number; throttled: number };
}

/** A clock moved by hand: the session's 10 minutes take as long as its requests do. */
function handClock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

export async function runDashboardSession(options: SessionOptions): Promise<Session> {
  const clock = handClock(Date.parse('2026-12-01T09:00:00Z'));
  const hss = await startEmulator({ rowsPerScope: options.rows, now: clock.now });
  const env = { HSS_ENDPOINT: hss.url, HSS_PROJECT_ID: 'p', HSS_AUTH_TOKEN: 't' };
  const fleet: Record<string, string> = options.redisUrl ? { REDIS_URL: options.redisUrl } : {};
  const gateways: RunningGateway[] = [];
  for (let i = 0; i < (options.replicas ?? 1); i++) {
    gateways.push(await startTestGateway({ ...env, ...fleet }, { asShipped: true, now: clock.now }));
  }
  let turn = 0;
  const loads: Load[] = [];
  try {
    for (let at = 0; at < options.minutes * 60_000; at += STEP_MS) {
      await options.beforeStep?.(at, gateways);
      for (let user = 0; user < options.users.length; user++) {
        const gw = gateways[turn++ % gateways.length] as (typeof gateways)[number];
        const token = options.users[user]?.token;
        const headers: Record<string, string> = token ? { 'x-auth-token': token } : {};
        const seen = (what: Load['what'], { status, body }: GraphQLAnswer) => {
          loads.push({ at, user, what, status, data: body.data, errors: body.errors });
          return body.data;
        };
        const dashboard = seen(
          'Dashboard',
          await gw.graphql(print(DashboardDocument), { category: 'HOST' }, headers),
        ) as DashboardQuery | null | undefined;
        const step = at / STEP_MS + user;
        if (step % 3 === 0 && dashboard?.all?.pageInfo.endCursor) {
          const next = {
            filter: { category: 'HOST' as const },
            first: 10,
            after: dashboard.all.pageInfo.endCursor,
          };
          seen('next page', await gw.graphql(print(PortStatisticsPageDocument), next, headers));
        } else if (step % 3 === 1 && dashboard?.dangerous?.nodes.length) {
          // The servers of one of the first three dangerous rows: a drill-down click.
          const row = dashboard.dangerous.nodes[step % Math.min(3, dashboard.dangerous.nodes.length)];
          seen('servers', await gw.graphql(SERVERS_OF, { id: row?.id }, headers));
        } else {
          const filter = { category: 'HOST' as const, status: 'NORMAL' as const, type: 'TCP' as const };
          const page = { filter, first: 10 };
          seen('filter', await gw.graphql(print(PortStatisticsPageDocument), page, headers));
        }
      }
      // Background refreshes land before the clock moves on, as they would in 10 s of real time.
      for (const gw of gateways) await gw.gateway.quota.pages.settled();
      clock.advance(STEP_MS);
    }
  } finally {
    for (const gw of gateways) await gw.close();
    await hss.close();
  }
  const logs = gateways.flatMap((gw, replica) =>
    gw.logs.entries().map((entry) => ({ replica, msg: String(entry.msg) })),
  );
  const answered = hss.received.filter((r) => r.path.startsWith('/v5/'));
  return {
    loads,
    logs,
    calls: {
      statistics: answered.filter((r) => r.path.endsWith('/statistics') && r.status !== 429).length,
      servers: answered.filter((r) => r.path.endsWith('/detail') && r.status !== 429).length,
      throttled: answered.filter((r) => r.status === 429).length,
    },
  };
}

/** A load that shows everything it asked for: no error, and every root field there. */
export function isComplete(load: Load): boolean {
  return (
    load.errors === undefined &&
    load.data != null &&
    Object.values(load.data as Record<string, unknown>).every((root) => root !== null)
  );
}

/** The loads that were not complete, in a form that reads in a test failure. */
export function incompleteLoads(loads: Load[]): string[] {
  return loads
    .filter((load) => !isComplete(load))
    .map(
      (load) =>
        `${load.at / 1000}s user ${load.user} ${load.what}: ${load.errors?.map((e) => e.extensions?.code)}`,
    );
}
