/**
 * The one row source of ListPortStatistics lists: the rows a window of a list needs, read from the
 * snapshot of its scope's table when the table is small enough (and the query uses no filter sent
 * to HSS), else from its own query's blocks. A snapshot the budget cannot pay for yet, or HSS
 * being down, falls back to those blocks, which may be stored already. A lookup of one row by its
 * port and protocol is answered from the row as it was last listed, while the block that listed it
 * would still be served (a drill-down click costs no call).
 */

import DataLoader from 'dataloader';
import { HssError } from '../errors/hss-error.js';
import type { PortStatisticData, PortStatisticScope, PortStatisticsQuery } from '../model/port-statistic.js';
import type { RowsRead, RowWindow } from '../model/rows.js';
import { type OperationLedger, recordServed } from '../model/rows.js';
import { LIST_PORT_STATISTICS } from '../upstream/hss-apis.js';
import { formatQueryString, portStatisticsParameters } from '../upstream/query-string.js';
import { cutRows, type ListCall, readBlocks } from './blocks.js';
import type { ListedRows } from './listed-rows.js';
import type { RowLoads } from './request-loader.js';
import { type LocalFilter, localFiltersOf, selectRows } from './snapshot-query.js';
import { readTable, type Snapshot } from './tables.js';

/** A list of statistics: its scope, and its filters and order. */
interface StatisticsList {
  scope: PortStatisticScope;
  /** Filters and order; no paging (the window says which rows, and which snapshot a cursor named). */
  query: PortStatisticsQuery;
}

/** Reads the rows a window of a list holds. */
export type ReadStatistics = (
  list: StatisticsList,
  window: RowWindow,
) => Promise<RowsRead<PortStatisticData>>;

/** SNAPSHOT_MAX_PAGES and SNAPSHOT_UPSTREAM_FILTERS. */
export interface SnapshotPolicy {
  /** The most blocks of 200 a snapshot may take; 0: no snapshots. */
  maxBlocks: number;
  /** Filters (and `orderBy`) always sent to HSS: a query with one is not answered from a snapshot. */
  upstreamFilters: ReadonlySet<LocalFilter>;
  /** Hears of each table read as a snapshot: which scope, and when its oldest block was fetched. */
  onRead?: (scope: string, fetchedAt: number) => void;
}

/** Rows listed lately (listed-rows.ts), and how long one may stand in for a lookup. */
export interface RecentlyListed {
  rows: ListedRows;
  /**
   * Whose listed rows the caller may be answered from in a scope (a block's reader, see
   * BlockRequest.reader); undefined: none, it goes to the blocks (a caller that must prove the scope).
   */
  readerOf(scope: PortStatisticScope): string | undefined;
  /** A row is fresh this long after the block that listed it (CACHE_TTL_SECONDS)... */
  ttlMs: number;
  /** ...and served, marked stale, this long (its block would be, while renewed). */
  servableMs: number;
  now: () => number;
}

/** Whether a snapshot failure may be covered by blocks already stored: a budget or HSS being down. */
const coverable = (error: unknown) =>
  error instanceof HssError &&
  (error.code === 'RATE_LIMITED' ||
    error.code === 'UPSTREAM_UNAVAILABLE' ||
    (error.code === 'UPSTREAM_ERROR' && (error.upstream?.status ?? 500) >= 500));

/** The table a query is a question of: its scope, unfiltered. */
function tableOf(scope: PortStatisticScope): ListCall<PortStatisticData> {
  const table: PortStatisticsQuery = {};
  if (scope.enterpriseProjectId !== undefined) table.enterpriseProjectId = scope.enterpriseProjectId;
  if (scope.category !== undefined) table.category = scope.category;
  return {
    api: LIST_PORT_STATISTICS,
    projectId: scope.projectId,
    parameters: portStatisticsParameters(table),
  };
}

/** A table's scope as people read it: the project, and the enterprise project and category if any. */
function scopeLabelOf(table: ListCall<PortStatisticData>): string {
  const parameters = formatQueryString(table.parameters);
  return parameters ? `${table.projectId}?${parameters}` : table.projectId;
}

/** A table of the request, and the version of it a cursor named. */
interface TableKey {
  table: ListCall<PortStatisticData>;
  tag: string | undefined;
}

/**
 * The row source of one request's statistics lists. Each table is read once per request, whatever
 * asks (the lists, the summary's counts, lookups by id), so every number of one answer comes from
 * one read of it; what a snapshot served is written in the ledger once.
 */
export function statisticsRows(
  loads: RowLoads,
  policy: SnapshotPolicy,
  listed: RecentlyListed | undefined,
  operation: OperationLedger,
): ReadStatistics {
  const tables = new DataLoader<TableKey, Snapshot<PortStatisticData> | undefined, string>(
    (keys) =>
      Promise.all(
        keys.map(({ table, tag }) =>
          readTable(loads, table, policy.maxBlocks, tag).then((snapshot) => {
            if (snapshot) {
              recordServed(operation, snapshot, snapshot.blocks);
              policy.onRead?.(scopeLabelOf(table), snapshot.fetchedAt);
            }
            return snapshot;
          }, asError),
        ),
      ),
    {
      cacheKeyFn: ({ table, tag }) =>
        `${tag ?? ''} ${table.projectId} ${formatQueryString(table.parameters)}`,
    },
  );
  return async ({ scope, query }, window) => {
    const snapshotted =
      policy.maxBlocks > 0 && !localFiltersOf(query).some((used) => policy.upstreamFilters.has(used));
    if (snapshotted) {
      const snapshot = await tables
        .load({ table: tableOf(scope), tag: window.tag })
        .catch((error: unknown) => {
          if (coverable(error)) return undefined;
          throw error;
        });
      if (snapshot) return cutRows(selectRows(snapshot.rows, query), window, snapshot);
    }
    const reader = listed?.readerOf(scope);
    const known = listed && reader !== undefined && lookedUp(listed, reader, scope, query);
    if (known) {
      recordServed(operation, { source: 'cache', fetchedAt: known.fetchedAt, stale: known.stale }, 1);
      return known;
    }
    const list = {
      api: LIST_PORT_STATISTICS,
      projectId: scope.projectId,
      parameters: portStatisticsParameters(query),
    };
    const read = await readBlocks(window, list, loads);
    if (reader !== undefined) listed?.rows.remember(reader, scope, read.rows, read.fetchedAt);
    return read;
  };
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/**
 * A lookup of one row by its port and protocol (`node(id:)`, `_entities`) answered from the row as
 * it was last listed, while its block would still be served.
 */
function lookedUp(
  listed: RecentlyListed,
  reader: string,
  scope: PortStatisticScope,
  query: PortStatisticsQuery,
): RowsRead<PortStatisticData> | undefined {
  const { port, type, ...rest } = query;
  const onlyPortAndType = Object.entries(rest).every(
    ([name, value]) => value === undefined || name === 'enterpriseProjectId' || name === 'category',
  );
  if (port === undefined || type === undefined || !onlyPortAndType) return undefined;
  const hit = listed.rows.find(reader, scope, port, type);
  const age = hit ? listed.now() - hit.fetchedAt : Number.POSITIVE_INFINITY;
  if (!hit || age > listed.servableMs) return undefined;
  return { start: 0, rows: [hit.row], totalCount: 1, fetchedAt: hit.fetchedAt, stale: age > listed.ttlMs };
}
