/**
 * What is measured: the benchmark's query, its two workloads (identical requests, and requests that
 * each need their own HSS call), and the five targets that answer it from the same emulator: direct
 * REST, the two reference servers, and the gateway with its caches off and with a warm cache.
 */
import { isDeepStrictEqual } from 'node:util';
import { request } from 'undici';
import { DEMO_AUTH_TOKEN, DEMO_PROJECT_ID } from '../src/config.js';
import type { Measured, RequestShape, Workload } from './measure.js';
import { type ServerProcess, startGateway, startReference } from './processes.js';

export const QUERY =
  '{ portStatistics(filter: { portString: "2" }, page: { first: 10 }) { totalCount nodes { port type num status } } }';
/** The same operation with the port string as a variable: one parsed document, a new HSS call each. */
export const VARIED_QUERY =
  'query ($portString: String) { portStatistics(filter: { portString: $portString }, page: { first: 10 }) { totalCount nodes { port type num status } } }';
const STATISTICS_PATH = `/v5/${DEMO_PROJECT_ID}/asset/port/statistics`;
const TOKEN = { 'x-auth-token': DEMO_AUTH_TOKEN };

export type TargetKey = 'direct' | 'apollo' | 'yoga' | 'gatewayOff' | 'gatewayWarm';
export type WorkloadKey = 'identical' | 'varied' | 'snapshot';

export interface Target extends Measured {
  key: TargetKey;
  label: string;
  workloads: Partial<Record<WorkloadKey, Workload>>;
}

export function graphqlRequest(query: string, variables?: Record<string, unknown>): RequestShape {
  return {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', ...TOKEN },
    body: JSON.stringify(variables ? { query, variables } : { query }),
  };
}

export function restRequest(params: Record<string, string>): RequestShape {
  return { method: 'GET', path: `${STATISTICS_PATH}?${new URLSearchParams(params)}`, headers: TOKEN };
}

/**
 * What a busy dashboard sends: the list with a different filter every time (port string, status,
 * protocol, order: about 60,000 combinations, so none repeats within a run and the response cache,
 * 10,000 answers at most, never holds one again), each answered from the scope's snapshot.
 */
const SNAPSHOT_QUERY =
  'query ($filter: PortStatisticFilter, $orderBy: PortStatisticOrder) { portStatistics(filter: $filter, orderBy: $orderBy, page: { first: 10 }) { totalCount nodes { port type num status } } }';

export function snapshotFilters(): () => RequestShape {
  const statuses = [undefined, 'DANGER', 'NORMAL', 'UNKNOWN'];
  const types = [undefined, 'TCP', 'TCP6', 'UDP', 'UDP6'];
  const orders = [undefined, { direction: 'ASC' }, { direction: 'DESC' }];
  let i = 0;
  return () => {
    const n = i++;
    const portString = String((n % 999) + 1);
    const rest = Math.floor(n / 999);
    const status = statuses[rest % statuses.length];
    const type = types[Math.floor(rest / statuses.length) % types.length];
    const orderBy = orders[Math.floor(rest / (statuses.length * types.length)) % orders.length];
    return graphqlRequest(SNAPSHOT_QUERY, {
      filter: { portString, ...(status ? { status } : {}), ...(type ? { type } : {}) },
      ...(orderBy ? { orderBy } : {}),
    });
  };
}

/** An endless round of the given values: consecutive requests, in flight together, never share one. */
function cycle(values: readonly string[]): () => string {
  let i = 0;
  return () => values[i++ % values.length] ?? '';
}

function graphqlWorkloads(portStrings: readonly string[]): Record<'identical' | 'varied', Workload> {
  const next = cycle(portStrings);
  return {
    identical: { fixed: graphqlRequest(QUERY) },
    varied: { next: () => graphqlRequest(VARIED_QUERY, { portString: next() }) },
  };
}

/**
 * The port strings (1 to 999) whose first page of 10 rows is full, so every varied request does the
 * same work as the identical one; asked of the emulator, whose data is deterministic.
 */
export async function fullPagePortStrings(emulatorUrl: string): Promise<string[]> {
  const full: string[] = [];
  for (let n = 1; n < 1000; n++) {
    const response = await request(
      `${emulatorUrl}${restRequest({ port_string: String(n), limit: '10' }).path}`,
      {
        headers: TOKEN,
      },
    );
    const page = (await response.body.json()) as { data_list?: unknown[] };
    if (page.data_list?.length === 10) full.push(String(n));
  }
  if (full.length < 50) throw new Error(`fullPagePortStrings: only ${full.length} port strings fill a page`);
  return full;
}

/** The servers a run starts besides the emulator. */
export interface Servers {
  apollo: ServerProcess;
  yoga: ServerProcess;
  gatewayOff: ServerProcess;
  gatewayWarm: ServerProcess;
}

