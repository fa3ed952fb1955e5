/**
 * Snapshots under contention: something else behind the gateway's address spends part of HSS's
 * quota. A snapshot is fetched progressively and keeps the blocks it got, answering what they can;
 * HSS's 429 pauses every call of its API, on every replica, instead of each one spending a refusal
 * to learn it; once the quota frees, only the missing block is fetched.
 */
import { request } from 'undici';
import { ManualClock } from '../helpers/clock.js';
import { iamLogin, type RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { describeWithRedis } from '../helpers/redis.js';

const DASHBOARD = `{
  portStatistics(page: { first: 5 }) { totalCount stale nodes { port } }
  portStatisticsSummary { totalCount byStatus { status count } }
}`;

/**
 * ListPortStatistics calls HSS answered the gateways (not the test's own), with their statuses (the
 * host lists of the rows shown, fetched ahead, count against another API's quota).
 */
const gatewayCalls = (hss: RunningEmulator, spent: number) =>
  hss.received.filter((r) => r.path.endsWith('/statistics')).slice(spent);

/** Another tool behind the same address, with the same credentials, spends `calls` of the quota. */
async function spendElsewhere(hss: RunningEmulator, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) {
    const answer = await request(`${hss.url}/v5/p/asset/port/statistics?limit=10&offset=${i}`, {
      headers: { 'x-auth-token': 't' },
    });
    await answer.body.dump();
    expect(answer.statusCode).toBe(200);
  }
}

async function metric(gw: RunningGateway, line: RegExp): Promise<number> {
  const text = await (await request(`${gw.url}/metrics`)).body.text();
  const found = text.split('\n').find((l) => line.test(l));
  return found === undefined ? Number.NaN : Number(found.slice(found.lastIndexOf(' ') + 1));
}

describe('a snapshot while something else spends the quota', () => {
  const perTest = useFixtures({ closeAfter: 'each' });

  it('keeps the blocks it got, answers what they can, pauses on 429, then fetches only the block missing', async () => {
    const clock = new ManualClock(Date.parse('2026-12-07T09:00:00Z'));
    // 300 rows of each category: a table of three blocks of 200.
    const hss = await perTest.emulator({ quotaPerMinute: 5, rowsPerScope: 300, now: clock.now });
    const gw = await perTest.gateway(hss, {}, { asShipped: true, now: clock.now });
    await spendElsewhere(hss, 3);
    const spent = 3;
    clock.advance(50_000);

    // Two calls of the quota are left to the gateway: its first two blocks land, the third is refused.
    const first = await gw.graphql(DASHBOARD);
    expect(
      gatewayCalls(hss, spent)
        .map((r) => r.status)
        .sort(),
    ).toEqual([200, 200, 429]);
    // The list's first rows are in the first block, and so is the count of the whole table:
    // answered; the counts by status need every row.
    expect(first.body.data.portStatistics).toMatchObject({ totalCount: 590, stale: false });
    expect(first.body.data.portStatistics.nodes).toHaveLength(5);
    expect(first.body.data.portStatisticsSummary).toEqual({ totalCount: 590, byStatus: null });
    expect(first.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['portStatisticsSummary', 'byStatus'], 'RATE_LIMITED'],
    ]);

    // Paused: asked again a few seconds later, no call is made at all.
    clock.advance(5_000);
    const paused = await gw.graphql(DASHBOARD);
    expect(gatewayCalls(hss, spent)).toHaveLength(3);
    expect(paused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      reason: 'HSS_THROTTLED',
    });
    expect(paused.body.data.portStatistics.nodes).toHaveLength(5);
    expect(await metric(gw, /^hss_upstream_pause_seconds\{api="ListPortStatistics"\}/)).toBeGreaterThan(0);
    expect(await metric(gw, /^hss_upstream_pauses_total /)).toBe(1);
    expect(
      await metric(gw, /^hss_budget_refusals_total\{api="ListPortStatistics",budget="paused"\}/),
    ).toBeGreaterThan(0);

    // The other tool's calls have left HSS's window and the pause is over: the block that was
    // refused is the only one fetched, and the whole dashboard is answered.
    clock.advance(6_000);
    const complete = await gw.graphql(DASHBOARD);
    expect(complete.body.errors).toBeUndefined();
    expect(complete.body.data.portStatisticsSummary.totalCount).toBe(590);
    expect(gatewayCalls(hss, spent).map((r) => r.status)).toHaveLength(4);
    expect(gatewayCalls(hss, spent).at(-1)?.status).toBe(200);
  });

  it('a Retry-After from HSS is the pause', async () => {
    const clock = new ManualClock(Date.parse('2026-12-07T09:00:00Z'));
    const hss = await perTest.emulator({
      now: clock.now,
      faults: { next: ['status-429-retry-after'], retryAfterSeconds: 20 },
    });
    const gw = await perTest.gateway(hss, { HSS_RETRY_MAX: '0' }, { now: clock.now });
    const refused = await gw.graphql('{ portStatistics { totalCount } }');
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 20 });
    clock.advance(19_000);
    const paused = await gw.graphql('{ portStatistics(filter: { port: 22 }) { totalCount } }');
    expect(paused.body.errors?.[0]?.extensions).toMatchObject({ reason: 'HSS_THROTTLED', retryAfter: 1 });
    expect(gatewayCalls(hss, 0)).toHaveLength(1);
    clock.advance(1_000);
    expect((await gw.graphql('{ portStatistics { totalCount } }')).body.errors).toBeUndefined();
    expect(gatewayCalls(hss, 0)).toHaveLength(2);
  });
});

