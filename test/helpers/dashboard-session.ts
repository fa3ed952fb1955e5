/**
 * A dashboard session under HSS's real quota, as the issue that asked for them describes it: the
 * README's `Dashboard` and one of a user's clicks (the next page, a row's servers, a filter change)
 * every 10 s for each user, on a clock the caller does not wait for, against the emulator enforcing
 * HSS's flow control (every caller leaves through one address), with the gateway as it ships: its
 * cache, snapshots and budgets. The test of it and `npm run bench` run the same session.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { request } from 'undici';
import {
  DashboardDocument,
  type DashboardQuery,
  PortStatisticsPageDocument,
} from '../../schema/generated/graphql.js';
import type { DemoUser } from '../../src/emulator/identity-provider.js';
import { iamLogin, type RunningEmulator, startEmulator } from './emulator.js';
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
  /** How old the oldest data of the answer was (`extensions.freshness`), ms; undefined: none. */
  ageMs: number | undefined;
}

/**
 * A user of the session: anonymous (the gateway's service identity), with a token of their own (a
 * static one the emulator takes), signed in at the emulator's identity provider (a JWT, read as
 * the service identity by the access policy), or with an IAM token its IAM issued them.
 */
type SessionUser =
  | { token?: string }
  | { signIn: string }
  | { iam: { domainName: string; username: string; password: string } };

export interface SessionOptions {
  /** Rows of the hosts' table the dashboard shows. */
  rows: number;
  users: SessionUser[];
  minutes: number;
  /** How often each user loads (default every 10 s). */
  stepMs?: number;
  /**
   * Whether each load is followed by a click (the next page, a row's servers, a filter); default
   * yes. `drill-downs`: every click is a drill-down, spread over the rows of the dangerous-ports
   * widget (`dangerous`: ten rows) or of both lists (`shown`: 20 rows, 14 host lists).
   */
  clicks?: boolean | 'drill-downs';
  drillInto?: 'dangerous' | 'shown';
  /** When the users begin to click, ms into the session (before: loads only); default at once. */
  clicksFrom?: number;
  /** More of the gateway's environment. */
  env?: Record<string, string>;
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

/** Signed-in users: every one the session names, in one group the access policy grants project p. */
function signInSetup(users: SessionUser[]) {
  const names = users.flatMap((user) => ('signIn' in user ? [user.signIn] : []));
  if (names.length === 0) return undefined;
  const policyFile = join(mkdtempSync(join(tmpdir(), 'session-policy-')), 'access-policy.json');
  writeFileSync(policyFile, JSON.stringify({ grants: [{ when: { groups: 'secops' }, read: { p: ['*'] } }] }));
  return {
    signInUsers: names.map((name): DemoUser => ({ name, groups: ['secops'] })),
    env: (hss: RunningEmulator) => ({
      OIDC_ISSUER: hss.url,
      OIDC_AUDIENCE: 'hss-gateway',
      ACCESS_POLICY_FILE: policyFile,
    }),
  };
}

/** The headers each user sends: tokens asked of the emulator's identity provider or IAM. */
async function headersOf(hss: RunningEmulator, user: SessionUser): Promise<Record<string, string>> {
  if ('signIn' in user) {
    const response = await request(`${hss.url}/__emulator/sign-in`, {
      method: 'POST',
      body: JSON.stringify({ user: user.signIn, lifetimeSeconds: 86_400 }),
    });
    const { access_token: token } = (await response.body.json()) as { access_token: string };
    return { authorization: `Bearer ${token}` };
  }
  if ('iam' in user) {
    const { token } = await iamLogin(hss.url, user.iam, 'p');
    return { 'x-auth-token': token as string };
  }
  return user.token ? { 'x-auth-token': user.token } : {};
}

export async function runDashboardSession(options: SessionOptions): Promise<Session> {
  const clock = handClock(Date.parse('2026-12-01T09:00:00Z'));
  const signIn = signInSetup(options.users);
  const iamUsers = options.users.flatMap((user) => ('iam' in user ? [user.iam] : []));
  const hss = await startEmulator({
    rowsPerScope: options.rows,
    now: clock.now,
    ...(signIn && { signInUsers: signIn.signInUsers }),
    ...(iamUsers.length > 0 && { iamUsers }),
  });
  const env = {
    HSS_ENDPOINT: hss.url,
    HSS_PROJECT_ID: 'p',
    HSS_AUTH_TOKEN: 't',
    ...signIn?.env(hss),
    ...options.env,
  };
  const headers = await Promise.all(options.users.map((user) => headersOf(hss, user)));
  const stepMs = options.stepMs ?? STEP_MS;
  const fleet: Record<string, string> = options.redisUrl ? { REDIS_URL: options.redisUrl } : {};
  const gateways: RunningGateway[] = [];
  for (let i = 0; i < (options.replicas ?? 1); i++) {
    gateways.push(await startTestGateway({ ...env, ...fleet }, { asShipped: true, now: clock.now }));
  }
  let turn = 0;
  const loads: Load[] = [];
  try {
    for (let at = 0; at < options.minutes * 60_000; at += stepMs) {
      await options.beforeStep?.(at, gateways);
      for (let user = 0; user < options.users.length; user++) {
        const gw = gateways[turn++ % gateways.length] as (typeof gateways)[number];
        const userHeaders = headers[user] ?? {};
        const seen = (what: Load['what'], { status, body }: GraphQLAnswer) => {
          const fetchedAt = Date.parse(String(body.extensions?.freshness?.fetchedAt));
          const ageMs = Number.isNaN(fetchedAt) ? undefined : clock.now() - fetchedAt;
          loads.push({ at, user, what, status, data: body.data, errors: body.errors, ageMs });
          return body.data;
        };
        const dashboard = seen(
          'Dashboard',
          await gw.graphql(print(DashboardDocument), { category: 'HOST' }, userHeaders),
        ) as DashboardQuery | null | undefined;
        const step = at / stepMs + user;
        if (options.clicks === false || at < (options.clicksFrom ?? 0)) {
          // A reload only.
        } else if (options.clicks === 'drill-downs') {
          const dangerous = dashboard?.dangerous?.nodes ?? [];
          const shown =
            options.drillInto === 'shown' ? [...dangerous, ...(dashboard?.all?.nodes ?? [])] : dangerous;
          const row = shown[(3 * step + 7 * user) % Math.max(1, shown.length)];
          if (row) seen('servers', await gw.graphql(SERVERS_OF, { id: row.id }, userHeaders));
        } else if (step % 3 === 0 && dashboard?.all?.pageInfo.endCursor) {
          const next = {
            filter: { category: 'HOST' as const },
            first: 10,
            after: dashboard.all.pageInfo.endCursor,
          };
          seen('next page', await gw.graphql(print(PortStatisticsPageDocument), next, userHeaders));
        } else if (step % 3 === 1 && dashboard?.dangerous?.nodes.length) {
          // The servers of one of the first three dangerous rows: a drill-down click.
          const row = dashboard.dangerous.nodes[step % Math.min(3, dashboard.dangerous.nodes.length)];
          seen('servers', await gw.graphql(SERVERS_OF, { id: row?.id }, userHeaders));
        } else {
          const filter = { category: 'HOST' as const, status: 'NORMAL' as const, type: 'TCP' as const };
          const page = { filter, first: 10 };
          seen('filter', await gw.graphql(print(PortStatisticsPageDocument), page, userHeaders));
        }
      }
      // Background refreshes land before the clock moves on, as they would in 10 s of real time.
      for (const gw of gateways) await gw.gateway.quota.blocks.settled();
      clock.advance(stepMs);
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
