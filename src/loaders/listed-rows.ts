/**
 * Rows the gateway listed lately, by identity: a dashboard's drill-down click asks `node(id:)` for
 * a row it was just shown, and that costs no call while the page that listed it would still be
 * served. Snapshots answer such lookups themselves; this is for tables too large for one, whose
 * rows come from pages of their filtered queries. Per credential identity, as every cache is, and
 * bounded in bytes.
 */
import { LRUCache } from 'lru-cache';
import type { PortStatisticData, PortStatisticScope } from '../model/port-statistic.js';

interface ListedRow {
  row: PortStatisticData;
  fetchedAt: number;
}

// A key (identity, scope, port, protocol) and a row are about 200 bytes of heap.
const ROW_BYTES = 200;

export class ListedRows {
  private readonly rows: LRUCache<string, ListedRow>;

  constructor(maxBytes: number) {
    this.rows = new LRUCache({
      maxSize: Math.max(ROW_BYTES, maxBytes),
      sizeCalculation: (_value, key) => key.length + ROW_BYTES,
    });
  }

  private static keyOf(identity: string, scope: PortStatisticScope, port: number, type: string): string {
    return JSON.stringify([
      identity,
      scope.projectId,
      scope.enterpriseProjectId ?? null,
      scope.category ?? null,
      port,
      type,
    ]);
  }

  /** Remembers rows a page of the scope listed, as fresh as that page. */
  remember(
    identity: string,
    scope: PortStatisticScope,
    rows: readonly (PortStatisticData | null)[],
    fetchedAt: number,
  ) {
    for (const row of rows) {
      if (!row) continue;
      const key = ListedRows.keyOf(identity, scope, row.port, row.type);
      const known = this.rows.get(key);
      if (!known || known.fetchedAt <= fetchedAt) this.rows.set(key, { row, fetchedAt });
    }
  }

  /** The row as last listed for these credentials, if it was. */
  find(identity: string, scope: PortStatisticScope, port: number, type: string): ListedRow | undefined {
    return this.rows.get(ListedRows.keyOf(identity, scope, port, type));
  }
}