describe('a 429 of a caller`s own credentials', () => {
  const perTest = useFixtures({ closeAfter: 'each' });
  const ALICE = { domainName: 'acme', username: 'alice', password: 'password-SECRET-a' };
  const BOB = { domainName: 'acme', username: 'bob', password: 'password-SECRET-b' };

  it('pauses that caller only (its user`s quota may be spent elsewhere), and everyone once a second caller`s are refused', async () => {
    const clock = new ManualClock(Date.parse('2026-12-07T09:00:00Z'));
    const hss = await perTest.emulator({
      acceptAnyToken: false,
      tokens: ['svc'],
      iamUsers: [ALICE, BOB],
      now: clock.now,
    });
    // No cache: every query is a call, with the caller's own token or the service identity's.
    const gw = await perTest.gateway(hss, { HSS_AUTH_TOKEN: 'svc', HSS_RETRY_MAX: '0' }, { now: clock.now });
    const alice = (await iamLogin(hss.url, ALICE, 'p')).token as string;
    const bob = (await iamLogin(hss.url, BOB, 'p')).token as string;
    const ask = (port: number, token?: string) =>
      gw.graphql(
        `{ portStatistics(filter: { port: ${port} }) { totalCount } }`,
        {},
        token ? { 'x-auth-token': token } : {},
      );
    const code = async (port: number, token?: string) => {
      const extensions = (await ask(port, token)).body.errors?.[0]?.extensions;
      return extensions ? `${extensions.code} ${extensions.reason ?? ''}`.trim() : 'ok';
    };
    expect(await code(1, alice)).toBe('ok');
    expect(await code(1, bob)).toBe('ok');
    const before = gatewayCalls(hss, 0).length;

    hss.emulator.setFaults({ next: ['status-429'] });
    expect(await code(2, alice)).toBe('RATE_LIMITED');
    // Alice's credentials pause; the service identity's calls go on.
    expect(await code(3, alice)).toBe('RATE_LIMITED HSS_THROTTLED');
    expect(await code(3)).toBe('ok');
    expect(gatewayCalls(hss, 0)).toHaveLength(before + 2);

    // A second caller refused within the window: the address's quota, then: everyone pauses.
    hss.emulator.setFaults({ next: ['status-429'] });
    expect(await code(4, bob)).toBe('RATE_LIMITED');
    expect(await code(5)).toBe('RATE_LIMITED HSS_THROTTLED');
    expect(gatewayCalls(hss, 0)).toHaveLength(before + 3);
  });
});

