/**
 * The `portStatistics` connection: a window of ListPortStatistics rows (src/paging/connection.ts),
 * each node carrying the scope that gives it its identity.
 */
import { type ConnectionShape, loadConnection } from '../paging/connection.js';
import type { FetchedPage } from '../quota/page-source.js';
import type { PortStatisticsRequest } from './arguments.js';
import type { PortStatisticData, PortStatisticScope, PortStatisticsQuery } from './model.js';

/** A row as the GraphQL layer holds it: the statistic and the scope that gives it its identity. */
export interface PortStatisticRow extends PortStatisticData {
  scope: PortStatisticScope;
}

export type PortStatisticConnectionShape = ConnectionShape<PortStatisticRow>;

/** Loads one upstream page; in the gateway, the request's deduplicating loader. */
export type LoadPage = (scope: PortStatisticScope, query: PortStatisticsQuery) => Promise<FetchedPage>;

export function loadPortStatisticsConnection(
  request: PortStatisticsRequest,
  load: LoadPage,
): Promise<PortStatisticConnectionShape> {
  return loadConnection(
    request,
    (slice) => load(request.scope, { ...request.query, ...slice }),
    (row: PortStatisticData) => ({ ...row, scope: request.scope }),
  );
}
