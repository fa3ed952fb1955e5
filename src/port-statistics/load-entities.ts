/**
 * Resolves PortStatistics by identity (Relay `node`/`nodes`, federation `_entities`) with as few
 * upstream calls as the data allows. Keys are grouped by scope; in each scope:
 * - one key: the upstream query for exactly that port and protocol;
 * - several protocols of one port: one query for the port;
 * - several ports: the scope's list in pages of 200, which answers them all when the scope has at
 *   most 200 rows (one call for 50 entities), then the cheaper of the remaining pages or one query
 *   per remaining port.
 * A key whose row is gone resolves to null; a scope whose calls fail fails only its own keys.
 */

import type { PortStatisticData, PortStatisticScope, PortStatisticsQuery } from '../model/port-statistic.js';
import { UPSTREAM_MAX_LIMIT } from '../upstream/hss-apis.js';
import type { LoadPage, PortStatisticRow } from './connection.js';
import type { PortStatisticKey } from './node-id.js';

const rowKey = (port: number, type: string) => `${port}/${type}`;

/** One string per scope: keys of one scope are planned together. */
export const scopeId = (scope: PortStatisticScope) =>
  JSON.stringify([scope.projectId, scope.enterpriseProjectId ?? null, scope.category ?? null]);

function scopeQuery(scope: PortStatisticScope): PortStatisticsQuery {
  const query: PortStatisticsQuery = {};
  if (scope.enterpriseProjectId !== undefined) query.enterpriseProjectId = scope.enterpriseProjectId;
  if (scope.category !== undefined) query.category = scope.category;
  return query;
}

/** Rows of one scope that answer the keys, from the fewest calls. */
async function loadScope(scope: PortStatisticScope, keys: readonly PortStatisticKey[], load: LoadPage) {
  const found = new Map<string, PortStatisticData>();
  const take = (rows: readonly (PortStatisticData | null)[]) => {
    for (const row of rows) if (row) found.set(rowKey(row.port, row.type), row);
  };
  const base = scopeQuery(scope);
  const ports = [...new Set(keys.map((k) => k.port))];
  const [only] = keys;
  if (keys.length === 1 && only) {
    take((await load(scope, { ...base, port: only.port, type: only.type })).rows);
  } else if (ports.length === 1) {
    take((await load(scope, { ...base, port: ports[0] })).rows);
  } else {
    const first = await load(scope, { ...base, limit: UPSTREAM_MAX_LIMIT });
    take(first.rows);
    const missing = [...new Set(keys.filter((k) => !found.has(rowKey(k.port, k.type))).map((k) => k.port))];
    const total = first.totalNum;
    const remainingPages = Math.max(0, Math.ceil((total - UPSTREAM_MAX_LIMIT) / UPSTREAM_MAX_LIMIT));
    if (missing.length > 0 && remainingPages > 0) {
      const queries =
        remainingPages <= missing.length
          ? Array.from({ length: remainingPages }, (_, i) => ({
              ...base,
              limit: UPSTREAM_MAX_LIMIT,
              offset: (i + 1) * UPSTREAM_MAX_LIMIT,
            }))
          : missing.map((port) => ({ ...base, port }));
      for (const page of await Promise.all(queries.map((q) => load(scope, q)))) take(page.rows);
    }
  }
  return found;
}

export async function loadPortStatistics(
  keys: readonly PortStatisticKey[],
  load: LoadPage,
): Promise<(PortStatisticRow | null | Error)[]> {
  const scopes = new Map<string, { scope: PortStatisticScope; keys: PortStatisticKey[] }>();
  for (const key of keys) {
    const id = scopeId(key.scope);
    const group = scopes.get(id) ?? { scope: key.scope, keys: [] };
    group.keys.push(key);
    scopes.set(id, group);
  }
  const results = new Map<PortStatisticKey, PortStatisticRow | null | Error>();
  await Promise.all(
    [...scopes.values()].map(async ({ scope, keys: scoped }) => {
      try {
        const found = await loadScope(scope, scoped, load);
        for (const key of scoped) {
          const row = found.get(rowKey(key.port, key.type));
          results.set(key, row ? { ...row, scope } : null);
        }
      } catch (error) {
        for (const key of scoped) results.set(key, error instanceof Error ? error : new Error(String(error)));
      }
    }),
  );
  return keys.map((key) => results.get(key) ?? null);
}
