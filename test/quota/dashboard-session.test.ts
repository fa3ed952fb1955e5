/**
 * Dashboards under HSS's real quota (helpers/dashboard-session.ts): the README's `Dashboard` and a
 * user's clicks, every 10 s for 10 minutes, against the emulator enforcing HSS's flow control, with
 * the gateway's default budgets, cache and snapshots. HSS must never answer 429, and the dashboards
 * must show what the gateway promises.
 */
import {
  incompleteLoads as incomplete,
  type Load,
  runDashboardSession,
} from '../helpers/dashboard-session.js';

const withoutData = (loads: Load[]) => loads.filter((load) => load.data == null);
const fromSecondMinute = (loads: Load[]) => loads.filter((load) => load.at >= 60_000);

describe('a dashboard session of 10 minutes under HSS`s quota', () => {
  it('service identity, three users, 499 rows: complete on every load; HSS never answers 429', async () => {
    const { loads, calls } = await runDashboardSession({ rows: 499, users: [{}, {}, {}], minutes: 10 });
    expect(calls.throttled).toBe(0);
    expect(incomplete(loads)).toEqual([]);
    // The floor: one snapshot of ceil(499 / 200) = 3 calls per minute of TTL (and the first).
    expect(calls.statistics).toBeLessThanOrEqual(3 * 11);
  }, 60_000);

  it('service identity, three users, 5,000 rows: never data: null, complete (stale allowed) from the second minute', async () => {
    const { loads, calls } = await runDashboardSession({ rows: 5000, users: [{}, {}, {}], minutes: 10 });
    expect(calls.throttled).toBe(0);
    expect(withoutData(loads)).toEqual([]);
    expect(incomplete(fromSecondMinute(loads))).toEqual([]);
  }, 60_000);

  it('two callers with their own tokens, 499 rows: never data: null, complete (stale allowed) from the second minute', async () => {
    const users = [{ token: 'alice' }, { token: 'bob' }];
    const { loads, calls } = await runDashboardSession({ rows: 499, users, minutes: 10 });
    expect(calls.throttled).toBe(0);
    expect(withoutData(loads)).toEqual([]);
    expect(incomplete(fromSecondMinute(loads))).toEqual([]);
  }, 60_000);
});
