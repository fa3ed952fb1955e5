/** `/metrics` changes as requests flow; `/ready` follows the upstream's state. */
import { request } from 'undici';
import { ManualClock } from '../helpers/clock.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { freePort } from '../helpers/ports.js';

const perTest = useFixtures({ closeAfter: 'each' });
let hss: RunningEmulator;
let gw: RunningGateway;

async function metrics(): Promise<string> {
  return (await request(`${gw.url}/metrics`)).body.text();
}

/** The value of one series, or 0 when it does not exist yet. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const line = text.split('\n').find((l) => {
    if (!l.startsWith(`${name}{`) && !l.startsWith(`${name} `)) return false;
    return Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`));
  });
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('/metrics', () => {
  beforeEach(async () => {
    hss = await perTest.emulator();
    gw = await perTest.gateway(hss, {
      CACHE_TTL_SECONDS: '60',
      HSS_RATE_LIMIT_PER_MINUTE: '2',
      HSS_RETRY_MAX: '0',
      HSS_CIRCUIT_FAILURES: '2',
      METRICS_OPERATION_NAMES: 'TopPorts',
    });
  });

  it('counts GraphQL requests by operation, upstream calls by status, cache hits and misses', async () => {
    const before = await metrics();
    // Two texts, one snapshot of the project's table (the cache is on; its rows, hosts and containers
    // together, take two blocks of 200): the first proves the service identity may read the project
    // with the table's first block (a call, no lookup), which tells the table's size; then it hits
    // that first block and misses the second. The second text misses the response cache, and hits
    // both blocks: each block is looked up once per request.
    // TopPorts is a name the gateway was told of (METRICS_OPERATION_NAMES).
    await gw.graphql('query TopPorts { portStatistics { totalCount } }', {}, {}, 'TopPorts');
    await gw.graphql('query TopPorts { portStatistics { nodes { port } } }', {}, {}, 'TopPorts');
    const after = await metrics();
    expect(hss.received.map((r) => r.query)).toEqual(['limit=200', 'limit=200&offset=200']);
    expect(sample(after, 'graphql_envelop_request', { operationName: 'TopPorts' })).toBe(
      sample(before, 'graphql_envelop_request', { operationName: 'TopPorts' }) + 2,
    );
    expect(
      sample(after, 'hss_upstream_calls_total', { status: '200', operation: 'ListPortStatistics' }),
    ).toBe(2);
    expect(sample(after, 'hss_cache_lookups_total', { result: 'miss' })).toBe(1);
    expect(sample(after, 'hss_cache_lookups_total', { result: 'hit' })).toBe(3);
    expect(sample(after, 'hss_upstream_duration_seconds_count', { operation: 'ListPortStatistics' })).toBe(2);
  });

  it('keeps labels bounded: 1,000 made-up operation names add a few KB at most, as `other`', async () => {
    await gw.graphql('query Warm { portStatistics { totalCount } }');
    const before = await metrics();
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, k) =>
          gw.graphql(`query Random${i + k}x${Math.random().toString(36).slice(2)} { __typename }`),
        ),
      );
    }
    const after = await metrics();
    // Names the gateway does not know all share one label.
    expect(after.length - before.length).toBeLessThan(4 * 1024);
    const others = (text: string) => sample(text, 'graphql_envelop_request', { operationName: 'other' });
    expect(others(after) - others(before)).toBe(1000);
    expect(after).not.toContain('Random');
  });

  it('counts budget refusals, upstream errors and the circuit state', async () => {
    // The first query spends the budget of 2 on the project's snapshot (two pages of 200), which
    // answers the second too; the third is in another scope (containers): the first page of its
    // snapshot is refused, and so is the page of its own query it falls back to. Two calls not made.
    await gw.graphql('{ a: portStatistics(filter: { port: 1 }) { totalCount } }');
    await gw.graphql('{ b: portStatistics(filter: { port: 2 }) { totalCount } }');
    const refused = await gw.graphql(
      '{ c: portStatistics(filter: { port: 3, category: CONTAINER }) { totalCount } }',
    );
    expect(refused.body.data).toEqual({ c: null });
    expect(refused.body.errors?.[0]).toMatchObject({
      path: ['c'],
      message: expect.stringContaining('(HSS_RATE_LIMIT_PER_MINUTE)'),
      extensions: { code: 'RATE_LIMITED' },
    });
    expect(hss.received).toHaveLength(2);
    expect(sample(await metrics(), 'hss_budget_refusals_total')).toBe(2);

    // A second gateway, without the budget, on a failing HSS.
    hss.emulator.setFaults({ rates: { 'status-503': 1 } });
    gw = await perTest.gateway(hss, { HSS_RETRY_MAX: '0', HSS_CIRCUIT_FAILURES: '2' });
    expect(sample(await metrics(), 'hss_circuit_state')).toBe(0);
    await gw.graphql('{ portStatistics(filter: { port: 4 }) { totalCount } }');
    await gw.graphql('{ portStatistics(filter: { port: 5 }) { totalCount } }');
    const text = await metrics();
    expect(sample(text, 'hss_upstream_calls_total', { status: '503' })).toBe(2);
    expect(sample(text, 'hss_circuit_state')).toBe(2);
    expect(sample(text, 'graphql_envelop_error_result')).toBeGreaterThan(0);
  });

  it('counts requests that joined a call in flight', async () => {
    hss.emulator.setFaults({ latencyMs: 100 });
    // Five requests at once for the project's snapshot: one of them makes its calls, the other four
    // join each: the proof that is the table's first block, which tells its size, then the second
    // block of 200.
    // Five filters of one table: identical texts would share one answer before any block is asked.
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        gw.graphql(`{ portStatistics(filter: { port: ${9 + i} }) { totalCount } }`),
      ),
    );
    const text = await metrics();
    expect(hss.received.map((r) => r.query)).toEqual(['limit=200', 'limit=200&offset=200']);
    expect(sample(text, 'hss_upstream_calls_total', { status: '200' })).toBe(2);
    expect(sample(text, 'hss_coalesced_calls_total')).toBe(8);
  });

  it('METRICS=false serves no /metrics', async () => {
    const off = await perTest.gateway(hss, { METRICS: 'false' });
    const response = await request(`${off.url}/metrics`);
    expect(await response.body.text()).not.toContain('hss_upstream_calls_total');
  });
});

describe('/ready', () => {
  const ready = async () => {
    const response = await request(`${gw.url}/ready`);
    return {
      status: response.statusCode,
      body: (await response.body.json()) as { ready: boolean; reason: string; hss: string; redis: string },
    };
  };

  it('says how HSS looks: answered recently, or reached by a probe that spends no quota', async () => {
    const clock = new ManualClock();
    hss = await perTest.emulator();
    gw = await perTest.gateway(hss, {}, { now: clock.now });
    expect(await ready()).toEqual({
      status: 200,
      body: { ready: true, reason: 'serving', hss: 'reachable', redis: 'none' },
    });
    // The probe asked for "/", not the API: no quota spent.
    expect(hss.received.map((r) => r.path)).toEqual(['/']);
    await gw.graphql('{ portStatistics { totalCount } }');
    expect((await ready()).body.hss).toBe('answered recently');
    clock.advance(61_000);
    expect((await ready()).body.hss).toBe('reachable');
  });

  it('stays ready when HSS cannot be reached: stored answers can still be served', async () => {
    const port = await freePort(); // nobody listens there
    gw = await perTest.gateway({ url: `http://127.0.0.1:${port}` });
    expect(await ready()).toEqual({
      status: 200,
      body: {
        ready: true,
        reason: 'serving',
        hss: 'not reachable: stored answers are served until it is',
        redis: 'none',
      },
    });
  });

  it('stays ready while the circuit is open, and says so', async () => {
    hss = await perTest.emulator({ faults: { rates: { 'status-502': 1 } } });
    gw = await perTest.gateway(hss, {
      HSS_RETRY_MAX: '0',
      HSS_CIRCUIT_FAILURES: '2',
      HSS_CIRCUIT_OPEN_SECONDS: '30',
    });
    await gw.graphql('{ portStatistics(filter: { port: 1 }) { totalCount } }');
    await gw.graphql('{ portStatistics(filter: { port: 2 }) { totalCount } }');
    expect(await ready()).toEqual({
      status: 200,
      body: {
        ready: true,
        reason: 'serving',
        hss: 'failing (circuit open): stored answers are served until it recovers',
        redis: 'none',
      },
    });
  });

  it('is not ready once draining has begun (shutdown), whatever HSS does', async () => {
    hss = await perTest.emulator();
    gw = await perTest.gateway(hss);
    await gw.graphql('{ portStatistics { totalCount } }');
    gw.gateway.readiness.drain();
    expect(await ready()).toEqual({
      status: 503,
      body: { ready: false, reason: 'shutting down', hss: 'answered recently', redis: 'none' },
    });
  });
});
