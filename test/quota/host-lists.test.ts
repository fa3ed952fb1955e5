/**
 * Host lists (ListPortHost: a drill-down's servers) stay fresh for HOSTS_CACHE_TTL_SECONDS, longer
 * than lists of ports: they change slowly, and every port's is a call of its own against HSS's
 * 5 a minute. Past that they are served stale while renewed, as any block.
 */
import { ManualClock } from '../helpers/clock.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const fixtures = useFixtures({ closeAfter: 'each' });
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
