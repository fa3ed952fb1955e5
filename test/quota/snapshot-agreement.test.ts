/**
 * A snapshot answers as HSS does: for thousands of random filter, order and paging combinations,
 * the gateway's answer from a snapshot of the scope's table has the same rows, in the same order,
 * with the same total, as the emulator's own answer to that query. The gateway's upstream calls are
 * counted too: the snapshots' pages, and nothing else.
 */
import { request } from 'undici';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const COMBINATIONS = 2000;

/** mulberry32: the same seed, the same combinations. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row {
  port: number;
  type: string;
  num: number;
  status: string;
}

const fixtures = useFixtures();
let hss: RunningEmulator;
let gw: RunningGateway;

beforeAll(async () => {
  // 350 rows a scope: the unfiltered table (hosts and containers together) is about 700 rows, four
  // pages of 200. Thousands of reference calls: the emulator's quota would refuse them.
  hss = await fixtures.emulator({ rowsPerScope: 350, quotaPerMinute: 0 });
  gw = await fixtures.gateway(hss, { CACHE_TTL_SECONDS: '3600', SNAPSHOT_MAX_PAGES: '4' });
});

/** What the emulator itself answers for the query: `total_num`, and `rows` rows from `offset`. */
async function emulatorAnswer(parameters: Record<string, string>, offset: number, rows: number) {
  const listed: Row[] = [];
  let totalCount = 0;
  // HSS pages hold at most 200 rows: more are asked for page by page, as a client of HSS would.
  for (let at = offset; ; at += 200) {
    const query = new URLSearchParams({ ...parameters, offset: String(at), limit: '200' });
    const response = await request(`${hss.url}/v5/p/asset/port/statistics?${query}`, {
      headers: { 'x-auth-token': 't' },
    });
    const body = (await response.body.json()) as { total_num: number; data_list: Row[] };
    totalCount = body.total_num;
    listed.push(...body.data_list);
    if (listed.length >= rows || body.data_list.length < 200) break;
  }
  return { totalCount, rows: listed.slice(0, rows).map((r) => `${r.port}/${r.type}/${r.num}/${r.status}`) };
}

it(`answers ${COMBINATIONS} random queries exactly as HSS would, from snapshots`, async () => {
  const next = random(20261206);
  const pick = <T>(values: readonly T[]): T | undefined => values[Math.floor(next() * values.length)];
  const ports = [22, 80, 443, 3389, 53, 123, 8080, 1, 65535];
  const mismatches: string[] = [];
  for (let i = 0; i < COMBINATIONS; i++) {
    const filter: Record<string, unknown> = {};
    const parameters: Record<string, string> = {};
    const category = pick(['HOST', 'CONTAINER', undefined, undefined]);
    if (category) [filter.category, parameters.category] = [category, category.toLowerCase()];
    if (next() < 0.3) {
      const port = next() < 0.5 ? pick(ports) : 1024 + Math.floor(next() * 64_000);
      [filter.port, parameters.port] = [port, String(port)];
    }
    if (next() < 0.35) {
      const digits = String(1 + Math.floor(next() * (next() < 0.5 ? 99 : 9999)));
      [filter.portString, parameters.port_string] = [digits, digits];
    }
    const type = next() < 0.4 ? pick(['TCP', 'TCP6', 'UDP', 'UDP6']) : undefined;
    if (type) [filter.type, parameters.type] = [type, type];
    const status = next() < 0.4 ? pick(['DANGER', 'NORMAL', 'UNKNOWN']) : undefined;
    if (status) [filter.status, parameters.status] = [status, status.toLowerCase()];
    const direction = pick(['ASC', 'DESC', undefined]);
    if (direction) [parameters.sort_key, parameters.sort_dir] = ['port', direction.toLowerCase()];
    const orderBy = direction ? `, orderBy: { field: PORT, direction: ${direction} }` : '';
    const first = pick([0, 1, 3, 10, 25, 50, 120, 250]) ?? 10;
    const style = next();
    const reference = await emulatorAnswer(parameters, 0, 0);
    let paging: string;
    let offset: number;
    let rows = first;
    if (style < 0.6) {
      offset = Math.floor(next() * (reference.totalCount + 20));
      paging = `page: { first: ${first}, offset: ${offset} }`;
    } else if (style < 0.8) {
      offset = 0;
      paging = `first: ${first}`;
    } else {
      // The last rows: Relay's `last` without `before`.
      offset = Math.max(0, reference.totalCount - first);
      rows = Math.min(first, reference.totalCount);
      paging = `last: ${first}`;
    }
    const answer = await gw.graphql(
      `query($filter: PortStatisticFilter) { portStatistics(filter: $filter, ${paging}${orderBy}) {
        totalCount nodes { port type num status } } }`,
      { filter },
    );
    const expected = await emulatorAnswer(parameters, offset, rows);
    const got = {
      totalCount: answer.body.data?.portStatistics?.totalCount,
      rows: (answer.body.data?.portStatistics?.nodes ?? []).map(
        (r: Row) => `${r.port}/${r.type}/${r.num}/${r.status.toLowerCase()}`,
      ),
    };
    if (JSON.stringify(got) !== JSON.stringify(expected) || answer.body.errors) {
      mismatches.push(
        `${JSON.stringify(filter)} ${paging}${orderBy}: got ${JSON.stringify(got)}, HSS ${JSON.stringify(expected)}`,
      );
    }
  }
  expect(mismatches.slice(0, 5)).toEqual([]);
  // Three scopes (no category, hosts, containers), each fetched once in pages of 200, and nothing else.
  const gatewayCalls = gw.logs
    .entries()
    .filter((e) => e.msg === 'HSS call')
    .map((e) => e.query as string);
  expect(new Set(gatewayCalls.map((q) => q.replace(/&?offset=\d+/, '')))).toEqual(
    new Set(['limit=200', 'category=host&limit=200', 'category=container&limit=200']),
  );
  expect(gatewayCalls).toHaveLength(new Set(gatewayCalls).size);
}, 120_000);
