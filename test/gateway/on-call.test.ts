/**
 * What whoever is on call reads: the quota left per API and budget, refusals labelled by what
 * refused them, error codes as the contract names them, the age of the data served and of each
 * scope's snapshot, Redis and the fleet; one access-log line per GraphQL request; `/metrics` on a
 * port of its own with METRICS_PORT.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'undici';
import { ManualClock } from '../helpers/clock.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { freePort } from '../helpers/ports.js';
import { describeWithRedis } from '../helpers/redis.js';
import { startServer } from '../helpers/server-process.js';

const perTest = useFixtures({ closeAfter: 'each' });

async function metrics(gw: RunningGateway): Promise<string> {
  return (await request(`${gw.url}/metrics`)).body.text();
}

/** The value of the series with exactly these labels (in the order prom-client prints them). */
function series(text: string, name: string, labels = ''): number | undefined {
  const prefix = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

const accessLines = (gw: RunningGateway) => gw.logs.entries().filter((e) => e.msg === 'graphql request');

describe('metrics an on-call reads', () => {
  it('the quota left per API and budget, and refusals by API and budget', async () => {
    const hss = await perTest.emulator({ quotaPerMinute: 0 });
    const gw = await perTest.gateway(hss, {
      HSS_RATE_LIMIT_PER_MINUTE: '3',
      HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: '5',
    });
    const full = await metrics(gw);
    expect(series(full, 'hss_quota_limit_calls', 'api="ListPortStatistics",budget="caller"')).toBe(3);
    expect(series(full, 'hss_quota_limit_calls', 'api="ListPortStatistics",budget="address"')).toBe(5);
    expect(series(full, 'hss_quota_remaining_calls', 'api="ListPortHost",budget="address"')).toBe(5);
    for (const port of [1, 2, 3, 4])
      await gw.graphql(`{ portStatistics(filter: { port: ${port} }) { totalCount } }`);
    const spent = await metrics(gw);
    expect(hss.received).toHaveLength(3);
    expect(series(spent, 'hss_quota_remaining_calls', 'api="ListPortStatistics",budget="caller"')).toBe(0);
    expect(series(spent, 'hss_quota_remaining_calls', 'api="ListPortStatistics",budget="address"')).toBe(2);
    expect(series(spent, 'hss_quota_remaining_calls', 'api="ListPortHost",budget="caller"')).toBe(3);
    expect(series(spent, 'hss_budget_refusals_total', 'api="ListPortStatistics",budget="caller"')).toBe(1);
    // The refusal's code is the contract's, not `other` (it is set after execution).
    expect(
      series(
        spent,
        'graphql_envelop_error_result',
        'operationName="Anonymous",operationType="query",phase="execute",code="RATE_LIMITED"',
      ),
    ).toBe(1);
    expect(spent).not.toMatch(/^graphql_envelop_error_result\{.*code="other"/m);
  });

  it('how old the data served is, the oldest of the last minute, and each scope`s snapshot', async () => {
    const clock = new ManualClock();
    const hss = await perTest.emulator({ now: clock.now });
    const gw = await perTest.gateway(hss, { CACHE_TTL_SECONDS: '60' }, { now: clock.now });
    await gw.graphql('{ portStatistics { totalCount } }');
    clock.advance(40_000);
    await gw.graphql('{ portStatistics(filter: { port: 22 }) { totalCount } }');
    const text = await metrics(gw);
    expect(series(text, 'hss_served_data_age_seconds_count')).toBe(2);
    expect(series(text, 'hss_served_data_age_seconds_bucket', 'le="1"')).toBe(1);
    expect(series(text, 'hss_served_data_age_seconds_bucket', 'le="60"')).toBe(2);
    expect(series(text, 'hss_served_data_max_age_seconds')).toBe(40);
    // The project's table, read as a snapshot: its scope is the project.
    expect(series(text, 'hss_snapshot_age_seconds', 'scope="p"')).toBeGreaterThanOrEqual(0);
  });
});

describe('what pages an on-call though answers flow', () => {
  it('the service identity refused by HSS: every caller served as it gets UNAUTHENTICATED', async () => {
    const hss = await perTest.emulator({ acceptAnyToken: false, tokens: ['good'] });
    const gw = await perTest.gateway(hss, { HSS_AUTH_TOKEN: 'revoked' });
    expect(series(await metrics(gw), 'hss_service_identity_refused')).toBe(0);
    await gw.graphql('{ portStatistics { totalCount } }');
    expect(series(await metrics(gw), 'hss_service_identity_refused')).toBe(1);
  });

  it('answers from the response cache count as the operations they answer', async () => {
    const hss = await perTest.emulator();
    const gw = await perTest.gateway(hss, { CACHE_TTL_SECONDS: '60', METRICS_OPERATION_NAMES: 'Ports' });
    for (let i = 0; i < 3; i++)
      await gw.graphql('query Ports { portStatistics { totalCount } }', {}, {}, 'Ports');
    const text = await metrics(gw);
    expect(series(text, 'hss_response_cache_lookups_total', 'result="hit"')).toBe(2);
    expect(series(text, 'graphql_envelop_request', 'operationName="Ports",operationType="query"')).toBe(3);
    expect(
      series(
        text,
        'graphql_yoga_http_duration_count',
        'operationName="Ports",operationType="query",method="POST",statusCode="200"',
      ),
    ).toBe(3);
  });
});

describe('the access log', () => {
  it('one line per GraphQL request: id, operation, status, duration, errors, calls, where its data came from', async () => {
    const hss = await perTest.emulator();
    const gw = await perTest.gateway(hss, { CACHE_TTL_SECONDS: '60' });
    const query = 'query Ports { portStatistics { totalCount } }';
    const fromHss = await gw.graphql(query, {}, { 'x-request-id': 'first-load' }, 'Ports');
    await gw.graphql(query, {}, { 'x-request-id': 'second-load' }, 'Ports');
    await gw.graphql('query Other { portStatistics(filter: { port: 22 }) { totalCount } }', {}, {}, 'Other');
    await gw.graphql('{ portStatistics(filter: { port: 70000 }) { totalCount } }');
    const lines = accessLines(gw);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      level: 30,
      requestId: 'first-load',
      operation: 'Ports',
      method: 'POST',
      status: 200,
      durationMs: expect.any(Number),
      errors: [],
      upstreamCalls: fromHss.body.extensions?.cost.upstreamCalls,
      served: 'hss',
      stale: false,
    });
    expect(lines[0]?.upstreamCalls).toBeGreaterThan(0);
    // The same text again: the whole answer from the response cache, which yoga never sees.
    expect(lines[1]).toMatchObject({
      requestId: 'second-load',
      operation: 'Ports',
      served: 'response-cache',
      upstreamCalls: 0,
    });
    // Another filter of the same table: its snapshot, stored.
    expect(lines[2]).toMatchObject({
      operation: 'Other',
      served: 'block-cache',
      upstreamCalls: 0,
      dataAgeMs: expect.any(Number),
    });
    expect(lines[3]).toMatchObject({ operation: null, errors: ['BAD_USER_INPUT'], served: 'none' });
    // Never the caller's token, variables or document.
    expect(JSON.stringify(lines)).not.toMatch(/"t"|portStatistics|query/);
  });

  it('requests refused before they could run have their line too: too large, not JSON', async () => {
    const hss = await perTest.emulator();
    const gw = await perTest.gateway(hss, { MAX_REQUEST_BYTES: '2048' });
    const post = (body: string, contentType = 'application/json') =>
      request(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': contentType }, body }).then(
        (r) => r.body.dump().then(() => r.statusCode),
      );
    expect(
      await post(JSON.stringify({ query: `{ portStatistics { totalCount } } #${'x'.repeat(4000)}` })),
    ).toBe(413);
    expect(await post('{ portStatistics { totalCount } }', 'text/plain')).toBe(403);
    expect(accessLines(gw).map((l) => l.status)).toEqual([413, 403]);
  });

  it('ACCESS_LOG_SAMPLE=0: no line for answers without errors, every answer with errors', async () => {
    const hss = await perTest.emulator();
    const gw = await perTest.gateway(hss, { ACCESS_LOG_SAMPLE: '0' });
    await gw.graphql('{ portStatistics { totalCount } }');
    await gw.graphql('{ portStatistics { nope } }');
    expect(accessLines(gw).map((l) => [l.status, l.errors])).toEqual([[400, ['GRAPHQL_VALIDATION_FAILED']]]);
  });
});

