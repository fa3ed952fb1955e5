/**
 * Rows the gateway listed lately, by identity: a dashboard's drill-down click asks `node(id:)` for
 * a row it was just shown, and that costs no call while the block that listed it would still be
 * served. Snapshots answer such lookups themselves; this is for tables too large for one, whose
 * rows come from blocks of their filtered queries. Per reader, as every cache is (a scope's shared
 * rows, or a caller's own), and bounded in bytes.
 */
import { LRUCache } from 'lru-cache';
import type { PortStatisticData, PortStatisticScope } from '../model/port-statistic.js';

interface ListedRow {
  row: PortStatisticData;
  fetchedAt: number;
}

// A key (reader, scope, port, protocol) and a row are about 200 bytes of heap.
const ROW_BYTES = 200;

export class ListedRows {
  private readonly rows: LRUCache<string, ListedRow>;

  constructor(maxBytes: number) {
    this.rows = new LRUCache({
      maxSize: Math.max(ROW_BYTES, maxBytes),
      sizeCalculation: (_value, key) => key.length + ROW_BYTES,
    });
  }

  private static keyOf(reader: string, scope: PortStatisticScope, port: number, type: string): string {
    return JSON.stringify([
      reader,
      scope.projectId,
      scope.enterpriseProjectId ?? null,
      scope.category ?? null,
      port,
      type,
    ]);
  }

  /** Remembers rows a block of the scope listed, as fresh as that block. */
  remember(
    reader: string,
    scope: PortStatisticScope,
    rows: readonly (PortStatisticData | null)[],
    fetchedAt: number,
  ) {
    for (const row of rows) {
      if (!row) continue;
      const key = ListedRows.keyOf(reader, scope, row.port, row.type);
      const known = this.rows.get(key);
      if (!known || known.fetchedAt <= fetchedAt) this.rows.set(key, { row, fetchedAt });
    }
  }

  /** The row as last listed for this reader, if it was. */
  find(reader: string, scope: PortStatisticScope, port: number, type: string): ListedRow | undefined {
    return this.rows.get(ListedRows.keyOf(reader, scope, port, type));
  }
}
