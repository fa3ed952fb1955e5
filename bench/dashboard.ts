/**
 * The documented upstream cost of the `Dashboard`-style operation (summary + two lists): 6 HSS
 * calls when it runs alone, fewer under load, where concurrent identical calls are shared. Run on
 * the cache-off gateway, so every call counted is one the operation made.
 */
import { request } from 'undici';
import { loadRun, type Measured } from './measure.js';
import { emulatorRequests } from './processes.js';
import { graphqlRequest } from './targets.js';

const DASHBOARD_QUERY = `{
  portStatisticsSummary(filter: { category: HOST }) { totalCount byStatus { status count } byProtocol { type count } }
  dangerous: portStatistics(filter: { category: HOST, status: DANGER }) { nodes { port type num status } }
  all: portStatistics(filter: { category: HOST }) { nodes { port type num status } }
}`;
const ALONE = 20;
/** What the README documents for this operation. */
export const DOCUMENTED_CALLS = 6;

export interface Dashboard {
  opsPerSecond: number;
  failures: number;
  /** HSS calls per operation, one operation at a time and under load (10 connections). */
  callsAlone: number;
  callsUnderLoad: number;
}

export async function dashboard(gateway: Measured, emulator: Measured, seconds: number): Promise<Dashboard> {
  const shape = graphqlRequest(DASHBOARD_QUERY);
  const once = async () => {
    const { method, headers, body: requestBody } = shape;
    const response = await request(`${gateway.url}${shape.path}`, { method, headers, body: requestBody });
    const body = (await response.body.json()) as { errors?: unknown };
    if (body.errors) throw new Error(`dashboard: the gateway answered ${JSON.stringify(body).slice(0, 300)}`);
  };
  await once();
  const before = await emulatorRequests(emulator.url);
  for (let i = 0; i < ALONE; i++) await once();
  const callsAlone = ((await emulatorRequests(emulator.url)) - before) / ALONE;
  const load = await loadRun(gateway, { fixed: shape }, { seconds }, emulator);
  return {
    opsPerSecond: load.rps,
    failures: load.failures,
    callsAlone,
    callsUnderLoad: load.upstreamPerRequest,
  };
}
