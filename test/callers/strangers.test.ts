/**
 * Strangers spend nothing of HSS's quota (the emulator enforces it; the gateway runs as shipped, its
 * budgets on): made-up tokens from one address, a sustained trickle of them, GETs any web page could
 * make a browser send. Each used to take the per-address allowance and lock every caller out for a
 * minute; now verified callers and the service identity are served throughout.
 */
import { request } from 'undici';
import { addressGroup } from '../../src/http/client-address.js';
import { ManualClock } from '../helpers/clock.js';
import { iamLogin } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';

const fixtures = useFixtures({ closeAfter: 'each' });
const ALICE = { domainName: 'acme', username: 'alice', password: 'password-SECRET-a' };
const LIST = 'query ($port: Int) { portStatistics(filter: { port: $port }) { totalCount } }';

async function rig(clock: ManualClock) {
  const hss = await fixtures.emulator({
    acceptAnyToken: false,
    tokens: ['t'],
    iamUsers: [ALICE],
    rowsPerScope: 5000,
    now: clock.now,
  });
  const gw = await fixtures.gateway(hss, {}, { asShipped: true, now: clock.now });
  const alice = (await iamLogin(hss.url, ALICE, 'p')).token as string;
  const calls = () => hss.received.filter((r) => r.path.startsWith('/v5/'));
  return { hss, gw, alice, calls };
}

/** Served: data, no error. A 5,000-row table, so each distinct port is a call of its own. */
const served = (answer: { body: { data?: any; errors?: unknown[] } }) =>
  answer.body.errors === undefined && answer.body.data?.portStatistics !== null;

describe('made-up tokens from one address', () => {
  it('five of them take nothing: the service identity and a verified caller are served after', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
    const { gw, alice, calls } = await rig(clock);
    expect(served(await gw.graphql(LIST, { port: 1 }, { 'x-auth-token': alice }))).toBe(true);
    for (let i = 0; i < 5; i++) {
      const answer = await gw.graphql(LIST, { port: 100 + i }, { 'x-auth-token': `made-up-${i}` });
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(calls().filter((call) => /port=10\d/.test(call.query))).toEqual([]);
    expect(served(await gw.graphql(LIST, { port: 2 }))).toBe(true);
    expect(served(await gw.graphql(LIST, { port: 3 }, { 'x-auth-token': alice }))).toBe(true);
  });

  it('a trickle every 200 ms for 75 s: a verified caller polling every 2 s is served every time', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
    const { gw, alice, calls } = await rig(clock);
    const polls: boolean[] = [];
    for (let at = 0; at < 75_000; at += 200) {
      if (at % 2000 === 0)
        polls.push(served(await gw.graphql(LIST, { port: 22 }, { 'x-auth-token': alice })));
      await gw.graphql(LIST, { port: 23 }, { 'x-auth-token': `made-up-${at}` });
      clock.advance(200);
    }
    expect(polls).toHaveLength(38);
    expect(polls.filter((ok) => !ok)).toEqual([]);
    // The strangers made no call.
    expect(calls().filter((call) => call.query.includes('port=23'))).toEqual([]);
  });
});

describe('GETs any web page could make a browser send (no header that needs a preflight)', () => {
  it('five of them spend nothing: answered from what is fetched, or refused; the next caller is served', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
    const { gw, calls } = await rig(clock);
    for (let port = 1; port <= 5; port++) {
      const url = `${gw.url}/graphql?query=${encodeURIComponent(`{ portStatistics(filter: { port: ${port} }) { totalCount } }`)}`;
      const response = await request(url, { headers: { accept: 'application/json' } });
      const body = (await response.body.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PREFLIGHT_REQUIRED' });
    }
    expect(calls()).toHaveLength(0);
    expect(served(await gw.graphql(LIST, { port: 6 }))).toBe(true);
    const made = calls().length;
    // Once fetched, the same GET is answered, still without a call.
    const again = await request(
      `${gw.url}/graphql?query=${encodeURIComponent('{ portStatistics(filter: { port: 6 }) { totalCount } }')}`,
    );
    expect(((await again.body.json()) as { errors?: unknown }).errors).toBeUndefined();
    expect(calls()).toHaveLength(made);
  });
});

describe("a browser's word for where a GET comes from (Sec-Fetch-Site, which no page can set)", () => {
  it("one from the gateway's own origin (GraphiQL's live lists) calls; a cross-site one spends nothing", async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
    const { gw, calls } = await rig(clock);
    const get = (port: number, site: string) =>
      request(
        `${gw.url}/graphql?query=${encodeURIComponent(`{ portStatistics(filter: { port: ${port} }) { totalCount } }`)}`,
        { headers: { 'sec-fetch-site': site } },
      ).then((response) => response.body.json() as Promise<{ errors?: { extensions?: unknown }[] }>);
    for (const site of ['cross-site', 'same-site', 'none']) {
      expect((await get(8, site)).errors?.[0]?.extensions).toMatchObject({ reason: 'PREFLIGHT_REQUIRED' });
    }
    expect(calls()).toHaveLength(0);
    expect((await get(8, 'same-origin')).errors).toBeUndefined();
    expect(calls().length).toBeGreaterThan(0);
  });
});

describe('credentials a browser adds by itself', () => {
  it('Authorization: Basic or Negotiate is not a header that needs a preflight: such a GET spends nothing, such a form POST is refused', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
    const { gw, calls } = await rig(clock);
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Negotiate YIIabc']) {
      const url = `${gw.url}/graphql?query=${encodeURIComponent('{ portStatistics(filter: { port: 7 }) { totalCount } }')}`;
      const response = await request(url, { headers: { authorization } });
      const body = (await response.body.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PREFLIGHT_REQUIRED' });
      const form = await request(`${gw.url}/graphql`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'query=%7BportStatistics%7BtotalCount%7D%7D',
      });
      expect(form.statusCode).toBe(403);
      await form.body.dump();
    }
    expect(calls()).toHaveLength(0);
  });
});

describe('addresses', () => {
  it('an IPv6 caller counts by its /64, as one host holds a whole one; IPv4 by its address', () => {
    expect(addressGroup('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8:1:2::9')).toBe(addressGroup('2001:db8:1:2:ffff::1'));
    expect(addressGroup('2001:db8:1:3::9')).not.toBe(addressGroup('2001:db8:1:2::9'));
    expect(addressGroup('::ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(addressGroup('10.0.0.7')).not.toBe(addressGroup('10.0.0.8'));
  });
});
