/**
 * HSS calls per user-hour as verified users grow: 1, 10 and 50 users reloading the `Dashboard`
 * every 20 s for 10 minutes (test/helpers/dashboard-session.ts), under HSS's quota, in each way in:
 * signed in at the company's identity provider (the emulator's), with IAM tokens of their own, and
 * anonymous (the service identity). Calls, not seconds: the session runs on a clock moved by hand.
 */
import { isComplete, runDashboardSession, type SessionOptions } from '../test/helpers/dashboard-session.js';

const MINUTES = 10;
const COUNTS = [1, 10, 50];

type Mode = 'signed in' | 'IAM tokens' | 'anonymous';

type User = SessionOptions['users'][number];

const usersOf = (mode: Mode, count: number): User[] =>
  Array.from({ length: count }, (_, i): User => {
    if (mode === 'signed in') return { signIn: `user-${i}` };
    if (mode === 'IAM tokens') {
      return { iam: { domainName: 'acme', username: `analyst-${i}`, password: `bench-password-${i}` } };
    }
    return {};
  });

export interface VerifiedResult {
  mode: Mode;
  users: number;
  statistics: number;
  throttled: number;
  perUserHour: number;
  /** Loads that were not complete, and when the last of them was (ms into the session). */
  incomplete: number;
  lastIncompleteAt: number | undefined;
  loads: number;
}

export async function verifiedUsers(): Promise<VerifiedResult[]> {
  const results: VerifiedResult[] = [];
  for (const mode of ['signed in', 'IAM tokens', 'anonymous'] as const) {
    for (const users of COUNTS) {
      const { loads, calls } = await runDashboardSession({
        rows: 499,
        users: usersOf(mode, users),
        minutes: MINUTES,
        stepMs: 20_000,
        clicks: false,
      });
      const incomplete = loads.filter((load) => !isComplete(load));
      results.push({
        mode,
        users,
        statistics: calls.statistics,
        throttled: calls.throttled,
        perUserHour: (calls.statistics * (60 / MINUTES)) / users,
        incomplete: incomplete.length,
        lastIncompleteAt: incomplete.at(-1)?.at,
        loads: loads.length,
      });
    }
  }
  return results;
}

/** The report's table. */
export function verifiedTable(results: VerifiedResult[]): string {
  return [
    `| ${MINUTES} minutes, 499 rows, each user reloading the Dashboard every 20 s | users | ListPortStatistics calls | calls per user-hour | HSS 429s | incomplete loads (last at) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.mode} | ${r.users} | ${r.statistics} | ${r.perUserHour.toFixed(1)} | ${r.throttled} | ${r.incomplete} of ${r.loads}${r.lastIncompleteAt === undefined ? '' : ` (${r.lastIncompleteAt / 1000} s)`} |`,
    ),
  ].join('\n');
}

// `npx tsx bench/verified-users.ts`: this section alone.
if (require.main === module) {
  verifiedUsers().then(
    (results) => console.log(verifiedTable(results)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