/**
 * The gateway's settings for the bench: this emulator, which is also the IAM the callers' tokens
 * are verified with (once each, then kept: the references pass tokens through unverified), no
 * upstream budgets (HSS's 5 calls a minute per caller and per address would turn a benchmark into a
 * test of the budget; the dashboard sessions measure the quota economy, dashboard-sessions.ts).
 */
export function gatewayEnv(emulatorUrl: string): Record<string, string> {
  return {
    HSS_ENDPOINT: emulatorUrl,
    IAM_ENDPOINT: emulatorUrl,
    // The bench emulator accepts any token, as a token of no project in particular.
    IAM_TOKEN_PROJECTS: '*',
    HSS_PROJECT_ID: DEMO_PROJECT_ID,
    HSS_AUTH_TOKEN: DEMO_AUTH_TOKEN,
    HSS_RATE_LIMIT_PER_MINUTE: '0',
    HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: '0',
  };
}

/** The warm gateway's: answers kept an hour, and a snapshot as large as the bench's scope. */
export const SNAPSHOT_SETTINGS = { CACHE_TTL_SECONDS: '3600', SNAPSHOT_MAX_PAGES: '10' };

export async function startServers(emulatorUrl: string): Promise<Servers> {
  const referenceEnv = { HSS_ENDPOINT: emulatorUrl, HSS_PROJECT_ID: DEMO_PROJECT_ID };
  const gateway = { ...gatewayEnv(emulatorUrl), MAX_OPERATION_COST: '100' };
  return {
    apollo: await startReference('apollo-datasource-rest', referenceEnv),
    yoga: await startReference('yoga-undici', referenceEnv),
    gatewayOff: await startGateway(
      'gateway-cache-off',
      { ...gateway, CACHE_TTL_SECONDS: '0' },
      { profile: true },
    ),
    gatewayWarm: await startGateway(
      'gateway-warm',
      // The bench's query has no category: hosts and containers, 1,000 rows each, 10 blocks. The
      // snapshot holds them all.
      { ...gateway, ...SNAPSHOT_SETTINGS },
      { profile: true },
    ),
  };
}

export function targetsOf(
  emulator: ServerProcess,
  servers: Servers,
  portStrings: readonly string[],
): Target[] {
  const nextRest = cycle(portStrings);
  const graphql = (key: TargetKey, label: string, server: ServerProcess): Target => ({
    key,
    label,
    url: server.url,
    pid: server.pid,
    ...(server.heapFile ? { heapFile: server.heapFile } : {}),
    workloads: graphqlWorkloads(portStrings),
  });
  return [
    {
      key: 'direct',
      label: 'direct REST to the emulator',
      url: emulator.url,
      pid: emulator.pid,
      workloads: {
        identical: { fixed: restRequest({ port_string: '2', limit: '10' }) },
        varied: { next: () => restRequest({ port_string: nextRest(), limit: '10' }) },
      },
    },
    graphql('apollo', 'Apollo Server + RESTDataSource', servers.apollo),
    graphql('yoga', 'yoga + undici', servers.yoga),
    graphql('gatewayOff', 'gateway, caches off', servers.gatewayOff),
    {
      ...graphql('gatewayWarm', 'gateway, warm cache', servers.gatewayWarm),
      workloads: { identical: { fixed: graphqlRequest(QUERY) }, snapshot: { next: snapshotFilters() } },
    },
  ];
}

async function send(url: string, shape: RequestShape): Promise<unknown> {
  const response = await request(`${url}${shape.path}`, {
    method: shape.method,
    headers: shape.headers,
    ...(shape.body ? { body: shape.body } : {}),
  });
  return response.body.json();
}

/**
 * Checks that every target answers the query and one varied request with exactly the rows direct
 * REST answers, and without errors: throughput of wrong answers would mean nothing.
 */
export async function checkAnswers(targets: readonly Target[], portString: string): Promise<void> {
  for (const [variables, params] of [
    [undefined, { port_string: '2', limit: '10' }],
    [{ portString }, { port_string: portString, limit: '10' }],
  ] as const) {
    const rest = (await send(targets[0]?.url ?? '', restRequest(params))) as {
      total_num: number;
      data_list: { status: string }[];
    };
    const expected = {
      data: {
        portStatistics: {
          totalCount: rest.total_num,
          nodes: rest.data_list.map((row) => ({ ...row, status: row.status.toUpperCase() })),
        },
      },
    };
    for (const target of targets.slice(1)) {
      // `extensions` (the gateway's freshness, for one) are not part of the comparison.
      const { data, errors } = (await send(
        target.url,
        graphqlRequest(variables ? VARIED_QUERY : QUERY, variables),
      )) as { data?: unknown; errors?: unknown };
      const answer = errors ? { data, errors } : { data };
      if (!isDeepStrictEqual(answer, expected)) {
        throw new Error(
          `checkAnswers: ${target.label} answered ${JSON.stringify(answer).slice(0, 500)}; expected ${JSON.stringify(expected).slice(0, 500)}`,
        );
      }
    }
  }
}
