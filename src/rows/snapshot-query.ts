/**
 * ListPortStatistics answered from a snapshot of a scope's whole table (the rows in the order HSS
 * lists them unsorted), the way HSS answers it; docs/upstream.md says what each filter means and
 * where that is an assumption (SNAPSHOT_UPSTREAM_FILTERS sends such a filter to HSS instead):
 * - `port`: exact; `portString`: a substring of the port's decimal digits; both together: the exact
 *   match on `port` when one contains the other, else nothing (as the vendor's page says);
 * - `type`, `status`: exact;
 * - order: none keeps HSS's own order; ascending by port is that order sorted by port, rows of one
 *   port keeping HSS's order among them (assumed); descending is the ascending order reversed
 *   (assumed).
 */
import type { PortStatisticData, PortStatisticsQuery } from '../model/port-statistic.js';

/** The parts of a query a snapshot can answer, by the name SNAPSHOT_UPSTREAM_FILTERS gives them. */
export const LOCAL_FILTERS = ['port', 'portString', 'type', 'status', 'orderBy'] as const;
export type LocalFilter = (typeof LOCAL_FILTERS)[number];

/** Which of those parts a query uses. */
export function localFiltersOf(query: PortStatisticsQuery): LocalFilter[] {
  const used: LocalFilter[] = [];
  if (query.port !== undefined) used.push('port');
  if (query.portString !== undefined) used.push('portString');
  if (query.type !== undefined) used.push('type');
  if (query.status !== undefined) used.push('status');
  if (query.sortKey !== undefined || query.sortDirection !== undefined) used.push('orderBy');
  return used;
}

/** `portText`: the row's port as text, which `portString` matches a part of. */
function matches(row: PortStatisticData, portText: string, query: PortStatisticsQuery): boolean {
  if (query.type !== undefined && row.type !== query.type) return false;
  if (query.status !== undefined && row.status !== query.status) return false;
  const { port, portString } = query;
  if (port !== undefined && portString !== undefined) {
    const exact = String(port);
    return (exact.includes(portString) || portString.includes(exact)) && row.port === port;
  }
  if (port !== undefined) return row.port === port;
  if (portString !== undefined) return portText.includes(portString);
  return true;
}

// A table's ports as text, made once per table: every filtered read of it would make them again
// (2,000 strings a request on a busy dashboard).
const portTexts = new WeakMap<readonly PortStatisticData[], string[]>();

function portTextsOf(table: readonly PortStatisticData[]): string[] {
  let texts = portTexts.get(table);
  if (!texts) {
    texts = table.map((row) => String(row.port));
    portTexts.set(table, texts);
  }
  return texts;
}

/** The rows HSS would list for the query's filters and order (no paging), from a scope's table. */
export function selectRows(
  table: readonly PortStatisticData[],
  query: PortStatisticsQuery,
): PortStatisticData[] {
  const texts = portTextsOf(table);
  const selected = table.filter((row, i) => matches(row, texts[i] ?? '', query));
  // Array.prototype.sort is stable: rows of one port keep HSS's order.
  if (query.sortKey !== undefined) selected.sort((a, b) => a.port - b.port);
  if (query.sortDirection === 'DESC') selected.reverse();
  return selected;
}
