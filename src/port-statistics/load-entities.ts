/**
 * Resolves PortStatistics by identity (Relay `node`/`nodes`, federation `_entities`) with as few
 * upstream calls as the data allows. Keys are grouped by scope; in each scope:
 * - one key: the upstream query for exactly that port and protocol;
 * - several protocols of one port: one query for the port;
 * - several ports: the scope's list in blocks of 200, which answers them all when the scope has at
 *   most 200 rows (one call for 50 entities), then the cheaper of the remaining blocks or one query
 *   per remaining port.
 * A key whose row is gone resolves to null; a scope whose calls fail fails only its own keys.
 */

import DataLoader from 'dataloader';
import type { PortStatisticData, PortStatisticScope, PortStatisticsQuery } from '../model/port-statistic.js';
import type { RowWindow } from '../model/rows.js';
import type { ReadStatistics } from '../rows/statistics-rows.js';
import { UPSTREAM_MAX_LIMIT } from '../upstream/hss-apis.js';
import type { PortStatisticRow } from './connection.js';
import { encodePortStatisticKey, type PortStatisticKey } from './node-id.js';

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
async function loadScope(scope: PortStatisticScope, keys: readonly PortStatisticKey[], read: ReadStatistics) {
  const found = new Map<string, PortStatisticData>();
  const take = (rows: readonly (PortStatisticData | null)[]) => {
    for (const row of rows) if (row) found.set(rowKey(row.port, row.type), row);
  };
  const base = scopeQuery(scope);
  // A block's rows: what one call brings, whichever of them is wanted.
  const block = (offset: number): RowWindow => ({ first: UPSTREAM_MAX_LIMIT, offset: offset || undefined });
  const load = (query: PortStatisticsQuery, offset = 0) => read({ scope, query }, block(offset));
  const ports = [...new Set(keys.map((k) => k.port))];
  const [only] = keys;
  if (keys.length === 1 && only) {
    take((await load({ ...base, port: only.port, type: only.type })).rows);
  } else if (ports.length === 1) {
    take((await load({ ...base, port: ports[0] })).rows);
  } else {
    const first = await load(base);
    take(first.rows);
    const missing = [...new Set(keys.filter((k) => !found.has(rowKey(k.port, k.type))).map((k) => k.port))];
    const total = first.totalCount;
    const remainingBlocks = Math.max(0, Math.ceil((total - UPSTREAM_MAX_LIMIT) / UPSTREAM_MAX_LIMIT));
    if (missing.length > 0 && remainingBlocks > 0) {
      const reads =
        remainingBlocks <= missing.length
          ? Array.from({ length: remainingBlocks }, (_, i) => load(base, (i + 1) * UPSTREAM_MAX_LIMIT))
          : missing.map((port) => load({ ...base, port }));
      for (const rows of await Promise.all(reads)) take(rows.rows);
    }
  }
  return found;
}

export async function loadPortStatistics(
  keys: readonly PortStatisticKey[],
  read: ReadStatistics,
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
        const found = await loadScope(scope, scoped, read);
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

/**
 * The per-request loader of PortStatistics by identity: `node`, `nodes` and federation's
 * `_entities` all go through it, so a batch of keys is planned together.
 */
export function createEntityLoader(
  read: ReadStatistics,
): DataLoader<PortStatisticKey, PortStatisticRow | null, string> {
  return new DataLoader((keys) => loadPortStatistics(keys, read), { cacheKeyFn: encodePortStatisticKey });
}
