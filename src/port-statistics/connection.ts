/**
 * The `portStatistics` connection: a window of ListPortStatistics rows (src/paging/connection.ts),
 * each node carrying the scope that gives it its identity.
 */

import type { PortStatisticData, PortStatisticScope, PortStatisticsQuery } from '../model/port-statistic.js';
import { type ConnectionShape, loadConnection } from '../paging/connection.js';
import type { FetchedBlock } from '../quota/block-request.js';
import type { PortStatisticsRequest } from './arguments.js';

/** A row as the GraphQL layer holds it: the statistic and the scope that gives it its identity. */
export interface PortStatisticRow extends PortStatisticData {
  scope: PortStatisticScope;
}

export type PortStatisticConnectionShape = ConnectionShape<PortStatisticRow>;

/**
 * Loads the rows HSS answers a query with (its `limit` rows from `offset`, and its total); in the
 * gateway, the request's loader, cutting them from a snapshot or from pages of 200.
 * `snapshotTag` names the snapshot a cursor came from, to cut the rows from it again.
 */
export type LoadPage = (
  scope: PortStatisticScope,
  query: PortStatisticsQuery & { snapshotTag?: string },
) => Promise<FetchedBlock>;

export function loadPortStatisticsConnection(
  request: PortStatisticsRequest,
  load: LoadPage,
): Promise<PortStatisticConnectionShape> {
  return loadConnection(
    request,
    (slice) => load(request.scope, { ...request.query, ...slice, snapshotTag: request.tag }),
    (row: PortStatisticData) => ({ ...row, scope: request.scope }),
  );
}
