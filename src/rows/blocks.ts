/**
 * Every call brings the most rows: HSS's quota counts calls, not rows, so a list is always asked
 * for in blocks of 200 rows at record offsets that are multiples of 200, and any window of it, a
 * later page of the same list, or a bare count is cut from them. Ten pages of 10 rows, or a list
 * and its `totalCount`, cost one call instead of several, and share it with every other request
 * for the same list.
 */
import type { FetchedBlock } from '../model/block.js';
import type { RowsRead, RowWindow } from '../model/rows.js';
import { type HssListApi, UPSTREAM_MAX_LIMIT } from '../upstream/hss-apis.js';

/** A list call of a project: its API and query parameters, in canonical (alphabetical) order. */
export interface ListCall<Row> {
  api: HssListApi<Row>;
  projectId: string;
  parameters: [string, string][];
}

/** What reads a list's blocks (for one request: the request loader, below). */
export interface BlockLoads {
  /** One block: a list call with `limit=200` and its offset. */
  block<Row>(call: ListCall<Row>): Promise<FetchedBlock<Row>>;
}

/** The list's block at `offset`: its parameters with a limit of 200 (and `offset` past the first). */
export function blockCall<Row>(list: ListCall<Row>, offset: number): ListCall<Row> {
  const paging: [string, string][] = [['limit', String(UPSTREAM_MAX_LIMIT)]];
  if (offset > 0) paging.push(['offset', String(offset)]);
  const parameters = [...list.parameters, ...paging].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { ...list, parameters };
}

/** The block holding a record offset. */
const blockOf = (offset: number) => offset - (offset % UPSTREAM_MAX_LIMIT);

/** How many blocks a table of `rows` rows takes (one, even for none). */
export const blocksOf = (rows: number) => Math.max(1, Math.ceil(rows / UPSTREAM_MAX_LIMIT));

/** The upstream calls `rows` rows from `offset` cost: one per block they touch, one even for none. */
export function blocksCovering(offset: number, rows: number): number {
  return Math.max(
    1,
    Math.floor((offset + Math.max(1, rows) - 1) / UPSTREAM_MAX_LIMIT) -
      Math.floor(offset / UPSTREAM_MAX_LIMIT) +
      1,
  );
}

/**
 * Where a window starts in a list of `total` rows: at its offset, or for the last rows (`fromEnd`)
 * where they begin, but not before its offset.
 */
function windowStart(window: RowWindow, total: number): number {
  const lower = window.offset ?? 0;
  return window.fromEnd ? Math.max(lower, total - window.first) : lower;
}

/**
 * The rows a window holds in a list (its query without paging), read from its blocks. The block
 * where the window may start comes first (the one at `after`, else the first): it tells the list's
 * length, so blocks past its end are never asked for (the last rows of a list cost that one more,
 * where it does not hold them).
 */
export async function readBlocks<Row>(
  window: RowWindow,
  list: ListCall<Row>,
  loads: BlockLoads,
): Promise<RowsRead<Row>> {
  const blockAt = (offset: number) => loads.block(blockCall(list, offset));
  const firstAt = blockOf(window.offset ?? 0);
  const first = await blockAt(firstAt);
  const total = first.totalNum;
  const start = windowStart(window, total);
  const end = Math.min(start + window.first, total);
  const offsets: number[] = [];
  for (let at = blockOf(start); at < end; at += UPSTREAM_MAX_LIMIT) if (at !== firstAt) offsets.push(at);
  const placed = [
    { at: firstAt, block: first },
    ...(await Promise.all(offsets.map(async (at) => ({ at, block: await blockAt(at) })))),
  ];
  // Each row sits at its block's offset plus its index: a short block cannot shift the others.
  const rows: (Row | null)[] = [];
  for (const { at, block } of placed) {
    // Only the block's rows inside the window: a page of 10 is not a walk through 200.
    const last = Math.min(block.rows.length, end - at);
    for (let index = Math.max(0, start - at); index < last; index++) {
      rows[at + index - start] = block.rows[index] as Row | null;
    }
  }
  const blocks = placed.map((p) => p.block);
  return {
    start,
    rows: Array.from(rows, (row) => row ?? null),
    totalCount: total,
    fetchedAt: Math.min(...blocks.map((block) => block.fetchedAt)),
    stale: blocks.some((block) => block.stale),
  };
}

/** The rows a window holds in a list held whole (a snapshot's rows, filtered and ordered). */
export function cutRows<Row>(
  rows: readonly Row[],
  window: RowWindow,
  freshness: { fetchedAt: number; stale: boolean; tag?: string },
): RowsRead<Row> {
  const start = windowStart(window, rows.length);
  const read: RowsRead<Row> = {
    start,
    rows: rows.slice(start, start + window.first),
    totalCount: rows.length,
    fetchedAt: freshness.fetchedAt,
    stale: freshness.stale,
  };
  if (freshness.tag !== undefined) read.tag = freshness.tag;
  return read;
}
