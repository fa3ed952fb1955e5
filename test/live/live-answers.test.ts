/**
 * Live lists (`subscription { portStatistics }`) over GraphQL over SSE, with `graphql-sse`'s client
 * and with Apollo Client 4 through docs/frontend.md's link (taken from the page itself): sent at
 * once; nothing more, and no HSS call, while the data does not change, however many subscribers
 * read the scope; the new rows once HSS renews its statistics (the emulator's estate/renew).
 */
import type * as apolloClient from '@apollo/client';
import { ApolloClient, InMemoryCache } from '@apollo/client';
import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { parse } from 'graphql';
import { createClient } from 'graphql-sse';
import { request } from 'undici';
import { DEMO_AUTH_TOKEN } from '../../src/config.js';
import { ManualClock } from '../helpers/clock.js';
import { iamLogin, type RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { describeWithRedis } from '../helpers/redis.js';
import { runSnippet, snippetOf } from '../helpers/snippets.js';

const LIVE = `subscription LiveDanger {
  portStatistics(filter: { status: DANGER }, first: 5) { totalCount nodes { id port num } }
}`;

interface LiveData {
  portStatistics: { totalCount: number; nodes: { id: string; port: number; num: number }[] } | null;
}

const fixtures = useFixtures({ closeAfter: 'each' });
// The cache, snapshots and budgets as `npm start` has them, against HSS's quota.
const AS_SHIPPED = { asShipped: true };
let hss: RunningEmulator;
let gw: RunningGateway;
/** Calls of the list itself (the host lists of its rows are fetched ahead, each once: see below). */
const hssCalls = () => hss.received.filter((r) => r.path.endsWith('/statistics')).length;
const hostListCalls = () => hss.received.filter((r) => r.path.endsWith('/detail'));

/** A subscriber with graphql-sse's client: every event it is sent, and a wait for the nth. */
function subscriber(url: string) {
  const events: LiveData[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const client = createClient({ url: `${url}/graphql`, retryAttempts: 0 });
  const stop = client.subscribe<LiveData>(
    { query: LIVE },
    {
      next: (result) => {
        events.push(result.data as LiveData);
        for (const waiter of waiters.filter((w) => events.length >= w.n)) waiter.resolve();
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return {
    events,
    nth: (n: number) =>
      events.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    close: () => {
      stop();
      client.dispose();
    },
  };
}

async function renewEstate(emulatorUrl = hss.url) {
  const answer = await request(`${emulatorUrl}/__emulator/estate/renew`, { method: 'POST' });
  expect(answer.statusCode).toBe(200);
  await answer.body.dump();
}

describe('live lists', () => {
  it('two subscribers of one scope: one event each, and no HSS call while nothing changes', async () => {
    hss = await fixtures.emulator({ quotaPerMinute: 5 });
    gw = await fixtures.gateway(hss, { LIVE_TICK_SECONDS: '1', LOG_LEVEL: 'debug' }, AS_SHIPPED);
    const first = subscriber(gw.url);
    const second = subscriber(gw.url);
    try {
      await Promise.all([first.nth(1), second.nth(1)]);
      const callsAfterFirstEvents = hssCalls();
      // Three ticks more for each subscriber, while the data is fresh in the cache (60 s).
      await gw.logs.waitFor('live answer read', 8);
      expect(first.events).toHaveLength(1);
      expect(second.events).toHaveLength(1);
      expect(first.events[0]?.portStatistics?.nodes).toHaveLength(5);
      expect(hssCalls()).toBe(callsAfterFirstEvents);
      // One read of the scope for both.
      expect(callsAfterFirstEvents).toBeLessThanOrEqual(2);
      // The servers of the rows shown, fetched ahead: each host list once, however many ticks.
      const ports = hostListCalls().map((r) => new URLSearchParams(r.query).get('port'));
      expect(new Set(ports).size).toBe(ports.length);
    } finally {
      first.close();
      second.close();
    }
  });

  it("sends the new rows once HSS renews its statistics, within a renewal of the gateway's cache", async () => {
    hss = await fixtures.emulator({ quotaPerMinute: 5 });
    gw = await fixtures.gateway(hss, { LIVE_TICK_SECONDS: '1', CACHE_TTL_SECONDS: '1' }, AS_SHIPPED);
    const live = subscriber(gw.url);
    try {
      await live.nth(1);
      await renewEstate();
      await live.nth(2);
      const [before, after] = live.events;
      expect(after?.portStatistics?.nodes).toHaveLength(5);
      expect(after?.portStatistics).not.toEqual(before?.portStatistics);
    } finally {
      live.close();
    }
  });

  it("urql's subscriptionExchange over graphql-sse, as its documentation sets it up: the list, then the renewed list", async () => {
    gw = await fixtures.gateway(undefined, { LIVE_TICK_SECONDS: '1', CACHE_TTL_SECONDS: '1' }, AS_SHIPPED);
    const emulatorUrl = gw.gateway.emulator?.url;
    const sse = createClient({ url: `${gw.url}/graphql`, retryAttempts: 0 });
    const urql = new Client({
      url: `${gw.url}/graphql`,
      exchanges: [
        fetchExchange,
        subscriptionExchange({
          forwardSubscription(operation) {
            return {
              subscribe: (sink) => ({
                unsubscribe: sse.subscribe({ ...operation, query: operation.query ?? '' }, sink),
              }),
            };
          },
        }),
      ],
    });
    const seen: LiveData[] = [];
    await new Promise<void>((resolve, reject) => {
      const { unsubscribe } = urql.subscription<LiveData>(LIVE, {}).subscribe((result) => {
        if (result.error) reject(result.error);
        if (result.data) seen.push(result.data);
        if (seen.length === 1) renewEstate(emulatorUrl).catch(reject);
        if (seen.length === 2) {
          unsubscribe();
          resolve();
        }
      });
    });
    sse.dispose();
    expect(seen[0]?.portStatistics?.nodes).toHaveLength(5);
    expect(seen[1]?.portStatistics).not.toEqual(seen[0]?.portStatistics);
  });

  it("Apollo Client 4 through docs/frontend.md's link: the list, then the renewed list", async () => {
    // The embedded demo, as `npm start` serves it: the snippet's token is the demo's.
    gw = await fixtures.gateway(undefined, { LIVE_TICK_SECONDS: '1', CACHE_TTL_SECONDS: '1' }, AS_SHIPPED);
    const emulatorUrl = gw.gateway.emulator?.url;
    const { liveLink } = runSnippet(
      snippetOf('docs/frontend.md', 'export const liveLink'),
      { token: DEMO_AUTH_TOKEN },
      {
        'graphql-sse': {
          createClient: (options: Parameters<typeof createClient>[0]) =>
            createClient({ ...options, url: `${gw.url}${options.url}`, retryAttempts: 0 }),
        },
      },
    );
    const apollo = new ApolloClient({
      link: liveLink as apolloClient.ApolloLink,
      cache: new InMemoryCache(),
    });
    const seen: LiveData[] = [];
    let renewed = false;
    await new Promise<void>((resolve, reject) => {
      const subscription = apollo.subscribe<LiveData>({ query: parse(LIVE) }).subscribe({
        next: (result) => {
          seen.push(result.data as LiveData);
          if (seen.length === 1 && !renewed) {
            renewed = true;
            renewEstate(emulatorUrl).catch(reject);
          }
          if (seen.length === 2) {
            subscription.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    });
    expect(seen[0]?.portStatistics?.nodes).toHaveLength(5);
    expect(seen[1]?.portStatistics).not.toEqual(seen[0]?.portStatistics);
  });
});

describe('live lists, asked for in ways that must cost nothing', () => {
  const sse = (
    url: string,
    body: string,
    accept = 'text/event-stream',
    headers: Record<string, string> = {},
  ) =>
    request(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, ...headers },
      body,
    });
  /** The first event of a server-sent-events answer, read as it comes. */
  async function firstEvent(answer: Awaited<ReturnType<typeof sse>>, close = true): Promise<string> {
    let text = '';
    const chunks = answer.body[Symbol.asyncIterator]();
    while (!text.includes('event: next')) {
      const { done, value } = await chunks.next();
      if (done) break;
      text += String(value);
    }
    if (close) answer.body.destroy();
    return text;
  }

  it('one refused 406 (no stream accepted) never reads: only the subscription that streams does', async () => {
    hss = await fixtures.emulator({ quotaPerMinute: 5 });
    gw = await fixtures.gateway(hss, { LIVE_TICK_SECONDS: '1', LOG_LEVEL: 'debug' }, AS_SHIPPED);
    for (let i = 0; i < 5; i++) {
      const refused = await sse(gw.url, JSON.stringify({ query: LIVE }), 'application/json');
      expect(refused.statusCode).toBe(406);
      await refused.body.dump();
    }
    const live = subscriber(gw.url);
    try {
      await gw.logs.waitFor('live answer read', 4);
      const readers = new Set(
        gw.logs
          .entries()
          .filter((e) => e.msg === 'live answer read')
          .map((e) => e.requestId),
      );
      expect(readers.size).toBe(1);
    } finally {
      live.close();
    }
  });

  it('a caller who may not read is told once, and the stream ends', async () => {
    hss = await fixtures.emulator({ quotaPerMinute: 5 });
    gw = await fixtures.gateway(
      hss,
      { LIVE_TICK_SECONDS: '1', HSS_REQUIRE_CALLER_TOKEN: 'true' },
      AS_SHIPPED,
    );
    const answer = await sse(gw.url, JSON.stringify({ query: LIVE }));
    const text = await answer.body.text();
    expect(text).toContain('UNAUTHENTICATED');
    expect(text).toContain('event: complete');
    expect(text.match(/event: next/g)).toHaveLength(1);
  });

  it("an open one holds its connection, not its body's bytes: other requests are read meanwhile", async () => {
    hss = await fixtures.emulator({ quotaPerMinute: 5 });
    gw = await fixtures.gateway(
      hss,
      { LIVE_TICK_SECONDS: '1', HTTP_MAX_BYTES_IN_FLIGHT: '65536' },
      AS_SHIPPED,
    );
    const padded = JSON.stringify({ query: `${LIVE}${' '.repeat(40_000)}` });
    const open = await sse(gw.url, padded);
    // Kept open, as a dashboard keeps its live list.
    expect(await firstEvent(open, false)).toContain('event: next');
    const other = await sse(gw.url, padded);
    expect(other.statusCode).toBe(200);
    expect(await firstEvent(other)).toContain('event: next');
    open.body.destroy();
  });

  it('a verified caller holds at most LIVE_MAX_PER_CALLER open: one more is told so once, another caller is not', async () => {
    const users = [
      { domainName: 'acme', username: 'ana', password: 'pw-ana' },
      { domainName: 'acme', username: 'ben', password: 'pw-ben' },
    ];
    hss = await fixtures.emulator({ quotaPerMinute: 5, iamUsers: users });
    gw = await fixtures.gateway(hss, { LIVE_TICK_SECONDS: '1', LIVE_MAX_PER_CALLER: '2' }, AS_SHIPPED);
    const [ana, ben] = await Promise.all(users.map((user) => iamLogin(hss.url, user, 'p')));
    const as = (who: { token: string | undefined } | undefined) => ({ 'x-auth-token': String(who?.token) });
    const body = JSON.stringify({ query: LIVE });
    const open = [await sse(gw.url, body, undefined, as(ana)), await sse(gw.url, body, undefined, as(ana))];
    for (const held of open) expect(await firstEvent(held, false)).toContain('"portStatistics":{');
    const third = await (await sse(gw.url, body, undefined, as(ana))).body.text();
    expect(third).toContain('TOO_MANY_LIVE_LISTS');
    expect(third).toContain('"code":"RATE_LIMITED"');
    expect(third).toContain('event: complete');
    expect(await firstEvent(await sse(gw.url, body, undefined, as(ben)))).toContain('"portStatistics":{');
    // One closed, one more may open (once the gateway has heard the close: a few tries at most).
    open[0]?.body.destroy();
    let again = '';
    for (let attempt = 0; !again.includes('"portStatistics":{') && attempt < 50; attempt++) {
      again = await firstEvent(await sse(gw.url, body, undefined, as(ana)));
    }
    expect(again).toContain('"portStatistics":{');
    open[1]?.body.destroy();
  });

  it('two identical ones from one caller both stream: neither waits for the other to end', async () => {
    hss = await fixtures.emulator({ quotaPerMinute: 5 });
    gw = await fixtures.gateway(hss, { LIVE_TICK_SECONDS: '1' }, AS_SHIPPED);
    const body = JSON.stringify({ query: LIVE });
    const accept = 'text/event-stream, application/json';
    const [one, two] = await Promise.all([sse(gw.url, body, accept), sse(gw.url, body, accept)]);
    const events = await Promise.all([firstEvent(one), firstEvent(two)]);
    for (const event of events) expect(event).toContain('event: next');
  });
});

describeWithRedis('live lists in a fleet', () => {
  it('two replicas sharing Redis, a subscriber on each: the reads of one gateway, at start and per renewal', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
    hss = await fixtures.emulator({ quotaPerMinute: 5, now: clock.now });
    const redis = await fixtures.redis();
    const env = { REDIS_URL: redis.url, LIVE_TICK_SECONDS: '1', HOSTS_FETCH_AHEAD_ROWS: '0' };
    const options = { ...AS_SHIPPED, now: clock.now };
    const [a, b] = [await fixtures.gateway(hss, env, options), await fixtures.gateway(hss, env, options)];
    const onA = subscriber(a.url);
    const onB = subscriber(b.url);
    try {
      await Promise.all([onA.nth(1), onB.nth(1)]);
      // The demo table's snapshot: 226 rows, two blocks, read once for the fleet.
      expect(hssCalls()).toBe(2);
      // Each replica's clock ticks, and reads the fleet's cache.
      await Promise.all([a.logs.waitFor('live answer read', 4), b.logs.waitFor('live answer read', 4)]);
      expect(hssCalls()).toBe(2);
      await renewEstate();
      clock.advance(61_000);
      await Promise.all([onA.nth(2), onB.nth(2)]);
      await Promise.all([a.gateway.quota.blocks.settled(), b.gateway.quota.blocks.settled()]);
      // One renewal of the snapshot for both subscribers, whichever replica made it.
      expect(hssCalls()).toBe(4);
      expect(onA.events[1]).toEqual(onB.events[1]);
      expect(onA.events[1]).not.toEqual(onA.events[0]);
    } finally {
      onA.close();
      onB.close();
    }
  }, 60_000);
});
