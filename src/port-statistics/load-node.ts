/**
 * Resolves a PortStatistic by its identity: the upstream query for exactly that port and protocol
 * in that scope. A row that is gone resolves to null.
 */
import type { LoadPage, PortStatisticRow } from './connection.js';
import type { PortStatisticsQuery } from './model.js';
import type { PortStatisticKey } from './node-id.js';

export async function loadPortStatistic(
  key: PortStatisticKey,
  load: LoadPage,
): Promise<PortStatisticRow | null> {
  const query: PortStatisticsQuery = { port: key.port, type: key.type };
  if (key.scope.enterpriseProjectId !== undefined) query.enterpriseProjectId = key.scope.enterpriseProjectId;
  if (key.scope.category !== undefined) query.category = key.scope.category;
  const page = await load(key.scope, query);
  const row = page.rows.find((r) => r?.port === key.port && r.type === key.type);
  return row ? { ...row, scope: key.scope } : null;
}
