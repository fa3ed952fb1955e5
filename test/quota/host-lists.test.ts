/**
 * Host lists (ListPortHost: a drill-down's servers) stay fresh for HOSTS_CACHE_TTL_SECONDS, longer
 * than lists of ports: they change slowly, and every port's is a call of its own against HSS's
 * 5 a minute. Past that they are served stale while renewed, as any block.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { ManualClock } from '../helpers/clock.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { scriptedRunner, useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { pageAnswer } from '../helpers/scripted-upstream.js';

const fixtures = useFixtures({ closeAfter: 'each' });
const withAnswer = scriptedRunner(fixtures);

/** A sign-in token of the emulator's identity provider, as the header that carries it. */
async function signIn(issuer: string, user: string): Promise<Record<string, string>> {
  const answer = await request(`${issuer}/__emulator/sign-in`, {
    method: 'POST',
    body: JSON.stringify({ user, lifetimeSeconds: 86_400 }),
  });
  const { access_token: token } = (await answer.body.json()) as { access_token: string };
  return { authorization: `Bearer ${token}` };
}
const clock = new ManualClock();
let hss: RunningEmulator;
let gw: RunningGateway;
const hostCalls = () => hss.received.filter((r) => r.path.endsWith('/detail')).length;
const listCalls = () => hss.received.filter((r) => r.path.endsWith('/statistics')).length;
const SERVERS = '{ portServers(port: 22) { totalCount stale } }';
const LIST = '{ portStatistics(filter: { port: 22 }) { totalCount stale } }';

beforeEach(async () => {
  hss = await fixtures.emulator({ now: clock.now });
  gw = await fixtures.gateway(
    hss,
    { CACHE_TTL_SECONDS: '60', HOSTS_CACHE_TTL_SECONDS: '600' },
    { now: clock.now },
  );
});

describe('host lists', () => {
  it('are fresh for HOSTS_CACHE_TTL_SECONDS while port lists renew at CACHE_TTL_SECONDS', async () => {
    expect((await gw.graphql(SERVERS)).body.data.portServers.stale).toBe(false);
    expect((await gw.graphql(LIST)).body.data.portStatistics.stale).toBe(false);
    expect(hostCalls()).toBe(1);
    expect(listCalls()).toBeGreaterThan(0);
    clock.advance(120_000);
    // Two minutes on: the host list is still fresh, no call; the port list is stale.
    expect((await gw.graphql(SERVERS)).body.data.portServers.stale).toBe(false);
    expect(hostCalls()).toBe(1);
    expect((await gw.graphql(LIST)).body.data.portStatistics.stale).toBe(true);
  });

  it('past HOSTS_CACHE_TTL_SECONDS are served stale and renewed', async () => {
    await gw.graphql(SERVERS);
    clock.advance(601_000);
    const answer = await gw.graphql(SERVERS);
    expect(answer.body.data.portServers).toMatchObject({ stale: true, totalCount: expect.any(Number) });
    await gw.gateway.quota.blocks.settled();
    expect(hostCalls()).toBe(2);
  });
});

