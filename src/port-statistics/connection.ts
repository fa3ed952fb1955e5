/**
 * The `portStatistics` connection: the rows a window of a list holds (src/rows/), each node
 * carrying the scope that gives it its identity.
 */
import type { PortStatisticData, PortStatisticScope } from '../model/port-statistic.js';
import { type ConnectionShape, connectionOf } from '../paging/connection.js';
import type { ReadStatistics } from '../rows/statistics-rows.js';
import type { PortStatisticsRequest } from './arguments.js';

/** A row as the GraphQL layer holds it: the statistic and the scope that gives it its identity. */
export interface PortStatisticRow extends PortStatisticData {
  scope: PortStatisticScope;
}

export type PortStatisticConnectionShape = ConnectionShape<PortStatisticRow>;

export async function loadPortStatisticsConnection(
  request: PortStatisticsRequest,
  read: ReadStatistics,
): Promise<PortStatisticConnectionShape> {
  const { scope, query } = request;
  const rows = await read({ scope, query }, request);
  return connectionOf(rows, (row) => ({ ...row, scope }));
}
