/**
 * The row source's specifications run in memory, without sockets: HSS's answers come from the
 * emulator's dataset (the same rows, filters, order and paging the emulator serves), read by the
 * gateway's own reader of HSS answers. What is left out is only the transport and the quota (the
 * cache's ages, budgets, coalescing): those are specified against real sockets elsewhere.
 */
import { parsePortStatisticsQuery } from '../../src/emulator/query.js';
import { PortStatisticsDataset } from '../../src/emulator/select.js';
import type { FetchedBlock } from '../../src/model/block.js';
import type { PortStatisticData } from '../../src/model/port-statistic.js';
import type { CachedBlock } from '../../src/quota/block-cache.js';
import { blockKeyOf } from '../../src/quota/block-key.js';
import type { BlockRequest } from '../../src/quota/block-request.js';
import type { RowLoads } from '../../src/rows/request-loader.js';
import { readTable, type TableSource } from '../../src/rows/tables.js';
import { type HssListApi, LIST_PORT_STATISTICS } from '../../src/upstream/hss-apis.js';
import { formatQueryString } from '../../src/upstream/query-string.js';

/** HSS's answer to one ListPortStatistics call, as the gateway reads it. */
export type AnswerOf = (projectId: string, parameters: [string, string][]) => FetchedBlock<PortStatisticData>;

/** Answers from the emulator's dataset; `calls` lists each call's query string, in order. */
export function datasetAnswers(rowsPerScope: number, fetchedAt: () => number = () => 0) {
  const dataset = new PortStatisticsDataset(rowsPerScope);
  const calls: string[] = [];
  const answer: AnswerOf = (projectId, parameters) => {
    calls.push(formatQueryString(parameters));
    const parsed = parsePortStatisticsQuery(new URLSearchParams(parameters));
    if (!parsed.ok) throw new Error(`HSS would refuse ${formatQueryString(parameters)}: ${parsed.message}`);
    const block = LIST_PORT_STATISTICS.read(dataset.answer(projectId, parsed.query));
    if (!block) throw new Error('not a block');
    return { ...block, fetchedAt: fetchedAt(), stale: false, source: 'call' };
  };
  return { answer, calls };
}

/** A block request of ListPortStatistics, as the request loader makes it. */
export function statisticsRequest(
  projectId: string,
  parameters: [string, string][],
): BlockRequest<PortStatisticData> {
  return {
    api: LIST_PORT_STATISTICS,
    credentials: { kind: 'token', token: 'in-memory', source: 'static' },
    identity: 'token:in-memory',
    reader: 'shared',
    principal: 'anonymous',
    mustProve: false,
    projectId,
    parameters,
  };
}

/**
 * A table source over answers: every block asked for is a call, and is stored (what `stored`
 * reads); versions kept in memory. `asked` lists each `blocks()` call's block offsets.
 */
export function tableSource(answer: AnswerOf) {
  const stored = new Map<string, CachedBlock<PortStatisticData>>();
  const asked: number[][] = [];
  const offsetOf = (request: BlockRequest<unknown>) =>
    Number(request.parameters.find(([name]) => name === 'offset')?.[1] ?? 0);
  const source: TableSource<PortStatisticData> = {
    blocks: async (requests) => {
      asked.push(requests.map(offsetOf));
      return requests.map((request) => {
        const block = answer(request.projectId, request.parameters);
        stored.set(blockKeyOf(request), { block, fetchedAt: block.fetchedAt });
        return block;
      });
    },
    stored: async (request) => stored.get(blockKeyOf(request)),
    keep: async (key, entry) => {
      stored.set(key, entry);
    },
    kept: async (key) => stored.get(key),
  };
  return { source, stored, asked };
}

/**
 * The loads of one request over answers, each distinct one once (as the request loader's
 * DataLoader does): blocks asked for as they are, tables as readTable reads them.
 */
export function rowLoads(answer: AnswerOf, maxTableBlocks: number): RowLoads {
  const { source } = tableSource(answer);
  const loaded = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    if (!loaded.has(key)) loaded.set(key, load());
    return loaded.get(key) as Promise<T>;
  };
  const statistics = (api: HssListApi<unknown>) => {
    if (api !== (LIST_PORT_STATISTICS as HssListApi<unknown>)) throw new Error(`no dataset for ${api.name}`);
  };
  return {
    block: <Row>(api: HssListApi<Row>, projectId: string, parameters: [string, string][]) => {
      statistics(api);
      const key = `block ${projectId} ${formatQueryString(parameters)}`;
      return once(key, async () => answer(projectId, parameters) as unknown as FetchedBlock<Row>);
    },
    table: <Row>(api: HssListApi<Row>, projectId: string, parameters: [string, string][], tag?: string) => {
      statistics(api);
      const key = `table ${tag ?? ''} ${projectId} ${formatQueryString(parameters)}`;
      return once(
        key,
        () => readTable(source, statisticsRequest(projectId, parameters), maxTableBlocks, tag) as never,
      );
    },
  };
}
