/**
 * `npm run bench`: the gateway's cost and benefits, measured side by side in one run, everything on
 * loopback and bounded in time (about a minute and a half). The emulator and the gateways run as
 * separate processes, as in production; autocannon drives them from this one. Prints a table and
 * writes it to bench/results.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { request } from 'undici';
import { DEMO_AUTH_TOKEN, DEMO_PROJECT_ID } from '../src/config.js';
import { build, emulatorRequests, type Started, startEmulator, startGateway } from './processes.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 10;
const ROWS_PER_SCOPE = 1000;

const LIST_QUERY =
  '{ portStatistics(filter: { category: HOST }) { totalCount nodes { port type num status } } }';
const DASHBOARD_QUERY = `{
  portStatisticsSummary(filter: { category: HOST }) { totalCount byStatus { status count } byProtocol { type count } }
  dangerous: portStatistics(filter: { category: HOST, status: DANGER }) { nodes { port type num status } }
  all: portStatistics(filter: { category: HOST }) { nodes { port type num status } }
}`;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
}

async function cannon(
  url: string,
  options: {
    method?: 'GET' | 'POST';
    body?: string;
    headers?: Record<string, string>;
    connections: number;
    seconds?: number;
  },
): Promise<Load> {
  const result = await autocannon({
    url,
    method: options.method ?? 'GET',
    connections: options.connections,
    duration: options.seconds ?? SECONDS,
    headers: options.headers ?? {},
    ...(options.body ? { body: options.body } : {}),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

const graphql = (gateway: Started, query: string, connections: number, seconds?: number) =>
  cannon(`${gateway.url}/graphql`, {
    method: 'POST',
    body: JSON.stringify({ query }),
    headers: { 'content-type': 'application/json' },
    connections,
    ...(seconds ? { seconds } : {}),
  });

/** Runs one request after another and answers the latency percentiles, in milliseconds. */
async function sequential(times: number, run: () => Promise<void>): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * q))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}

async function median(times: number, run: () => Promise<void>): Promise<number> {
  return (await sequential(times, run)).p50;
}

async function post(url: string, query: string): Promise<void> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  await response.body.json();
}

