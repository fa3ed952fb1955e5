/**
 * HSS calls per 10-minute dashboard session, under HSS's real quota: the session the test runs
 * (test/helpers/dashboard-session.ts: the README's `Dashboard` and a click every 10 s per user,
 * emulator quota on, the gateway as it ships), for a small and a large estate. Calls, not seconds:
 * the session runs on a clock moved by hand, so it takes as long as its requests.
 */
import { isComplete, runDashboardSession, type SessionOptions } from '../test/helpers/dashboard-session.js';

const MINUTES = 10;
const TTL_MINUTES = 1;

interface Scenario {
  label: string;
  options: SessionOptions;
  /** Identities whose snapshots are kept apart: one per token, one for the service identity. */
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
    identities: 2,
  },
  {
    label: '5,000 rows, service identity, 3 users',
    options: { rows: 5000, users: [{}, {}, {}], minutes: MINUTES },
    identities: 1,
  },
];

export interface SessionResult {
  label: string;
  statistics: number;
  servers: number;
  throttled: number;
  /** The least a session can cost: ceil(rows / 200) per TTL per identity, when a snapshot holds it. */
  floor: number | undefined;
  loads: number;
  incompleteAfterFirstMinute: number;
  incompleteFirstMinute: number;
}

export async function dashboardSessions(): Promise<SessionResult[]> {
  const results: SessionResult[] = [];
  for (const { label, options, identities } of SCENARIOS) {
    const { loads, calls } = await runDashboardSession(options);
    const snapshotPages = Math.ceil(options.rows / 200);
    results.push({
      label,
      ...calls,
      floor: snapshotPages <= 4 ? snapshotPages * (MINUTES / TTL_MINUTES) * identities : undefined,
      loads: loads.length,
      incompleteFirstMinute: loads.filter((l) => l.at < 60_000 && !isComplete(l)).length,
      incompleteAfterFirstMinute: loads.filter((l) => l.at >= 60_000 && !isComplete(l)).length,
    });
  }
  return results;
}

/** The report's table. */
export function sessionsTable(results: SessionResult[]): string {
  return [
    `| ${MINUTES}-minute dashboard session (a load + a click per user every 10 s) | ListPortStatistics calls | floor | ListPortHost calls | HSS 429s | incomplete loads, first minute / after |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.label} | ${r.statistics} | ${r.floor ?? '–'} | ${r.servers} | ${r.throttled} | ${r.incompleteFirstMinute} / ${r.incompleteAfterFirstMinute} of ${r.loads} |`,
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
