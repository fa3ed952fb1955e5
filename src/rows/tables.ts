/**
 * A list's whole table (a snapshot), fetched once and then asked any question: HSS's quota counts
 * calls, not rows, and one call brings 200 rows, so a table of a few hundred rows costs a few calls,
 * after which every filter, order and page of it costs none. This is the one place that knows a
 * table's size: from its first block, stored (however old) or fetched. A table of more than
 * SNAPSHOT_MAX_PAGES blocks is never fetched whole: its first block alone told so, and tells so
 * until it leaves the cache, at no further call. A table that fits is its first blocks, served
 * together (stored together, renewed together), their rows in order, each once. A cursor names the
 * table's content (a tag), and the version it names is kept as long as a block, so paging on
 * continues in the table it began in.
 */
import { createHash } from 'node:crypto';
import type { FetchedBlock } from '../model/block.js';
import type { CachedBlock } from '../quota/block-cache.js';
import { UPSTREAM_MAX_LIMIT } from '../upstream/hss-apis.js';
import { blockCall, blocksOf, type ListCall } from './blocks.js';

/** A table held whole: every row, in the order HSS lists them, and a tag naming that content. */
export interface Snapshot<Row> {
  rows: readonly Row[];
  fetchedAt: number;
  stale: boolean;
  source: FetchedBlock<Row>['source'];
  /** The same rows in the same order, the same tag. */
  tag: string;
  /** The blocks it was read from: what it saved every request it answers. */
  blocks: number;
}

/** What reading a table uses (for one request: the request loader, below). */
export interface TableSource {
  /** A table's first blocks, served together (`firstStored`: what stored() read of the first). */
  blocks<Row>(
    calls: ListCall<Row>[],
    firstStored?: { entry: CachedBlock<Row> | undefined },
  ): Promise<FetchedBlock<Row>[]>;
  /** What is stored of a block, however old, with no call. */
  stored<Row>(call: ListCall<Row>): Promise<CachedBlock<Row> | undefined>;
  /** Keeps a version of a table (its rows, under its tag) as long as a block: once, not on every read. */
  keepVersion<Row>(
    table: ListCall<Row>,
    version: Pick<Snapshot<Row>, 'tag' | 'rows' | 'fetchedAt'>,
  ): Promise<void>;
  /** A version kept, if it still is. */
  keptVersion<Row>(table: ListCall<Row>, tag: string): Promise<CachedBlock<Row> | undefined>;
}

/**
 * The table of a list call's query (no paging in its parameters) as a snapshot, when it holds at
 * most `maxBlocks` blocks; undefined when it holds more, or when HSS counted rows it did not list
 * (a snapshot would answer wrong totals). With `tag`, that version while it is kept.
 */
export async function readTable<Row>(
  source: TableSource,
  table: ListCall<Row>,
  maxBlocks: number,
  tag?: string,
): Promise<Snapshot<Row> | undefined> {
  const blockAt = (index: number) => blockCall(table, index * UPSTREAM_MAX_LIMIT);
  const known = await source.stored(blockAt(0));
  const knownBlocks = known ? blocksOf(known.block.totalNum) : 1;
  if (knownBlocks > maxBlocks) return undefined;
  const first = Array.from({ length: knownBlocks }, (_, i) => blockAt(i));
  let blocks = await source.blocks(first, { entry: known });
  const needed = blocksOf(blocks[0]?.totalNum ?? 0);
  if (needed > maxBlocks) return undefined;
  // The table grew since it was last seen: all its blocks, the first ones as they are.
  if (needed > blocks.length)
    blocks = await source.blocks(Array.from({ length: needed }, (_, i) => blockAt(i)));
  const current = assembled(blocks.slice(0, needed));
  if (current === undefined) return undefined;
  if (tag === undefined || tag === current.tag) {
    await source.keepVersion(table, current);
    return current;
  }
  const kept = await source.keptVersion(table, tag);
  if (!kept) return current;
  const stale = current.stale || kept.fetchedAt < current.fetchedAt;
  return {
    rows: kept.block.rows as Row[],
    fetchedAt: kept.fetchedAt,
    stale,
    source: 'cache',
    tag,
    blocks: needed,
  };
}

// A table's blocks, as the memory cache hands them over again and again, are assembled once.
const assemblies = new WeakMap<
  readonly unknown[],
  { parts: readonly (readonly unknown[])[]; snapshot: Snapshot<unknown> }
>();

/**
 * One table from its blocks: their rows in order, each row once (a row listed in two blocks
 * because the table moved between two calls is one row; a row skipped for the same reason makes
 * the table fall short of its total: undefined, and the list is answered from its blocks, as HSS
 * gave them).
 */
function assembled<Row>(blocks: readonly FetchedBlock<Row>[]): Snapshot<Row> | undefined {
  const parts = blocks.map((block) => block.rows);
  const [head] = parts;
  const remembered = head && assemblies.get(head);
  const fetchedAt = Math.min(...blocks.map((block) => block.fetchedAt));
  const freshness = {
    fetchedAt,
    stale: blocks.some((block) => block.stale),
    source: blocks.some((block) => block.source === 'call')
      ? ('call' as const)
      : (blocks[0]?.source ?? 'cache'),
  };
  if (
    remembered &&
    remembered.parts.length === parts.length &&
    remembered.parts.every((p, i) => p === parts[i])
  ) {
    return { ...(remembered.snapshot as Snapshot<Row>), ...freshness };
  }
  const rows: Row[] = [];
  const seen = new Set<string>();
  for (const row of parts.flat()) {
    if (row === null) continue;
    const key = JSON.stringify(row);
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push(row);
  }
  if (rows.length !== blocks[0]?.totalNum) return undefined;
  const snapshot: Snapshot<Row> = { rows, ...freshness, tag: snapshotTag(rows), blocks: blocks.length };
  if (head) assemblies.set(head, { parts, snapshot });
  return snapshot;
}

/** A short name of a table's content: the same rows in the same order, the same tag. */
function snapshotTag(rows: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('base64url').slice(0, 12);
}
