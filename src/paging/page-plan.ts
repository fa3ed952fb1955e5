/**
 * Which upstream pages serve a window of rows. HSS pages hold 10..200 rows, so a smaller `first`
 * is served from a page of 10, and a larger one from several pages of 200.
 */
import { MAX_OFFSET, type RowWindow } from './window.js';

const UPSTREAM_MIN_LIMIT = 10;
export const UPSTREAM_MAX_LIMIT = 200;

/** The upstream calls `rows` rows cost: one per page of 200, and one even for none (the total). */
export function upstreamPagesFor(rows: number): number {
  return Math.max(1, Math.ceil(rows / UPSTREAM_MAX_LIMIT));
}

/** `offset` and `limit` of one upstream call; undefined means "not sent". */
export interface PageSlice {
  offset?: number;
  limit?: number;
}

function page(offset: number | undefined, limit: number | undefined): PageSlice {
  const p: PageSlice = {};
  if (offset !== undefined) p.offset = offset;
  if (limit !== undefined) p.limit = limit;
  return p;
}

/**
 * The first page: it alone is fetched before the total is known. A caller who gave no `first`
 * sends no `limit` (HSS's default is the gateway's default, 10).
 */
export function firstPage(request: RowWindow): PageSlice {
  const limit = request.firstGiven
    ? Math.min(UPSTREAM_MAX_LIMIT, Math.max(UPSTREAM_MIN_LIMIT, request.first))
    : undefined;
  return page(request.offset, limit);
}

/**
 * The pages after the first for a `first` above 200, limited to those that can hold rows given the
 * total the first page reported: fetching past the end would spend quota on empty pages.
 */
export function followingPages(request: RowWindow, totalCount: number): PageSlice[] {
  const start = request.offset ?? 0;
  const end = Math.min(start + request.first, totalCount);
  const pages: PageSlice[] = [];
  for (
    let offset = start + UPSTREAM_MAX_LIMIT;
    offset < end && offset <= MAX_OFFSET;
    offset += UPSTREAM_MAX_LIMIT
  ) {
    const wanted = start + request.first - offset;
    pages.push(page(offset, Math.min(UPSTREAM_MAX_LIMIT, Math.max(UPSTREAM_MIN_LIMIT, wanted))));
  }
  return pages;
}