describeWithRedis('a 429 heard by one replica', () => {
  const fixtures = useFixtures();

  it('pauses the others: they make no call of that API until the pause ends', async () => {
    const clock = new ManualClock(Date.parse('2026-12-07T09:00:00Z'));
    const redis = await fixtures.redis();
    const hss = await fixtures.emulator({ now: clock.now, faults: { next: ['status-429'] } });
    const env = { REDIS_URL: redis.url, HSS_RETRY_MAX: '0', CACHE_TTL_SECONDS: '60' };
    const a = await fixtures.gateway(hss, env, { now: clock.now });
    const b = await fixtures.gateway(hss, env, { now: clock.now });
    const heard = new Promise<void>((resolve) => {
      b.gateway.quota.fleet?.channel.on('paused', () => resolve());
    });
    expect(
      (await a.graphql('{ portStatistics(filter: { port: 22 }) { totalCount } }')).body.errors?.[0]
        ?.extensions,
    ).toMatchObject({ code: 'RATE_LIMITED' });
    await heard;
    const onB = await b.graphql('{ portStatistics(filter: { port: 80 }) { totalCount } }');
    expect(onB.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'HSS_THROTTLED' });
    expect(gatewayCalls(hss, 0)).toHaveLength(1);
    // The learned pause after a first 429 without Retry-After: 10 s. B learned it too: its own
    // first 429 after that pause pauses for twice as long, on both.
    clock.advance(10_000);
    hss.emulator.setFaults({ next: ['status-429'] });
    const again = await b.graphql('{ portStatistics(filter: { port: 81 }) { totalCount } }');
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(b.gateway.quota.pause.remainingMs('ListPortStatistics')).toBe(20_000);
    clock.advance(20_000);
    expect(
      (await b.graphql('{ portStatistics(filter: { port: 80 }) { totalCount } }')).body.errors,
    ).toBeUndefined();
    // Two refusals in all, one per pause; every other call answered.
    expect(gatewayCalls(hss, 0).filter((call) => call.status !== 200)).toHaveLength(2);
  });
});

describe('a 429 when the gateway`s own budget is spent too', () => {
  const perTest = useFixtures({ closeAfter: 'each' });

  it('says to retry when a call will be allowed: the later of HSS`s Retry-After and the budget`s next call', async () => {
    const clock = new ManualClock(Date.parse('2026-12-07T09:00:00Z'));
    const hss = await perTest.emulator({ quotaPerMinute: 5, now: clock.now });
    const gw = await perTest.gateway(hss, { HSS_RETRY_MAX: '0' }, { asShipped: true, now: clock.now });
    // Four of the five ListPortHost calls of the minute.
    for (const port of [22, 80, 443, 3389]) {
      expect((await gw.graphql(`{ portServers(port: ${port}) { totalCount } }`)).body.errors).toBeUndefined();
    }
    clock.advance(10_000);
    // HSS refuses the fifth, "retry in 1 s"; the gateway counts it, so its budget has no call for
    // 50 s (until the first of the minute's calls leaves the window).
    hss.emulator.setFaults({ next: ['status-429-retry-after'], retryAfterSeconds: 1 });
    const refused = await gw.graphql('{ portServers(port: 21) { totalCount } }');
    const error = refused.body.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'RATE_LIMITED', budget: 'hss', retryAfter: 50 });
    expect(refused.headers['retry-after']).toBe('50');
    // And indeed: one second on, the budget refuses; fifty on, the call is made.
    clock.advance(1_000);
    const early = await gw.graphql('{ portServers(port: 21) { totalCount } }');
    expect(early.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    clock.advance(49_000);
    expect((await gw.graphql('{ portServers(port: 21) { totalCount } }')).body.errors).toBeUndefined();
  });
});
