/**
 * Drill-downs under HSS's quota of 5 ListPortHost calls a minute, one port each. Two signed-in users
 * reload the README's `Dashboard` every 10 s, and each reload is followed by a drill-down into one
 * of the rows it shows (helpers/dashboard-session.ts). Host lists are kept 10 minutes, and the
 * servers of the rows shown are fetched ahead with the calls the budget leaves, dangerous and most
 * viewed first, while no one is waiting for one: after the first minute, at most 1 drill-down in
 * 10 may be refused.
 */
import { incompleteLoads, type Load, runDashboardSession } from '../helpers/dashboard-session.js';

const users = [{ signIn: 'alice' }, { signIn: 'bob' }];
const drillDowns = (loads: Load[]) => loads.filter((load) => load.what === 'servers');
const afterFirstMinute = (loads: Load[]) => loads.filter((load) => load.at >= 60_000);

describe('drill-downs of two users under HSS`s quota', () => {
  it('clicking from the first load over all 20 rows shown (14 host lists): at most 1 in 10 refused after the first minute, HSS never answers 429', async () => {
    const { loads, calls } = await runDashboardSession({
      rows: 226,
      users,
      minutes: 3,
      clicks: 'drill-downs',
      drillInto: 'shown',
    });
    const clicks = afterFirstMinute(drillDowns(loads));
    expect(clicks).toHaveLength(24);
    expect(incompleteLoads(clicks).length).toBeLessThanOrEqual(clicks.length / 10);
    expect(calls.throttled).toBe(0);
    expect(calls.servers).toBeLessThanOrEqual(5 * 3);
    // The dashboards themselves were never starved for it.
    expect(incompleteLoads(loads.filter((load) => load.what === 'Dashboard'))).toEqual([]);
  }, 60_000);

  // Users who read the dashboard for a minute before they drill into its dangerous ports: the
  // quiet minute's calls have fetched half of them ahead, and the rest come as the window frees.
  const readFirst = (env: Record<string, string>) =>
    runDashboardSession({ rows: 226, users, minutes: 3, clicks: 'drill-downs', clicksFrom: 60_000, env });

  it('reading first: the quiet minute fetches ahead, and no drill-down is refused', async () => {
    const { loads, calls } = await readFirst({});
    const clicks = drillDowns(loads);
    expect(clicks).toHaveLength(24);
    expect(incompleteLoads(clicks)).toEqual([]);
    expect(calls.throttled).toBe(0);
  }, 60_000);

  it('reading first, without fetching ahead (the control): more than 1 in 10 refused', async () => {
    const clicks = drillDowns((await readFirst({ HOSTS_FETCH_AHEAD_ROWS: '0' })).loads);
    expect(incompleteLoads(clicks).length).toBeGreaterThan(clicks.length / 10);
  }, 60_000);
});