describeWithRedis('Redis and the fleet, as metrics', () => {
  it('Redis connected, replicas live and silent', async () => {
    const redis = await perTest.redis();
    const hss = await perTest.emulator();
    const gw = await perTest.gateway(hss, { REDIS_URL: redis.url, CACHE_TTL_SECONDS: '60' });
    const text = await metrics(gw);
    expect(series(text, 'hss_redis_connected')).toBe(1);
    expect(series(text, 'hss_fleet_replicas', 'state="live"')).toBeGreaterThanOrEqual(1);
    expect(series(text, 'hss_fleet_replicas', 'state="silent"')).toBe(0);
    await redis.close();
    await gw.logs.waitFor(
      'Redis unreachable: each replica decides alone on its share of the quota until it is back',
    );
    expect(series(await metrics(gw), 'hss_redis_connected')).toBe(0);
  });
});

describeWithRedis('a Redis that refuses the password', () => {
  it('is said in the log without the password', async () => {
    const port = await freePort();
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--requirepass', 'right-pw'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    try {
      let output = '';
      await new Promise<void>((resolve) =>
        server.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Ready to accept connections')) resolve();
        }),
      );
      const hss = await perTest.emulator();
      const gw = await perTest.gateway(hss, { REDIS_URL: `redis://:wr0ng-pw@127.0.0.1:${port}/0` });
      await gw.logs.waitFor(
        'Redis unreachable: each replica decides alone on its share of the quota until it is back',
      );
      await gw.graphql('{ portStatistics { totalCount } }');
      const logged = gw.logs.lines.join('\n');
      expect(logged).toMatch(/WRONGPASS|NOAUTH|invalid password/);
      expect(logged).not.toContain('wr0ng-pw');
    } finally {
      server.kill();
      await once(server, 'exit');
    }
  });
});

describe('METRICS_PORT', () => {
  it('serves /metrics on its own port alone, and not on the gateway`s', async () => {
    const server = await startServer({ METRICS_PORT: '0' });
    try {
      const ready = await server.logged('GraphQL gateway ready');
      const metricsUrl = `http://127.0.0.1:${ready.metricsPort}`;
      const scraped = await request(`${metricsUrl}/metrics`);
      expect(scraped.statusCode).toBe(200);
      expect(await scraped.body.text()).toContain('hss_quota_remaining_calls');
      expect((await request(`${metricsUrl}/graphql`)).statusCode).toBe(404);
      const onGateway = await request(`${server.url}/metrics`);
      await onGateway.body.dump();
      expect(onGateway.statusCode).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
