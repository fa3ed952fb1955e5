/**
 * Verified users share one read (helpers/dashboard-session.ts, against the emulator enforcing HSS's
 * quota): 50 users signed in at the company's identity provider, and 10 users with IAM tokens of
 * their own, each reloading the `Dashboard` every 20 s for ten minutes. Every load after the first
 * minute (signed in) or the third (IAM tokens: each proves its own entitlement with one call of its
 * own) is complete and at most 5 minutes old; HSS never refuses a call; and the calls are the
 * scope's floor (a snapshot of ceil(499 / 200) = 3 pages per minute), plus one per IAM user.
 */
import {
  incompleteLoads as incomplete,
  type Load,
  runDashboardSession,
} from '../helpers/dashboard-session.js';

const loadedFrom = (ms: number, loads: Load[]) => loads.filter((load) => load.at >= ms);
const olderThan = (ms: number, loads: Load[]) =>
  loads
    .filter((load) => load.ageMs === undefined || load.ageMs > ms)
    .map((load) => `${load.at / 1000}s user ${load.user}: ${load.ageMs} ms`);

/** Ten minutes of dashboards over a 499-row project, a load every 20 s per user, no drill-downs. */
const tenMinutesOf = (users: Parameters<typeof runDashboardSession>[0]['users']) =>
  runDashboardSession({ rows: 499, users, minutes: 10, stepMs: 20_000, clicks: false });

describe('verified users share one read', () => {
  it('50 signed-in users: complete from the first minute, fresh, and as many HSS calls as one user', async () => {
    const { loads, calls } = await tenMinutesOf(
      Array.from({ length: 50 }, (_, i) => ({ signIn: `user-${i}` })),
    );
    expect(calls.throttled).toBe(0);
    expect(incomplete(loadedFrom(60_000, loads))).toEqual([]);
    expect(olderThan(5 * 60_000, loadedFrom(60_000, loads))).toEqual([]);
    // One snapshot of 3 pages per minute of TTL (and the first): what one user costs.
    expect(calls.statistics).toBeLessThanOrEqual(3 * 11);
  }, 120_000);

  it('10 users with IAM tokens: complete from the third minute, fresh, one call each beyond the floor', async () => {
    const { loads, calls } = await tenMinutesOf(
      Array.from({ length: 10 }, (_, i) => ({
        iam: { domainName: 'acme', username: `analyst-${i}`, password: `password-SECRET-${i}` },
      })),
    );
    expect(calls.throttled).toBe(0);
    expect(incomplete(loadedFrom(180_000, loads))).toEqual([]);
    expect(olderThan(5 * 60_000, loadedFrom(180_000, loads))).toEqual([]);
    expect(calls.statistics).toBeLessThanOrEqual(3 * 11 + 10);
  }, 120_000);
});
