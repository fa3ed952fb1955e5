/**
 * The circuit breaker opens after repeated failures, fails fast (or serves stale data) while open,
 * probes, and closes when HSS recovers; a burst of traffic queues for a bounded number of sockets.
 */
import { ManualClock } from '../helpers/clock.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const perTest = useFixtures({ closeAfter: 'each' });
// These tests make many calls a minute to see the circuit and the sockets: HSS's quota is not their
// subject (faults.test.ts and dashboard-session.test.ts test it), so the emulator does not enforce it.
const NO_QUOTA = { quotaPerMinute: 0 };
let hss: RunningEmulator;
let gw: RunningGateway;
afterEach(() => jest.useRealTimers());

const calls = () => hss.received.filter((r) => r.path.startsWith('/v5/')).length;
const query = (port: number) => `{ portStatistics(filter: { port: ${port} }) { totalCount stale } }`;

describe('the circuit breaker', () => {
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(Date.parse('2026-11-27T12:00:00Z'), { alsoDate: true });
    hss = await perTest.emulator({ ...NO_QUOTA, faults: { rates: { 'status-503': 1 } } });
    gw = await perTest.gateway(hss, {
      HSS_RETRY_MAX: '0',
      HSS_CIRCUIT_FAILURES: '3',
      HSS_CIRCUIT_OPEN_SECONDS: '30',
    });
  });

  it('opens after 3 failures and then fails fast, without calling HSS', async () => {
    for (const port of [1, 2, 3])
      expect((await gw.graphql(query(port))).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(calls()).toBe(3);
    expect(gw.gateway.quota.resilience.circuitState).toBe('open');
    const error = (await gw.graphql(query(4))).body.errors?.[0];
    expect(error).toMatchObject({
      message: 'HSS is failing: calls are paused (circuit open); the gateway tries again within 30 s.',
      extensions: { code: 'UPSTREAM_UNAVAILABLE', retryAfter: 30 },
    });
    expect(calls()).toBe(3);
  });

  it('after the open period one probe passes; when HSS has recovered, the circuit closes', async () => {
    for (const port of [1, 2, 3]) await gw.graphql(query(port));
    hss.emulator.setFaults({});
    expect((await gw.graphql(query(4))).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(calls()).toBe(3);
    clock.advance(31_000);
    expect((await gw.graphql(query(5))).body.errors).toBeUndefined();
    expect(gw.gateway.quota.resilience.circuitState).toBe('closed');
    expect((await gw.graphql(query(6))).body.errors).toBeUndefined();
    expect(calls()).toBe(5);
  });

  it('a probe that fails opens the circuit again', async () => {
    for (const port of [1, 2, 3]) await gw.graphql(query(port));
    clock.advance(31_000);
    expect((await gw.graphql(query(4))).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(gw.gateway.quota.resilience.circuitState).toBe('open');
    expect((await gw.graphql(query(5))).body.errors?.[0]?.message).toContain('circuit open');
    expect(calls()).toBe(4);
  });

  it('answers that blame the request (400s, 401) do not open it', async () => {
    const strict = await perTest.emulator({ ...NO_QUOTA, acceptAnyToken: false });
    const refusing = await perTest.gateway(strict, { HSS_AUTH_TOKEN: 'unknown', HSS_CIRCUIT_FAILURES: '3' });
    // A different token each time: a refused one is not asked about again for a minute.
    for (const port of [1, 2, 3, 4]) {
      const answer = await refusing.graphql(query(port), {}, { 'x-auth-token': `refused-${port}` });
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(refusing.gateway.quota.resilience.circuitState).toBe('closed');
    expect(strict.received).toHaveLength(4);
  });
});

describe('while the circuit is open, a cached page stands in', () => {
  it('stale data instead of UPSTREAM_UNAVAILABLE', async () => {
    const clock = new ManualClock(Date.parse('2026-11-27T12:00:00Z'), { alsoDate: true });
    hss = await perTest.emulator(NO_QUOTA);
    // A cache that may stand in for an hour, and a circuit that opens after two failures. Each port
    // is a query of its own (no snapshot), so each failing one reaches HSS.
    const cache = {
      SNAPSHOT_MAX_PAGES: '0',
      CACHE_TTL_SECONDS: '60',
      CACHE_STALE_WHILE_REVALIDATE_SECONDS: '0',
      CACHE_STALE_IF_ERROR_SECONDS: '3600',
    };
    gw = await perTest.gateway(hss, {
      ...cache,
      HSS_RETRY_MAX: '0',
      HSS_CIRCUIT_FAILURES: '2',
      HSS_CIRCUIT_OPEN_SECONDS: '600',
    });
    expect((await gw.graphql(query(22))).body.data.portStatistics.stale).toBe(false);
    hss.emulator.setFaults({ rates: { 'status-502': 1 } });
    for (const port of [1, 2]) await gw.graphql(query(port));
    expect(gw.gateway.quota.resilience.circuitState).toBe('open');
    clock.advance(120_000);
    const before = calls();
    const answer = await gw.graphql(query(22));
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.portStatistics.stale).toBe(true);
    expect(calls()).toBe(before);
  });
});

describe('bounded concurrency to HSS', () => {
  it('forty distinct queries at once use at most HSS_MAX_CONNECTIONS sockets; the rest queue', async () => {
    hss = await perTest.emulator({ ...NO_QUOTA, faults: { latencyMs: 20 } });
    gw = await perTest.gateway(hss, { HSS_MAX_CONNECTIONS: '3' });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => gw.graphql(query(i + 1))));
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    expect(calls()).toBe(40);
    expect(hss.emulator.connections.peak).toBeLessThanOrEqual(3);
    expect(hss.emulator.connections.peak).toBeGreaterThan(1);
  });
});
