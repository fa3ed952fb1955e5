/**
 * HSS calls per 10-minute dashboard session, under HSS's real quota: the session the test runs
 * (test/helpers/dashboard-session.ts: the README's `Dashboard` and a click every 10 s per user,
 * emulator quota on, the gateway as it ships), for a small and a large estate, with one gateway and
 * with a fleet of three replicas sharing a real redis-server (each load to the next replica), and
 * the fleet again with Redis killed for 30 s. Calls, not seconds: the session runs on a clock moved
 * by hand, so it takes as long as its requests.
 */
import { isComplete, runDashboardSession, type SessionOptions } from '../test/helpers/dashboard-session.js';
import { type RunningRedis, startRedis } from '../test/helpers/redis.js';

const MINUTES = 10;
const TTL_MINUTES = 1;

interface Scenario {
  label: string;
  options: SessionOptions;
  /** Readers whose snapshots are kept apart: one per scope, whoever reads it. */
  identities: number;
}

const SCENARIOS: Scenario[] = [
  {
    label: '499 rows, service identity, 3 users',
    options: { rows: 499, users: [{}, {}, {}], minutes: MINUTES },
    identities: 1,
  },
  {
    label: '499 rows, 2 users with their own tokens',
    options: { rows: 499, users: [{ token: 'alice' }, { token: 'bob' }], minutes: MINUTES },
    identities: 1,
  },
  {
    label: '5,000 rows, service identity, 3 users',
    options: { rows: 5000, users: [{}, {}, {}], minutes: MINUTES },
    identities: 1,
  },
];

export interface SessionResult {
  label: string;
  replicas: number;
  statistics: number;
  servers: number;
  throttled: number;
  /** The least a session can cost: ceil(rows / 200) per TTL per identity, when a snapshot holds it. */
  floor: number | undefined;
  loads: number;
  incompleteAfterFirstMinute: number;
  incompleteFirstMinute: number;
}

/** A redis-server of its own for one fleet session, or undefined where none is installed. */
async function freshRedis(): Promise<RunningRedis | undefined> {
  try {
    return await startRedis();
  } catch (error) {
    console.warn(`fleet sessions skipped: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

export async function dashboardSessions(): Promise<SessionResult[]> {
  const results: SessionResult[] = [];
  const run = async (label: string, options: SessionOptions, identities: number) => {
    const { loads, calls } = await runDashboardSession(options);
    const snapshotPages = Math.ceil(options.rows / 200);
    results.push({
      label,
      replicas: options.replicas ?? 1,
      ...calls,
      floor: snapshotPages <= 4 ? snapshotPages * (MINUTES / TTL_MINUTES) * identities : undefined,
      loads: loads.length,
      incompleteFirstMinute: loads.filter((l) => l.at < 60_000 && !isComplete(l)).length,
      incompleteAfterFirstMinute: loads.filter((l) => l.at >= 60_000 && !isComplete(l)).length,
    });
  };
  // Three replicas sharing a Redis of their own: nothing of another session is in it.
  const asFleet = async (label: string, options: SessionOptions, identities: number, outage = false) => {
    const redis = await freshRedis();
    if (!redis) return;
    try {
      const beforeStep = async (at: number) => {
        if (at === 120_000) await redis.close();
        if (at === 150_000) await redis.restart();
      };
      await run(
        label,
        { ...options, replicas: 3, redisUrl: redis.url, ...(outage && { beforeStep }) },
        identities,
      );
    } finally {
      await redis.close();
    }
  };
  for (const { label, options, identities } of SCENARIOS) {
    await run(label, options, identities);
    await asFleet(label, options, identities);
  }
  const [first] = SCENARIOS;
  if (first) await asFleet(`${first.label}, Redis down 2:00–2:30`, first.options, first.identities, true);
  return results;
}

/** The report's table. */
export function sessionsTable(results: SessionResult[]): string {
  return [
    `| ${MINUTES}-minute dashboard session (a load + a click per user every 10 s) | replicas | ListPortStatistics calls | floor | ListPortHost calls | HSS 429s | incomplete loads, first minute / after |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.label} | ${r.replicas} | ${r.statistics} | ${r.floor ?? '–'} | ${r.servers} | ${r.throttled} | ${r.incompleteFirstMinute} / ${r.incompleteAfterFirstMinute} of ${r.loads} |`,
    ),
  ].join('\n');
}

// `npx tsx bench/dashboard-sessions.ts`: this section alone.
if (require.main === module) {
  dashboardSessions().then(
    (results) => console.log(sessionsTable(results)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
