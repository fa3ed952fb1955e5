/**
 * Every call brings the most rows: HSS's quota counts calls, not rows, so a list is always asked for
 * in pages of 200 at record offsets that are multiples of 200 ("blocks"), and any smaller window, a
 * later page of the same list, or a bare count is cut from them. Ten pages of 10 rows, or a list and
 * its `totalCount`, cost one call instead of several, and share it with every other request for the
 * same list.
 */
import type { FetchedBlock } from '../quota/block-request.js';
import { UPSTREAM_MAX_LIMIT, UPSTREAM_MIN_LIMIT } from '../upstream/hss-apis.js';
import { readCursor } from './cursor.js';
import type { PageSlice } from './page-plan.js';

/** The block holding a record offset. */
const blockOf = (offset: number) => offset - (offset % UPSTREAM_MAX_LIMIT);

/** The upstream calls `rows` rows from `offset` cost: one per block they touch, one even for none. */
export function blocksCovering(offset: number, rows: number): number {
  return Math.max(
    1,
    Math.floor((offset + Math.max(1, rows) - 1) / UPSTREAM_MAX_LIMIT) -
      Math.floor(offset / UPSTREAM_MAX_LIMIT) +
      1,
  );
}

/** The record offset a paging argument starts at, for pricing: 0 for a cursor this API did not issue. */
export function startOf(cursor: string | null | undefined, offset?: number | null): number {
  if (offset != null) return Math.max(0, offset);
  if (cursor == null) return 0;
  try {
    return readCursor('after', cursor).offset + 1;
  } catch {
    return 0;
  }
}

/**
 * Rows [offset, offset + limit) of a list (limit: HSS's default of 10 when not given), cut from its
 * blocks, which `block(offset)` loads. The first block tells the list's length, so blocks past its
 * end are never asked for.
 */
export async function sliceFromBlocks<Row>(
  slice: PageSlice,
  block: (offset: number) => Promise<FetchedBlock<Row>>,
): Promise<FetchedBlock<Row>> {
  const start = slice.offset ?? 0;
  const count = slice.limit ?? UPSTREAM_MIN_LIMIT;
  const firstAt = blockOf(start);
  const first = await block(firstAt);
  const laterAt: number[] = [];
  for (
    let at = firstAt + UPSTREAM_MAX_LIMIT;
    at < start + count && at < first.totalNum;
    at += UPSTREAM_MAX_LIMIT
  ) {
    laterAt.push(at);
  }
  const placed = [
    { at: firstAt, page: first },
    ...(await Promise.all(laterAt.map(async (at) => ({ at, page: await block(at) })))),
  ];
  // Each row sits at its block's offset plus its index: a short block cannot shift the others.
  const rows: (Row | null)[] = [];
  for (const { at, page } of placed) {
    page.rows.forEach((row, index) => {
      const position = at + index;
      if (position >= start && position < start + count) rows[position - start] = row;
    });
  }
  const pages = placed.map((p) => p.page);
  const cut: FetchedBlock<Row> = {
    totalNum: first.totalNum,
    rows: Array.from(rows, (row) => row ?? null),
    fetchedAt: Math.min(...pages.map((page) => page.fetchedAt)),
    stale: pages.some((page) => page.stale),
    source: first.source,
  };
  if (first.requestId !== undefined) cut.requestId = first.requestId;
  return cut;
}