async function main(): Promise<void> {
  build();
  const emulator = await startEmulator(ROWS_PER_SCOPE);
  const upstreamEnv = {
    HSS_ENDPOINT: emulator.url,
    HSS_PROJECT_ID: DEMO_PROJECT_ID,
    HSS_AUTH_TOKEN: DEMO_AUTH_TOKEN,
    HSS_RATE_LIMIT_PER_MINUTE: '0',
    MAX_OPERATION_COST: '100',
  };
  const cold = await startGateway('gateway-cache-off', { ...upstreamEnv, CACHE_TTL_SECONDS: '0' });
  const warm = await startGateway('gateway-cache-on', { ...upstreamEnv, CACHE_TTL_SECONDS: '3600' });
  let peakRss = 0;
  const rssAtStart = cold.rssMb();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, cold.rssMb(), warm.rssMb());
  }, 250);

  try {
    const direct = `${emulator.url}/v5/${DEMO_PROJECT_ID}/asset/port/statistics?category=host`;
    const token = { 'x-auth-token': DEMO_AUTH_TOKEN };
    console.log('direct REST ...');
    const directLoad = await cannon(direct, { headers: token, connections: CONNECTIONS });
    // One connection, one request after another: latency with microsecond resolution.
    const directOne = await sequential(2000, async () => {
      await (await request(direct, { headers: token })).body.json();
    });
    console.log('gateway, cache off ...');
    const coldLoad = await graphql(cold, LIST_QUERY, CONNECTIONS);
    const coldOne = await sequential(2000, () => post(`${cold.url}/graphql`, LIST_QUERY));
    console.log('gateway, warm cache ...');
    await graphql(warm, LIST_QUERY, 1, 1);
    const warmLoad = await graphql(warm, LIST_QUERY, CONNECTIONS);
    console.log('dashboard operation, cache off ...');
    const before = await emulatorRequests(emulator.url);
    const dashboard = await graphql(cold, DASHBOARD_QUERY, CONNECTIONS);
    const callsPerDashboard = ((await emulatorRequests(emulator.url)) - before) / dashboard.requests;
    // One at a time, operations share nothing: the documented count.
    const beforeOne = await emulatorRequests(emulator.url);
    await sequential(20, () => post(`${cold.url}/graphql`, DASHBOARD_QUERY));
    const callsPerLoneDashboard = ((await emulatorRequests(emulator.url)) - beforeOne) / 20;
    console.log('first: 1000 against five sequential REST pages ...');
    const page1000 = await median(15, async () => {
      const response = await request(`${cold.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query:
            '{ portStatistics(page: { first: 1000 }) { edges { cursor node { port type num status } } } }',
        }),
      });
      await response.body.json();
    });
    const fiveRest = await median(15, async () => {
      for (let offset = 0; offset < 1000; offset += 200) {
        const response = await request(
          `${emulator.url}/v5/${DEMO_PROJECT_ID}/asset/port/statistics?limit=200&offset=${offset}`,
          { headers: token },
        );
        await response.body.json();
      }
    });
    const rssAfter = cold.rssMb();
    clearInterval(sampler);

    const ratio = coldLoad.rps / directLoad.rps;
    const warmRatio = warmLoad.rps / coldLoad.rps;
    const addedP50 = coldOne.p50 - directOne.p50;
    const addedP99 = coldOne.p99 - directOne.p99;
    const check = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const rows: [string, string, string][] = [
      [
        'direct REST to the emulator, 10 connections',
        `${directLoad.rps.toFixed(0)} req/s, p50 ${directLoad.p50} ms, p99 ${directLoad.p99} ms`,
        '',
      ],
      [
        'gateway, cache off, 10 connections',
        `${coldLoad.rps.toFixed(0)} req/s, p50 ${coldLoad.p50} ms, p99 ${coldLoad.p99} ms`,
        '',
      ],
      ['cache-off throughput / direct', `${ratio.toFixed(2)} x`, `target >= 0.25 x: ${check(ratio >= 0.25)}`],
      [
        'latency at 1 connection: direct / gateway (cache off)',
        `p50 ${directOne.p50.toFixed(2)} / ${coldOne.p50.toFixed(2)} ms, p99 ${directOne.p99.toFixed(2)} / ${coldOne.p99.toFixed(2)} ms`,
        '',
      ],
      [
        'added latency at 1 connection',
        `p50 +${addedP50.toFixed(2)} ms, p99 +${addedP99.toFixed(2)} ms`,
        `target p50 < 1 ms: ${check(addedP50 < 1)}`,
      ],
      ['gateway, warm cache, 10 connections', `${warmLoad.rps.toFixed(0)} req/s, p50 ${warmLoad.p50} ms`, ''],
      ['warm / cache off', `${warmRatio.toFixed(2)} x`, `target >= 3 x: ${check(warmRatio >= 3)}`],
      [
        'dashboard (summary + two lists), cache off',
        `${dashboard.rps.toFixed(0)} ops/s; upstream calls per operation: ${callsPerLoneDashboard.toFixed(2)} one at a time, ${callsPerDashboard.toFixed(2)} under load (coalesced)`,
        'documented: 6',
      ],
      ['first: 1000 through the gateway (median of 15)', `${page1000.toFixed(1)} ms`, ''],
      ['five sequential 200-row REST calls (median of 15)', `${fiveRest.toFixed(1)} ms`, ''],
      [
        'gateway RSS: start, after, peak (both gateways)',
        `${rssAtStart.toFixed(0)} MB, ${rssAfter.toFixed(0)} MB, ${peakRss.toFixed(0)} MB`,
        `target peak < 150 MB: ${check(peakRss < 150)}`,
      ],
      [
        'failed requests (all runs)',
        String(directLoad.failures + coldLoad.failures + warmLoad.failures + dashboard.failures),
        'should be 0',
      ],
    ];
    const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${SECONDS} s per load run`;
    const table = [
      `Benchmark, ${new Date().toISOString()}: ${machine}`,
      '',
      '| measurement | result | target |',
      '| --- | --- | --- |',
      ...rows.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`),
      '',
    ].join('\n');
    console.log(`\n${table}`);
    writeFileSync(join(__dirname, 'results.md'), table);
  } finally {
    clearInterval(sampler);
    await cold.stop();
    await warm.stop();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
