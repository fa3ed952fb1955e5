/**
 * The quota is visible before it runs out: every answer says in `extensions.cost` what it spent
 * and what budget is left, `rateLimit` says it for typed clients, and a RATE_LIMITED answer carries
 * an HTTP Retry-After and names the configured budget.
 */
import { request } from 'undici';
import { ManualClock } from '../helpers/clock.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';

const fixtures = useFixtures();
const perTest = useFixtures({ closeAfter: 'each' });
// The emulator enforces HSS's quota (5 calls a minute from 127.0.0.1): each test starts a minute
// later on the clock the emulator and the gateways share, so no test spends another's allowance.
const clock = new ManualClock();
let hss: RunningEmulator;
beforeAll(async () => {
  hss = await fixtures.emulator({ now: clock.now });
});
let receivedBefore = 0;
beforeEach(() => {
  clock.advance(61_000);
  receivedBefore = hss.received.length;
});
afterEach(() => {
  // The budgets keep the gateway inside HSS's quota: HSS never refuses it.
  expect(hss.received.slice(receivedBefore).filter((r) => r.status === 429)).toEqual([]);
});
/** A budget of 3 calls a minute, and the cache (so snapshots) on. */
const gateway = (env: Record<string, string> = {}) =>
  perTest.gateway(
    hss,
    { HSS_RATE_LIMIT_PER_MINUTE: '3', CACHE_TTL_SECONDS: '60', ...env },
    { now: clock.now },
  );
// Project p's hosts: 120 rows, so the scope's snapshot is one upstream page.
const count = (port: number, category = 'HOST') =>
  `{ portStatistics(filter: { category: ${category}, port: ${port} }) { totalCount } }`;

describe('extensions.cost', () => {
  it('says what each answer spent and what the caller has left', async () => {
    const gw = await gateway();
    const first = (await gw.graphql(count(22))).body.extensions?.cost;
    const statistics = { limit: 3, remaining: 2, resetAt: expect.any(String) };
    expect(first).toEqual({
      upstreamCalls: 1,
      sharedCalls: 0,
      cachedPages: 0,
      budget: statistics,
      budgets: { ListPortStatistics: statistics, ListPortHost: { limit: 3, remaining: 3, resetAt: null } },
    });
    // The call counts until a minute after it ended: the clock has not moved since.
    expect(Date.parse(first.budget.resetAt) - clock.now()).toBe(60_000);
    // Another document over the same scope: the cached snapshot serves it.
    const second = (await gw.graphql(`query Again ${count(22)}`)).body.extensions?.cost;
    expect(second).toMatchObject({ upstreamCalls: 0, cachedPages: 1, budget: { limit: 3, remaining: 2 } });
    // The same request again: the response cache serves it.
    const third = (await gw.graphql(`query Again ${count(22)}`)).body.extensions?.cost;
    expect(third).toMatchObject({ upstreamCalls: 0, cachedPages: 1, budget: { remaining: 2 } });
    // Another filter of the same scope: cut from the snapshot too.
    const fourth = (await gw.graphql(count(23))).body.extensions?.cost;
    expect(fourth).toMatchObject({ upstreamCalls: 0, cachedPages: 1, budget: { remaining: 2 } });
    // Another scope (containers, 120 rows): its own snapshot, one call.
    const fifth = (await gw.graphql(count(23, 'CONTAINER'))).body.extensions?.cost;
    expect(fifth).toMatchObject({ upstreamCalls: 1, cachedPages: 0, budget: { remaining: 1 } });
    expect(hss.received.slice(receivedBefore).map((r) => r.query)).toEqual([
      'category=host&limit=200',
      'category=container&limit=200',
    ]);
  });

  it('is on answers that never ran, and on every answer that did, the second one saying its own', async () => {
    const gw = await gateway({ CACHE_TTL_SECONDS: '0' });
    const refused = await gw.graphql('{ portStatistics { nope } }');
    expect(refused.status).toBe(400);
    expect(refused.body.extensions?.cost).toMatchObject({
      upstreamCalls: 0,
      budget: { limit: 3, remaining: 3 },
    });
    const first = (await gw.graphql(count(80))).body.extensions?.cost;
    const again = (await gw.graphql(count(80))).body.extensions?.cost;
    expect(first).toMatchObject({ upstreamCalls: 1, budget: { remaining: 2 } });
    expect(again).toMatchObject({ upstreamCalls: 1, budget: { remaining: 1 } });
  });

  it('says budget: null where no budget applies', async () => {
    const gw = await gateway({ HSS_RATE_LIMIT_PER_MINUTE: '0' });
    const { cost } = (await gw.graphql(count(22))).body.extensions ?? {};
    expect(cost.budget).toBeNull();
    expect(cost.budgets).toEqual({ ListPortStatistics: null, ListPortHost: null });
  });

  it("says each API's budget apart: a drill-down spends ListPortHost's, and its refusal names that API", async () => {
    const gw = await gateway({ HSS_RATE_LIMIT_PER_MINUTE: '1', CACHE_TTL_SECONDS: '0' });
    const servers = (port: number) => `{ portServers(port: ${port}) { totalCount } }`;
    const drilled = await gw.graphql(servers(22));
    expect(drilled.body.errors).toBeUndefined();
    expect(drilled.body.extensions?.cost.budgets).toEqual({
      ListPortStatistics: { limit: 1, remaining: 1, resetAt: null },
      ListPortHost: { limit: 1, remaining: 0, resetAt: expect.any(String) },
    });
    // `budget` stays the lists' (ListPortStatistics), as it always was.
    expect(drilled.body.extensions?.cost.budget).toEqual({ limit: 1, remaining: 1, resetAt: null });
    const refused = await gw.graphql(servers(80));
    const error = refused.body.errors?.[0];
    expect(error?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      api: 'ListPortHost',
      budget: 'caller',
      retryAfter: 60,
    });
    // retryAt: when the refusal was made, plus retryAfter (the gateway's wall clock, to a second).
    const retryAt = Date.parse(error?.extensions?.retryAt);
    expect(Math.abs(retryAt - (Date.now() + 60_000))).toBeLessThan(5_000);
    // The lists' budget is untouched: a list still answers.
    expect((await gw.graphql(count(22))).body.errors).toBeUndefined();
  });
});

