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
import type { ListCall } from '../../src/rows/blocks.js';
import type { RowLoads } from '../../src/rows/request-loader.js';
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

/** A list call of ListPortStatistics. */
export function statisticsCall(
  projectId: string,
  parameters: [string, string][],
): ListCall<PortStatisticData> {
  return { api: LIST_PORT_STATISTICS, projectId, parameters };
}

const keyOf = (call: ListCall<unknown>) => `${call.projectId} ${formatQueryString(call.parameters)}`;

/**
 * The loads of one request over answers, as the request loader makes them: each distinct block
 * once (its DataLoader), and what reading a table takes: every block asked for is a call, and is
 * stored (what `stored` reads); versions kept in memory. `asked` lists each `blocks()` call's block
 * offsets.
 */
export function rowLoads(answer: AnswerOf) {
  const stored = new Map<string, CachedBlock<unknown>>();
  const versions = new Map<string, CachedBlock<unknown>>();
  const loaded = new Map<string, Promise<FetchedBlock<unknown>>>();
  const asked: number[][] = [];
  const offsetOf = (call: ListCall<unknown>) =>
    Number(call.parameters.find(([name]) => name === 'offset')?.[1] ?? 0);
  const fetch = <Row>(call: ListCall<Row>): FetchedBlock<Row> => {
    if (call.api !== (LIST_PORT_STATISTICS as HssListApi<unknown>))
      throw new Error(`no dataset for ${call.api.name}`);
    const block = answer(call.projectId, call.parameters) as unknown as FetchedBlock<Row>;
    stored.set(keyOf(call), { block, fetchedAt: block.fetchedAt });
    return block;
  };
  const loads: RowLoads = {
    block: <Row>(call: ListCall<Row>) => {
      const key = keyOf(call);
      if (!loaded.has(key))
        loaded.set(
          key,
          Promise.resolve().then(() => fetch(call)),
        );
      return loaded.get(key) as Promise<FetchedBlock<Row>>;
    },
    blocks: async <Row>(calls: ListCall<Row>[]) => {
      asked.push(calls.map(offsetOf));
      return calls.map((call) => fetch(call));
    },
    stored: async <Row>(call: ListCall<Row>) => stored.get(keyOf(call)) as CachedBlock<Row> | undefined,
    keepVersion: async (table, version) => {
      const rows = [...version.rows];
      versions.set(`${keyOf(table)} ${version.tag}`, {
        block: { totalNum: rows.length, rows },
        fetchedAt: version.fetchedAt,
      });
    },
    keptVersion: async <Row>(table: ListCall<Row>, tag: string) =>
      versions.get(`${keyOf(table)} ${tag}`) as CachedBlock<Row> | undefined,
  };
  return { loads, stored, asked };
}