describe('host lists fetched ahead (as shipped: budgets on)', () => {
  const portsAsked = () =>
    hss.received
      .filter((r) => r.path.endsWith('/detail'))
      .map((r) => Number(new URLSearchParams(r.query).get('port')));

  it('the servers of the rows shown, dangerous first, with what the budget leaves; a drill-down then costs no call', async () => {
    const shipped = await fixtures.gateway(hss, {}, { now: clock.now, asShipped: true });
    const list = await shipped.graphql(
      '{ portStatistics(first: 8, orderBy: { field: PORT, direction: ASC }) { nodes { id port status } } }',
    );
    const rows = list.body.data.portStatistics.nodes as { id: string; port: number; status: string }[];
    const dangerous = rows.filter((row) => row.status === 'DANGER').map((row) => row.port);
    expect(dangerous.length).toBeGreaterThan(0);
    expect(dangerous.length).toBeLessThan(4);
    await shipped.gateway.quota.blocks.settled();
    // 5 calls a minute, 1 left to requests that wait: 4 lists, the dangerous ports' first.
    const asked = portsAsked();
    expect(asked).toHaveLength(4);
    expect(asked.slice(0, dangerous.length).sort()).toEqual([...dangerous].sort());
    const clicked = rows.find((row) => row.port === asked[dangerous.length]);
    const drillDown = await shipped.graphql(
      'query($id: ID!) { node(id: $id) { ... on PortStatistic { servers(first: 3) { totalCount } } } }',
      { id: clicked?.id },
    );
    expect(drillDown.body.errors).toBeUndefined();
    expect(drillDown.body.extensions?.cost.upstreamCalls).toBe(0);
    expect(portsAsked()).toHaveLength(4);
  });

  it('never for a GET any web page could have sent, nor with HOSTS_FETCH_AHEAD_ROWS=0', async () => {
    const off = await fixtures.gateway(
      hss,
      { HOSTS_FETCH_AHEAD_ROWS: '0' },
      { now: clock.now, asShipped: true },
    );
    await off.graphql('{ portStatistics(first: 8) { nodes { port } } }');
    await off.gateway.quota.blocks.settled();
    expect(portsAsked()).toEqual([]);
    // A GET without a header that needs a CORS preflight is answered from what is stored (here
    // the table a count read), and spends nothing, ahead or not.
    const shipped = await fixtures.gateway(hss, {}, { now: clock.now, asShipped: true });
    await shipped.graphql('{ portStatistics(first: 0) { totalCount } }');
    const query = encodeURIComponent('{ portStatistics(first: 8) { nodes { port } } }');
    const viaGet = await fetch(`${shipped.url}/graphql?query=${query}`);
    expect(((await viaGet.json()) as { data: any }).data.portStatistics.nodes).toHaveLength(8);
    await shipped.gateway.quota.blocks.settled();
    expect(portsAsked()).toEqual([]);
  });

  it('on the gateway`s account: what is fetched ahead never spends a viewer`s fair share', async () => {
    const users = [
      { name: 'alice', groups: ['secops'] },
      { name: 'bob', groups: ['secops'] },
    ];
    const signedIn = await fixtures.emulator({ rowsPerScope: 226, now: clock.now, signInUsers: users });
    const policyFile = join(mkdtempSync(join(tmpdir(), 'policy-')), 'access-policy.json');
    writeFileSync(
      policyFile,
      JSON.stringify({ grants: [{ when: { groups: 'secops' }, read: { p: ['*'] } }] }),
    );
    const env = { OIDC_ISSUER: signedIn.url, OIDC_AUDIENCE: 'hss-gateway', ACCESS_POLICY_FILE: policyFile };
    const shipped = await fixtures.gateway(signedIn, env, { now: clock.now, asShipped: true });
    const [alice, bob] = await Promise.all(users.map((user) => signIn(signedIn.url, user.name)));
    // Bob has drilled down lately: a second principal, so fair shares apply.
    expect(
      (await shipped.graphql('{ portServers(port: 3389) { totalCount } }', {}, bob)).body.errors,
    ).toBeUndefined();
    clock.advance(61_000);
    const list = await shipped.graphql(
      '{ portStatistics(first: 10, orderBy: { field: PORT, direction: ASC }) { nodes { id port } } }',
      {},
      alice,
    );
    await shipped.gateway.quota.blocks.settled();
    const asked = signedIn.received
      .filter((r) => r.path.endsWith('/detail'))
      .map((r) => Number(new URLSearchParams(r.query).get('port')));
    expect(asked).toHaveLength(1 + 4);
    const rows = list.body.data.portStatistics.nodes as { id: string; port: number }[];
    const notFetched = rows.find((row) => !asked.includes(row.port));
    const click = await shipped.graphql(
      'query($id: ID!) { node(id: $id) { ... on PortStatistic { servers(first: 3) { totalCount } } } }',
      { id: notFetched?.id },
      alice,
    );
    expect(click.body.errors).toBeUndefined();
  });

  it('a list exactly as old as its freshness is not fetched again and again (the clock does not move)', async () => {
    const shipped = await fixtures.gateway(hss, {}, { now: clock.now, asShipped: true });
    const list = '{ portStatistics(first: 1, orderBy: { field: PORT, direction: ASC }) { nodes { port } } }';
    await shipped.graphql(list);
    await shipped.gateway.quota.blocks.settled();
    expect(portsAsked()).toHaveLength(1);
    clock.advance(600_000);
    await shipped.graphql(list);
    await shipped.gateway.quota.blocks.settled();
    expect(portsAsked()).toHaveLength(1);
  });

  it('a row of port 0 (HSS lists one) fails nothing: it has no host list to fetch', async () => {
    const rows = [
      { port: 0, type: 'TCP', num: 2, status: 'normal' },
      { port: 22, type: 'TCP', num: 3, status: 'danger' },
    ];
    await withAnswer(
      (req) => (req.url.includes('/statistics') ? pageAnswer(2, rows) : pageAnswer(0, [])),
      async (scripted, upstream) => {
        const answer = await scripted.graphql('{ portStatistics(first: 5) { nodes { port } } }');
        expect(answer.body.errors).toBeUndefined();
        expect(answer.body.data.portStatistics.nodes).toEqual([{ port: 0 }, { port: 22 }]);
        await scripted.gateway.quota.blocks.settled();
        const hostLists = upstream.received.filter((r) => r.url.includes('/detail'));
        expect(hostLists.map((r) => new URL(r.url, 'http://upstream').searchParams.get('port'))).toEqual([
          '22',
        ]);
      },
      {
        CACHE_TTL_SECONDS: '60',
        HSS_RATE_LIMIT_PER_MINUTE: '5',
        HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: '5',
        HOSTS_FETCH_AHEAD_ROWS: '10',
      },
    );
  });
});