describe('rateLimit', () => {
  it('says limit, remaining, used and resetAt', async () => {
    const gw = await gateway();
    const fresh = (await gw.graphql('{ rateLimit { limit remaining used resetAt } }')).body.data.rateLimit;
    expect(fresh).toEqual({ limit: 3, remaining: 3, used: 0, resetAt: null });
    await gw.graphql(count(22));
    const after = (await gw.graphql('{ rateLimit { limit remaining used resetAt } }')).body.data.rateLimit;
    expect(after).toMatchObject({ limit: 3, remaining: 2, used: 1, resetAt: expect.any(String) });
  });

  it('is null where no budget applies, and costs no upstream call', async () => {
    const gw = await gateway({ HSS_RATE_LIMIT_PER_MINUTE: '0', MAX_OPERATION_COST: '1' });
    const calls = hss.received.length;
    const answer = await gw.graphql('{ rateLimit { limit remaining used resetAt } }');
    expect(answer.body.data.rateLimit).toEqual({ limit: null, remaining: null, used: 0, resetAt: null });
    expect(hss.received.length).toBe(calls);
  });
});

describe('RATE_LIMITED', () => {
  it('carries an HTTP Retry-After and names the configured budget, on both paths', async () => {
    const gw = await gateway({ HSS_RATE_LIMIT_PER_MINUTE: '1', CACHE_TTL_SECONDS: '0' });
    await gw.graphql(count(1));
    for (const port of [2, 2]) {
      const response = await request(`${gw.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: count(port) }),
      });
      const body = (await response.body.json()) as {
        errors: { message: string; extensions: Record<string, unknown> }[];
      };
      expect(body.errors[0]?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfter: expect.any(Number),
        api: 'ListPortStatistics',
        budget: 'caller',
        retryAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(body.errors[0]?.extensions.http).toBeUndefined();
      expect(response.headers['retry-after']).toBe(String(body.errors[0]?.extensions.retryAfter));
      expect(body.errors[0]?.message).toContain('budget of 1 ListPortStatistics calls a minute');
    }
  });

  it('the address budget counts too: remaining is the lesser of the two, and its refusal names it', async () => {
    const gw = await gateway({ HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: '2', CACHE_TTL_SECONDS: '0' });
    const first = await gw.graphql(count(1));
    expect(first.body.extensions?.cost).toMatchObject({ upstreamCalls: 1, budget: { remaining: 1 } });
    const second = await gw.graphql(count(2));
    expect(second.body.extensions?.cost).toMatchObject({ upstreamCalls: 1, budget: { remaining: 0 } });
    const refused = await gw.graphql(count(3));
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 60,
      api: 'ListPortStatistics',
      budget: 'address',
    });
    expect(refused.body.errors?.[0]?.message).toBe(
      "The gateway's budget of 2 ListPortStatistics calls a minute for all callers together is spent (HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: HSS counts calls per source address); retry in 60 s.",
    );
    expect(refused.body.extensions?.cost).toMatchObject({ upstreamCalls: 0, budget: { remaining: 0 } });
    // rateLimit says it too: the caller's limit, with what the address has left.
    const limits = await gw.graphql('{ rateLimit { limit remaining used } }');
    expect(limits.body.data.rateLimit).toEqual({ limit: 3, remaining: 0, used: 2 });
  });
});
