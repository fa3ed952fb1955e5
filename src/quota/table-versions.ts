/**
 * Versions of tables kept for cursors: a snapshot's rows under its tag, kept as long as a block
 * under the table's key (so only its readers find them), and stored once per version in this
 * process, not on every read.
 */
import type { BlockCache, CachedBlock } from './block-cache.js';
import type { BlockCalls } from './block-calls.js';
import { blockKeyOf } from './block-key.js';
import type { BlockRequest } from './block-request.js';

const versionKey = (table: BlockRequest<unknown>, tag: string) => `${blockKeyOf(table)} snapshot@${tag}`;
// Versions kept lately by this process, each stored once; bounded, as callers can make many.
const MAX_VERSIONS_KEPT = 10_000;

export class TableVersions {
  private readonly stored = new Set<string>();

  constructor(
    private readonly calls: BlockCalls,
    private readonly cache: BlockCache | undefined,
  ) {}

  async keep<Row>(
    table: BlockRequest<Row>,
    version: { tag: string; rows: readonly Row[]; fetchedAt: number },
  ) {
    const key = versionKey(table, version.tag);
    if (this.stored.has(key)) return;
    if (this.stored.size >= MAX_VERSIONS_KEPT) this.stored.clear();
    this.stored.add(key);
    const rows = [...version.rows];
    await this.calls.store(key, { block: { totalNum: rows.length, rows }, fetchedAt: version.fetchedAt });
  }

  /** A version kept, if it still is. */
  async kept<Row>(table: BlockRequest<Row>, tag: string): Promise<CachedBlock<Row> | undefined> {
    return (await this.cache?.get(versionKey(table, tag), table.api.name)) as CachedBlock<Row> | undefined;
  }
}
